/*
 * params.c - module parameters: the kernel's parameter types (param_ops_int, _bool, _charp,
 * arrays and strings ...) and the parser of an insmod argument string.
 *
 * Each type's set() parses one value into the variable kp->arg points to, with the kernel's
 * rules: integers in base 0 (0x.., 0..), one trailing newline allowed, out of range is
 * -ERANGE, and a bool takes y/Y/1/n/N/0/on/off. get() prints the value and a newline.
 * Context: process context (module load); set() may allocate (charp).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/module.h>
#include <kmm/printk.h>
#include "kernel/module.h"

/* The kernel's _parse_integer() rules over strtoull/strtoll, which accept too much alone. */
static int parse_ull(const char *s, unsigned long long *res)
{
	char *end;

	if (*s == '+')
		s++;
	if (!(*s >= '0' && *s <= '9'))
		return -EINVAL;
	errno = 0;
	*res = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end == '\n')
		end++;
	return *end ? -EINVAL : 0;
}

static int parse_ll(const char *s, long long *res)
{
	unsigned long long v;
	int err;

	if (*s != '-') {
		err = parse_ull(s, &v);
		if (!err && v > LLONG_MAX)
			err = -ERANGE;
		*res = (long long)v;
		return err;
	}
	err = parse_ull(s + 1, &v);
	if (err || s[1] == '+')
		return err ? err : -EINVAL;
	if (v > (unsigned long long)LLONG_MAX + 1)
		return -ERANGE;
	*res = (long long)(0 - v);
	return 0;
}

#define SIGNED_PARAM(name, type, min, max, fmt)                                     \
	int param_set_##name(const char *val, const struct kernel_param *kp)        \
	{                                                                           \
		long long v;                                                        \
		int err = parse_ll(val, &v);                                        \
                                                                                    \
		if (err)                                                            \
			return err;                                                 \
		if (v < (min) || v > (max))                                         \
			return -ERANGE;                                             \
		*(type *)kp->arg = (type)v;                                         \
		return 0;                                                           \
	}                                                                           \
	int param_get_##name(char *buffer, const struct kernel_param *kp)           \
	{                                                                           \
		return sprintf(buffer, fmt "\n", *(type *)kp->arg);                 \
	}                                                                           \
	const struct kernel_param_ops param_ops_##name = { .set = param_set_##name, \
							   .get = param_get_##name }

#define UNSIGNED_PARAM(name, type, max, fmt)                                        \
	int param_set_##name(const char *val, const struct kernel_param *kp)        \
	{                                                                           \
		unsigned long long v;                                               \
		int err = parse_ull(val, &v);                                       \
                                                                                    \
		if (err)                                                            \
			return err;                                                 \
		if (v > (max))                                                      \
			return -ERANGE;                                             \
		*(type *)kp->arg = (type)v;                                         \
		return 0;                                                           \
	}                                                                           \
	int param_get_##name(char *buffer, const struct kernel_param *kp)           \
	{                                                                           \
		return sprintf(buffer, fmt "\n", *(type *)kp->arg);                 \
	}                                                                           \
	const struct kernel_param_ops param_ops_##name = { .set = param_set_##name, \
							   .get = param_get_##name }

SIGNED_PARAM(short, short, SHRT_MIN, SHRT_MAX, "%hi");
SIGNED_PARAM(int, int, INT_MIN, INT_MAX, "%i");
SIGNED_PARAM(long, long, LONG_MIN, LONG_MAX, "%li");
UNSIGNED_PARAM(byte, unsigned char, UCHAR_MAX, "%hhu");
UNSIGNED_PARAM(ushort, unsigned short, USHRT_MAX, "%hu");
UNSIGNED_PARAM(uint, unsigned int, UINT_MAX, "%u");
UNSIGNED_PARAM(ulong, unsigned long, ULONG_MAX, "%lu");
UNSIGNED_PARAM(ullong, unsigned long long, ULLONG_MAX, "%llu");
UNSIGNED_PARAM(hexint, unsigned int, UINT_MAX, "%#08x");

/* kstrtobool(): only the first one or two characters count. */
static int parse_bool(const char *s, bool *res)
{
	if (!s) /* a bare "debug" on the command line means debug=1 */
		s = "1";
	switch (s[0]) {
	case 'y':
	case 'Y':
	case '1':
		*res = true;
		return 0;
	case 'n':
	case 'N':
	case '0':
		*res = false;
		return 0;
	case 'o':
	case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*res = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

int param_set_bool(const char *val, const struct kernel_param *kp)
{
	return parse_bool(val, kp->arg);
}

int param_get_bool(char *buffer, const struct kernel_param *kp)
{
	return sprintf(buffer, "%c\n", *(bool *)kp->arg ? 'Y' : 'N');
}

const struct kernel_param_ops param_ops_bool = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = param_set_bool,
	.get = param_get_bool,
};

int param_set_invbool(const char *val, const struct kernel_param *kp)
{
	bool v;
	int err = parse_bool(val, &v);

	if (!err)
		*(bool *)kp->arg = !v;
	return err;
}

int param_get_invbool(char *buffer, const struct kernel_param *kp)
{
	return sprintf(buffer, "%c\n", *(bool *)kp->arg ? 'N' : 'Y');
}

const struct kernel_param_ops param_ops_invbool = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = param_set_invbool,
	.get = param_get_invbool,
};

/*
 * charp: the kernel keeps a copy; so does kmm, on the host heap, since parameters outlive
 * the machine (the previous copy is freed when the parameter is set again).
 */
int param_set_charp(const char *val, const struct kernel_param *kp)
{
	char **p = kp->arg, *copy;

	if (strlen(val) > 1024) {
		kmm_printk("%s: string parameter too long\n", kp->name);
		return -ENOSPC;
	}
	copy = strdup(val);
	if (!copy)
		return -ENOMEM;
	param_free_charp(p);
	*p = copy;
	return 0;
}

int param_get_charp(char *buffer, const struct kernel_param *kp)
{
	return sprintf(buffer, "%s\n", *(char **)kp->arg ? *(char **)kp->arg : "(null)");
}

static const char *charp_copies[64];

void param_free_charp(void *arg)
{
	char *old = *(char **)arg;

	/* Only a copy made here is freed: the initial value is the module's own string. */
	for (size_t i = 0; old && i < sizeof(charp_copies) / sizeof(charp_copies[0]); i++) {
		if (charp_copies[i] == old) {
			charp_copies[i] = NULL;
			free(old);
			return;
		}
	}
}

static int charp_set_tracked(const char *val, const struct kernel_param *kp)
{
	int err = param_set_charp(val, kp);

	for (size_t i = 0; !err && i < sizeof(charp_copies) / sizeof(charp_copies[0]); i++) {
		if (!charp_copies[i]) {
			charp_copies[i] = *(char **)kp->arg;
			break;
		}
	}
	return err;
}

const struct kernel_param_ops param_ops_charp = {
	.set = charp_set_tracked,
	.get = param_get_charp,
	.free = param_free_charp,
};

int param_set_copystring(const char *val, const struct kernel_param *kp)
{
	const struct kparam_string *kps = kp->str;

	if (strlen(val) + 1 > kps->maxlen) {
		kmm_printk("%s: string doesn't fit in %u chars.\n", kp->name, kps->maxlen - 1);
		return -ENOSPC;
	}
	strcpy(kps->string, val);
	return 0;
}

int param_get_string(char *buffer, const struct kernel_param *kp)
{
	return sprintf(buffer, "%s\n", kp->str->string);
}

const struct kernel_param_ops param_ops_string = {
	.set = param_set_copystring,
	.get = param_get_string,
};

/* "1,2,3": each element through the element type's set(), the count stored in *num. */
static int param_array_set(const char *val, const struct kernel_param *kp)
{
	const struct kparam_array *arr = kp->arr;
	unsigned int n = 0;
	char buf[1024];
	char *s = buf;

	if (!val || strlen(val) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, val);
	for (;;) {
		char *comma = strchr(s, ',');
		struct kernel_param elem = { .name = kp->name, .ops = arr->ops };
		int err;

		if (n == arr->max) {
			kmm_printk("%s: can only take %i arguments\n", kp->name, arr->max);
			return -EINVAL;
		}
		if (comma)
			*comma = '\0';
		elem.arg = (char *)arr->elem + (size_t)n * arr->elemsize;
		err = arr->ops->set(s, &elem);
		if (err)
			return err;
		n++;
		if (!comma)
			break;
		s = comma + 1;
	}
	if (arr->num)
		*arr->num = n;
	return 0;
}

static int param_array_get(char *buffer, const struct kernel_param *kp)
{
	const struct kparam_array *arr = kp->arr;
	unsigned int n = arr->num ? *arr->num : arr->max;
	int off = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct kernel_param elem = { .name = kp->name, .ops = arr->ops };
		int len;

		elem.arg = (char *)arr->elem + (size_t)i * arr->elemsize;
		if (i)
			buffer[off++] = ',';
		len = arr->ops->get(buffer + off, &elem);
		if (len < 0)
			return len;
		off += len;
		if (off && buffer[off - 1] == '\n')
			off--; /* one newline at the end, not one per element */
	}
	buffer[off++] = '\n';
	buffer[off] = '\0';
	return off;
}

const struct kernel_param_ops param_array_ops = {
	.set = param_array_set,
	.get = param_array_get,
};

/* parameq(): '-' and '_' are the same in a parameter's name. */
static bool param_name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen && a[i]; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return i == blen && !a[i];
}

struct param_search {
	const char *name;
	size_t len;
	const struct kernel_param *found;
};

static int match_param(const struct kmm_module_info *info, void *arg)
{
	struct param_search *s = arg;

	if (info->kind != KMM_MODINFO_PARAM || !param_name_eq(info->param->name, s->name, s->len))
		return 0;
	s->found = info->param;
	return 1;
}

/* One word of the argument string: its name, and its value or NULL; quotes removed. */
static char *next_arg(char *args, char **param, char **val)
{
	bool quoted = false;
	char *p = args, *eq = NULL;

	if (*p == '"') {
		quoted = true;
		args++;
		p++;
	}
	for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '=' && !eq)
			eq = p;
	}
	*param = args;
	*val = NULL;
	if (eq) {
		*eq = '\0';
		*val = eq + 1;
		if (**val == '"') {
			(*val)++;
			if (p > *val && p[-1] == '"')
				p[-1] = '\0';
		}
	} else if (quoted || (p > args && p[-1] == '"')) {
		if (p > args && p[-1] == '"')
			p[-1] = '\0';
	}
	if (*p)
		*p++ = '\0';
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return p;
}

int module_parse_params(const char *modname, const char *args)
{
	char *copy, *p;
	int err = 0;

	if (!args)
		return 0;
	copy = strdup(args);
	if (!copy)
		return -ENOMEM;
	p = copy;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	while (*p && !err) {
		struct param_search s;
		char *param, *val;

		p = next_arg(p, &param, &val);
		s = (struct param_search){ .name = param, .len = strlen(param) };
		kmm_module_for_each_info(modname, match_param, &s);
		if (!s.found) {
			kmm_printk("%s: unknown parameter '%s' ignored\n", modname, param);
			continue;
		}
		if (!val && !(s.found->ops->flags & KERNEL_PARAM_OPS_FL_NOARG))
			err = -EINVAL;
		else
			err = s.found->ops->set(val, s.found);
		if (err == -ENOSPC)
			kmm_printk("%s: `%s' too large for parameter `%s'\n", modname,
				   val ? val : "", param);
		else if (err)
			kmm_printk("%s: `%s' invalid for parameter `%s'\n", modname, val ? val : "",
				   param);
	}
	free(copy);
	return err;
}
