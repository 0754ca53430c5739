/*
 * module.c - insmod and rmmod for modules linked into the program (kmm/module.h).
 *
 * Every descriptor module code leaves (module_init, module_exit, module_param, MODULE_*) is on
 * one singly linked list, in the order the constructors added them; a module is the set of
 * descriptors with its name. The loaded modules are a second list, newest first, as the
 * kernel's /proc/modules prints them. Both lists are under module_lock, a host mutex: loading
 * calls the module's init with it dropped (init may load nothing else, but may sleep long),
 * the module marked COMING so a second load of the same name is refused meanwhile.
 *
 * Context: process context; the descriptor list may also grow from constructors before main.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/module.h>
#include <kmm/printk.h>
#include "kernel/module.h"
#include "machine/initcall.h"

struct loaded_module {
	char name[56];
	enum module_state state;
	void (*exit)(void);
	bool has_init;
	struct module *this; /* THIS_MODULE, when the module has one */
	struct loaded_module *next;
};

static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmm_module_info *infos, **infos_tail = &infos;
static struct loaded_module *loaded;

void kmm_module_info_add(struct kmm_module_info *info)
{
	pthread_mutex_lock(&module_lock);
	info->next = NULL;
	__atomic_store_n(infos_tail, info, __ATOMIC_RELEASE);
	infos_tail = &info->next;
	pthread_mutex_unlock(&module_lock);
}

int kmm_module_for_each_info(const char *modname,
			     int (*fn)(const struct kmm_module_info *info, void *arg), void *arg)
{
	struct kmm_module_info *info;
	int ret = 0;

	/* The list only grows at its tail and its nodes are static: walk it without the lock. */
	pthread_mutex_lock(&module_lock);
	info = infos;
	pthread_mutex_unlock(&module_lock);
	for (; info; info = __atomic_load_n(&info->next, __ATOMIC_ACQUIRE)) {
		if (strcmp(info->modname, modname) == 0 && (ret = fn(info, arg)))
			break;
	}
	return ret;
}

static struct loaded_module *find_loaded(const char *name)
{
	for (struct loaded_module *m = loaded; m; m = m->next)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

struct module_parts {
	int (*init)(void);
	void (*exit)(void);
	struct module *this;
	unsigned int nr_params, nr_infos;
};

static int collect(const struct kmm_module_info *info, void *arg)
{
	struct module_parts *p = arg;

	p->nr_infos++;
	if (info->kind == KMM_MODINFO_INIT)
		p->init = info->init;
	else if (info->kind == KMM_MODINFO_EXIT)
		p->exit = info->exit;
	else if (info->kind == KMM_MODINFO_THIS)
		p->this = info->this;
	else if (info->kind == KMM_MODINFO_PARAM)
		p->nr_params++;
	return 0;
}

static void set_state(struct loaded_module *m, enum module_state state)
{
	m->state = state;
	if (m->this)
		m->this->state = state;
}

int kmm_module_load(const char *name, const char *params)
{
	struct module_parts parts = { 0 };
	struct loaded_module *m;
	int err;

	kmm_module_for_each_info(name, collect, &parts);
	if (!parts.nr_infos)
		return -ENOENT;
	if (strlen(name) >= sizeof(m->name))
		return -ENAMETOOLONG;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	strcpy(m->name, name);
	m->exit = parts.exit;
	m->has_init = parts.init != NULL;
	m->this = parts.this;
	if (m->this)
		strcpy(m->this->name, name);

	pthread_mutex_lock(&module_lock);
	if (find_loaded(name)) {
		pthread_mutex_unlock(&module_lock);
		free(m);
		return -EEXIST;
	}
	set_state(m, MODULE_STATE_COMING);
	m->next = loaded;
	loaded = m;
	pthread_mutex_unlock(&module_lock);

	err = module_parse_params(name, params);
	if (!err && parts.init) {
		err = parts.init();
		if (err > 0) {
			/* The kernel's convention check: a positive return still loads the module. */
			kmm_printk("%s: '%s'->init suspiciously returned %d, it should follow 0/-E "
				   "convention\n",
				   __func__, name, err);
			kmm_printk("%s: loading module anyway...\n", __func__);
			err = 0;
		}
	}

	pthread_mutex_lock(&module_lock);
	if (err) {
		struct loaded_module **pp = &loaded;

		while (*pp != m)
			pp = &(*pp)->next;
		*pp = m->next;
		set_state(m, MODULE_STATE_UNFORMED);
		free(m);
	} else {
		set_state(m, MODULE_STATE_LIVE);
	}
	pthread_mutex_unlock(&module_lock);
	return err;
}

int kmm_module_unload(const char *name)
{
	struct loaded_module **pp, *m;

	pthread_mutex_lock(&module_lock);
	for (pp = &loaded; (m = *pp); pp = &m->next)
		if (strcmp(m->name, name) == 0)
			break;
	if (!m || m->state != MODULE_STATE_LIVE) {
		pthread_mutex_unlock(&module_lock);
		return m ? -EBUSY : -ENOENT;
	}
	/* delete_module(): a module with an init and no exit can never be removed. */
	if (m->has_init && !m->exit) {
		pthread_mutex_unlock(&module_lock);
		return -EBUSY;
	}
	set_state(m, MODULE_STATE_GOING);
	pthread_mutex_unlock(&module_lock);

	if (m->exit)
		m->exit();

	pthread_mutex_lock(&module_lock);
	for (pp = &loaded; *pp != m; pp = &(*pp)->next)
		;
	*pp = m->next;
	set_state(m, MODULE_STATE_UNFORMED);
	pthread_mutex_unlock(&module_lock);
	free(m);
	return 0;
}

bool kmm_module_is_loaded(const char *name)
{
	struct loaded_module *m;
	bool live;

	pthread_mutex_lock(&module_lock);
	m = find_loaded(name);
	live = m && m->state == MODULE_STATE_LIVE;
	pthread_mutex_unlock(&module_lock);
	return live;
}

static const char *state_name(enum module_state state)
{
	switch (state) {
	case MODULE_STATE_GOING:
		return "Unloading";
	case MODULE_STATE_COMING:
		return "Loading";
	default:
		return "Live";
	}
}

void kmm_proc_modules(FILE *out)
{
	pthread_mutex_lock(&module_lock);
	for (struct loaded_module *m = loaded; m; m = m->next) {
		/*
		 * name size refcount users state address taint: kmm has no module image, so the
		 * size is 0, and the address is hidden as it is from a reader without
		 * CAP_SYSLOG; "O" is the out-of-tree taint every kmm module carries.
		 */
		fprintf(out, "%s %u %d - %s 0x%016x (O)\n", m->name, 0u, 0, state_name(m->state),
			0u);
	}
	pthread_mutex_unlock(&module_lock);
}

/*
 * A reboot unloads nothing: the modules still loaded are forgotten with the machine (their
 * exit is never called), so the next boot starts with none.
 */
static void modules_forget(void)
{
	pthread_mutex_lock(&module_lock);
	while (loaded) {
		struct loaded_module *m = loaded;

		loaded = m->next;
		set_state(m, MODULE_STATE_UNFORMED);
		free(m);
	}
	pthread_mutex_unlock(&module_lock);
}

kmm_initcall(late, modules, NULL, modules_forget);
