/*
 * lockdep.c - a small lock validator: lock classes, the order they are taken in, and the
 * first cycle in that order, reported before it can deadlock.
 *
 * Data: up to MAX_CLASSES classes, each a key (struct lock_class_key address plus subclass)
 * and a name, found through an open-addressed table; and the dependency graph as a bitmap,
 * deps[a] bit b meaning "some thread took class b while holding class a". Each thread keeps
 * the stack of locks it holds (struct kmm_thread.held). Taking a lock adds an edge from every
 * held class to the new one; an edge that is new is checked under graph_lock by a depth-first
 * search for a path back, and a path found is reported as "possible circular locking
 * dependency detected"; a second lock of a class already held (without a nesting subclass)
 * is "possible recursive locking detected"; a spinning class taken in an interrupt context
 * and elsewhere with that interrupt enabled is "inconsistent lock state" (the usage bits of
 * each class). After the first report lockdep stops judging (as the kernel's
 * debug_locks does), since one inversion usually causes a cascade.
 *
 * Lock order: graph_lock, then the report lock. The fast path (every edge already known, the
 * class cached in the lock's map) takes no lock: deps bits and class keys are read with
 * relaxed atomics and only ever set under graph_lock.
 * Context: any.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <kmm/lockdep.h>
#include "kernel/locking/lockdep.h"
#include "machine/report.h"
#include "machine/symbols.h"
#include "machine/initcall.h"

#define MAX_CLASSES 1024
#define CLASS_HASH 2048
#define WORDS (MAX_CLASSES / (8 * sizeof(unsigned long)))
#define WORD_BITS (8 * sizeof(unsigned long))

/*
 * How a class has been used, for the irq-safety check: taken in hardirq (softirq) context,
 * or taken with hardirqs (softirqs) enabled. A spinning class with both bits of one pair can
 * deadlock against its own interrupt: "inconsistent lock state".
 */
enum lock_usage_bit {
	USED_IN_HARDIRQ,
	ENABLED_HARDIRQ,
	USED_IN_SOFTIRQ,
	ENABLED_SOFTIRQ,
	NR_USAGE,
};

static const char *const usage_name[NR_USAGE] = {
	[USED_IN_HARDIRQ] = "IN-HARDIRQ-W",
	[ENABLED_HARDIRQ] = "HARDIRQ-ON-W",
	[USED_IN_SOFTIRQ] = "IN-SOFTIRQ-W",
	[ENABLED_SOFTIRQ] = "SOFTIRQ-ON-W",
};

struct lock_class {
	const void *key; /* key address + subclass; NULL for a free slot */
	const char *name;
	unsigned int subclass;
	int wait_type;
	void *first_ip; /* where a lock of the class was first taken, for the chain report */
	unsigned int usage; /* USED_* bits: the contexts the class has been taken in */
	void *usage_ip[NR_USAGE]; /* where each usage bit was first set */
};

static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lock_class classes[MAX_CLASSES]; /* index 0 unused: "not looked up" */
static unsigned short class_hash[CLASS_HASH];
static unsigned int nr_classes = 1;
static unsigned long deps[MAX_CLASSES][WORDS];
static bool debug_locks = true;
static unsigned long generation = 1; /* bumped at boot: every thread's held[] is then stale */

static int lockdep_boot(void)
{
	pthread_mutex_lock(&graph_lock);
	for (unsigned int i = 0; i < MAX_CLASSES; i++) {
		__atomic_store_n(&classes[i].key, NULL, __ATOMIC_RELAXED);
		__atomic_store_n(&classes[i].usage, 0, __ATOMIC_RELAXED);
	}
	memset(class_hash, 0, sizeof(class_hash));
	for (unsigned int i = 0; i < MAX_CLASSES; i++)
		for (unsigned int w = 0; w < WORDS; w++)
			__atomic_store_n(&deps[i][w], 0, __ATOMIC_RELAXED);
	nr_classes = 1;
	__atomic_store_n(&debug_locks, true, __ATOMIC_RELAXED);
	__atomic_fetch_add(&generation, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&graph_lock);
	return 0;
}

void lockdep_init_map(struct lockdep_map *map, const char *name, const void *key, int wait_type)
{
	map->key = key;
	map->name = name;
	map->wait_type = wait_type;
	memset(map->class_idx, 0, sizeof(map->class_idx));
}

/* Find or register the class of (@map, @subclass); 0 when the table is full. */
static unsigned short register_class(const struct lockdep_map *map, const void *key,
				     unsigned int subclass, void *ip)
{
	unsigned long h = ((unsigned long)key >> 3) * 0x9e3779b97f4a7c15ul;
	unsigned short idx = 0;

	pthread_mutex_lock(&graph_lock);
	for (unsigned int i = 0; i < CLASS_HASH; i++) {
		unsigned int slot = (unsigned int)((h >> 40) + i) % CLASS_HASH;

		idx = class_hash[slot];
		if (idx && classes[idx].key == key)
			break;
		if (!idx) {
			if (nr_classes == MAX_CLASSES)
				break;
			idx = (unsigned short)nr_classes++;
			classes[idx].name = map->name;
			classes[idx].subclass = subclass;
			classes[idx].wait_type = map->wait_type;
			classes[idx].first_ip = ip;
			__atomic_store_n(&classes[idx].key, key, __ATOMIC_RELEASE);
			class_hash[slot] = idx;
			break;
		}
	}
	pthread_mutex_unlock(&graph_lock);
	return idx;
}

static unsigned short class_of(struct lockdep_map *map, unsigned int subclass, void *ip)
{
	const void *key;
	unsigned short idx;

	if (subclass >= MAX_LOCKDEP_SUBCLASSES)
		subclass = MAX_LOCKDEP_SUBCLASSES - 1;
	key = (const char *)(map->key ? map->key : map) + subclass;
	idx = __atomic_load_n(&map->class_idx[subclass], __ATOMIC_RELAXED);
	if (idx && __atomic_load_n(&classes[idx].key, __ATOMIC_ACQUIRE) == key)
		return idx;
	idx = register_class(map, key, subclass, ip);
	__atomic_store_n(&map->class_idx[subclass], idx, __ATOMIC_RELAXED);
	return idx;
}

static bool has_dep(unsigned int a, unsigned int b)
{
	return (__atomic_load_n(&deps[a][b / WORD_BITS], __ATOMIC_RELAXED) >> (b % WORD_BITS)) & 1;
}

/* Under graph_lock: a path from @from to @to? Fills @path (from..to) and returns its length. */
static unsigned int find_path(unsigned int from, unsigned int to, unsigned short *path)
{
	static unsigned short parent[MAX_CLASSES];
	static unsigned short queue[MAX_CLASSES];
	static unsigned long seen[WORDS];
	unsigned int head = 0, tail = 0, n = 0;

	memset(seen, 0, sizeof(seen));
	queue[tail++] = (unsigned short)from;
	seen[from / WORD_BITS] |= 1ul << (from % WORD_BITS);
	while (head < tail) {
		unsigned int c = queue[head++];

		if (c == to) {
			for (unsigned int x = to; x != from; x = parent[x])
				path[n++] = (unsigned short)x;
			path[n++] = (unsigned short)from;
			for (unsigned int i = 0; i < n / 2; i++) {
				unsigned short tmp = path[i];

				path[i] = path[n - 1 - i];
				path[n - 1 - i] = tmp;
			}
			return n;
		}
		for (unsigned int next = 1; next < nr_classes; next++) {
			if (!has_dep(c, next) || (seen[next / WORD_BITS] >> (next % WORD_BITS)) & 1)
				continue;
			seen[next / WORD_BITS] |= 1ul << (next % WORD_BITS);
			parent[next] = (unsigned short)c;
			queue[tail++] = (unsigned short)next;
		}
	}
	return 0;
}

int lockdep_format_ip(char *buf, size_t len, void *ip)
{
	const char *name;
	unsigned long offset, size;
	Dl_info info;

	if (ip && symbols_lookup((unsigned long)ip, &name, &offset, &size))
		return snprintf(buf, len, "%s+0x%lx/0x%lx", name, offset, size);
	if (ip && dladdr(ip, &info) && info.dli_sname)
		return snprintf(buf, len, "%s+0x%lx", info.dli_sname,
				(unsigned long)ip - (unsigned long)info.dli_saddr);
	return snprintf(buf, len, "%p", ip);
}

static void class_name(char *buf, size_t len, unsigned int cls)
{
	if (classes[cls].subclass)
		snprintf(buf, len, "(%s/%u){+.+.}-{%d:%d}", classes[cls].name,
			 classes[cls].subclass, classes[cls].wait_type, classes[cls].wait_type);
	else
		snprintf(buf, len, "(%s){+.+.}-{%d:%d}", classes[cls].name, classes[cls].wait_type,
			 classes[cls].wait_type);
}

void lockdep_add_lock_line(const char *prefix, const void *lock, const struct lockdep_map *map,
			   void *ip)
{
	char at[128];
	unsigned int w = (unsigned int)map->wait_type;

	lockdep_format_ip(at, sizeof(at), ip);
	report_add("%s%016lx (%s){+.+.}-{%u:%u}, at: %s", prefix, (unsigned long)lock, map->name, w,
		   w, at);
}

void lockdep_add_held_locks(struct kmm_thread *t)
{
	if (!t->nr_held || t->held_gen != __atomic_load_n(&generation, __ATOMIC_RELAXED)) {
		report_add("no locks held by %s/%d.", t->comm, t->pid);
		return;
	}
	report_add("%u lock%s held by %s/%d:", t->nr_held, t->nr_held == 1 ? "" : "s", t->comm,
		   t->pid);
	for (unsigned int i = 0; i < t->nr_held; i++) {
		char prefix[16];

		snprintf(prefix, sizeof(prefix), " #%u: ", i);
		lockdep_add_lock_line(prefix, t->held[i].map, t->held[i].map, t->held[i].ip);
	}
}

void lockdep_finish_report(struct kmm_thread *t)
{
	lockdep_add_held_locks(t);
	report_add("%s", "");
	report_add("stack backtrace:");
	report_add_task();
	report_add_stack();
	report_finish();
}

void lockdep_report_bad_unlock(struct kmm_thread *t, const char *lock, void *ip)
{
	char at[128];

	lockdep_format_ip(at, sizeof(at), ip);
	report_start("bad_unlock_balance", "WARNING: bad unlock balance detected!");
	report_add("kmm Not tainted");
	report_add("-------------------------------------");
	report_add("%s/%d is trying to release lock (%s) at:", t->comm, t->pid, lock);
	report_add("%s", at);
	report_add("but there are no more locks to release!");
	report_add("%s", "");
	report_add("other info that might help us debug this:");
	lockdep_finish_report(t);
}

/* The two paragraphs both lock reports open with: the lock wanted, then the one held. */
static void add_wanted_and_held(const struct kmm_thread *t, const struct held_lock *prev,
				const struct lockdep_map *map, void *ip)
{
	report_add("%s/%d is trying to acquire lock:", t->comm, t->pid);
	lockdep_add_lock_line("", map, map, ip);
	report_add("%s", "");
	report_add("but task is already holding lock:");
	lockdep_add_lock_line("", prev->map, prev->map, prev->ip);
	report_add("%s", "");
}

/* Under graph_lock: @t holds @prev (class a) and wants @map (class b) although b -> a. */
static void report_cycle(struct kmm_thread *t, const struct held_lock *prev,
			 const struct lockdep_map *map, void *ip, const unsigned short *path,
			 unsigned int n)
{
	report_start("lockdep_circular", "WARNING: possible circular locking dependency detected");
	report_add("kmm Not tainted");
	report_add("------------------------------------------------------");
	add_wanted_and_held(t, prev, map, ip);
	report_add("which lock already depends on the new lock.");
	report_add("%s", "");
	report_add("%s", "");
	report_add("the existing dependency chain (in reverse order) is:");
	for (unsigned int i = n; i-- > 0;) {
		char c[160], at[128];

		class_name(c, sizeof(c), path[i]);
		lockdep_format_ip(at, sizeof(at), classes[path[i]].first_ip);
		report_add("%s", "");
		report_add("-> #%u %s:", i, c);
		report_add("       first taken at: %s", at);
	}
	report_add("%s", "");
	report_add("other info that might help us debug this:");
	report_add("%s", "");
	if (n > 2) {
		char line[1024];
		size_t len = 0;

		report_add("Chain exists of:");
		for (unsigned int i = n; i-- > 0;) {
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
						i == n - 1 ? "  " : " --> ", classes[path[i]].name);
			if (len >= sizeof(line))
				break;
		}
		report_add("%s", line);
		report_add("%s", "");
	}
	report_add(" Possible unsafe locking scenario:");
	report_add("%s", "");
	report_add("       CPU0                    CPU1");
	report_add("       ----                    ----");
	report_add("  lock(%s);", classes[prev->cls].name);
	report_add("                               lock(%s);", classes[path[0]].name);
	report_add("                               lock(%s);", classes[prev->cls].name);
	report_add("  lock(%s);", classes[path[0]].name);
	report_add("%s", "");
	report_add(" *** DEADLOCK ***");
	report_add("%s", "");
	lockdep_finish_report(t);
}

/* @t holds @prev and takes another lock of the same class: report it, lockdep's way. */
static void report_recursive(struct kmm_thread *t, const struct held_lock *prev,
			     const struct lockdep_map *map, void *ip)
{
	pthread_mutex_lock(&graph_lock);
	if (!__atomic_load_n(&debug_locks, __ATOMIC_RELAXED)) {
		pthread_mutex_unlock(&graph_lock);
		return;
	}
	__atomic_store_n(&debug_locks, false, __ATOMIC_RELAXED);
	report_start("lockdep_recursive", "WARNING: possible recursive locking detected");
	report_add("kmm Not tainted");
	report_add("--------------------------------------------");
	add_wanted_and_held(t, prev, map, ip);
	report_add("other info that might help us debug this:");
	report_add(" Possible unsafe locking scenario:");
	report_add("%s", "");
	report_add("       CPU0");
	report_add("       ----");
	report_add("  lock(%s);", classes[prev->cls].name);
	report_add("  lock(%s);", classes[prev->cls].name);
	report_add("%s", "");
	report_add(" *** DEADLOCK ***");
	report_add("%s", "");
	report_add(" May be due to missing lock nesting notation");
	report_add("%s", "");
	lockdep_finish_report(t);
	pthread_mutex_unlock(&graph_lock);
}

/* The usage bits of taking a lock in the calling thread's present context. */
static unsigned int usage_now(const struct kmm_thread *t)
{
	unsigned int u = 0;

	if (t->preempt_count & HARDIRQ_MASK)
		u |= 1u << USED_IN_HARDIRQ;
	else if (t->preempt_count & SOFTIRQ_OFFSET)
		u |= 1u << USED_IN_SOFTIRQ;
	if (!t->irqs_disabled) {
		u |= 1u << ENABLED_HARDIRQ;
		if (!(t->preempt_count & SOFTIRQ_MASK))
			u |= 1u << ENABLED_SOFTIRQ;
	}
	return u;
}

/* Under graph_lock: class @cls, already used as @old, is now used as @bit in @t. */
static void report_inconsistent(struct kmm_thread *t, unsigned int cls, int old, int bit,
				const struct lockdep_map *map, void *ip)
{
	char was[128];
	int interrupt_kind = old == USED_IN_HARDIRQ || bit == USED_IN_HARDIRQ;

	report_start("lockdep_inconsistent", "WARNING: inconsistent lock state");
	report_add("kmm Not tainted");
	report_add("--------------------------------");
	report_add("inconsistent {%s} -> {%s} usage.", usage_name[old], usage_name[bit]);
	report_add("%s/%d [HC%u[%u]:SC%u[%u]:HE%u:SE%u] takes:", t->comm, t->pid,
		   !!(t->preempt_count & HARDIRQ_MASK), (t->preempt_count & HARDIRQ_MASK) >> 16,
		   !!(t->preempt_count & SOFTIRQ_OFFSET), !!(t->preempt_count & SOFTIRQ_OFFSET),
		   !t->irqs_disabled, !(t->preempt_count & SOFTIRQ_MASK));
	lockdep_add_lock_line("", map, map, ip);
	lockdep_format_ip(was, sizeof(was), classes[cls].usage_ip[old]);
	report_add("{%s} state was registered at:", usage_name[old]);
	report_add("  %s", was);
	report_add("%s", "");
	report_add("other info that might help us debug this:");
	report_add(" Possible unsafe locking scenario:");
	report_add("%s", "");
	report_add("       CPU0");
	report_add("       ----");
	report_add("  lock(%s);", classes[cls].name);
	report_add("  <%s>", interrupt_kind ? "Interrupt" : "Softirq");
	report_add("    lock(%s);", classes[cls].name);
	report_add("%s", "");
	report_add(" *** DEADLOCK ***");
	report_add("%s", "");
	lockdep_finish_report(t);
}

/* Record the contexts @cls is taken in; report a spinning class used both in and outside
 * an interrupt it does not keep out. */
static void mark_usage(struct kmm_thread *t, unsigned int cls, const struct lockdep_map *map,
		       void *ip)
{
	static const int conflict[NR_USAGE] = {
		[USED_IN_HARDIRQ] = ENABLED_HARDIRQ,
		[ENABLED_HARDIRQ] = USED_IN_HARDIRQ,
		[USED_IN_SOFTIRQ] = ENABLED_SOFTIRQ,
		[ENABLED_SOFTIRQ] = USED_IN_SOFTIRQ,
	};
	unsigned int now = usage_now(t);

	if ((__atomic_load_n(&classes[cls].usage, __ATOMIC_RELAXED) & now) == now)
		return;
	pthread_mutex_lock(&graph_lock);
	for (int bit = 0; bit < NR_USAGE; bit++) {
		unsigned int had = classes[cls].usage;

		if (!(now & (1u << bit)) || (had & (1u << bit)))
			continue;
		classes[cls].usage_ip[bit] = ip;
		__atomic_store_n(&classes[cls].usage, had | (1u << bit), __ATOMIC_RELAXED);
		if (classes[cls].wait_type == 2 && (had & (1u << conflict[bit])) &&
		    __atomic_load_n(&debug_locks, __ATOMIC_RELAXED)) {
			__atomic_store_n(&debug_locks, false, __ATOMIC_RELAXED);
			report_inconsistent(t, cls, conflict[bit], bit, map, ip);
		}
	}
	pthread_mutex_unlock(&graph_lock);
}

/* Record that @t takes class @cls while holding @prev; report a cycle if that closes one. */
static void add_dep(struct kmm_thread *t, const struct held_lock *prev, unsigned short cls,
		    const struct lockdep_map *map, void *ip)
{
	unsigned short path[MAX_CLASSES];
	unsigned int n;

	pthread_mutex_lock(&graph_lock);
	if (!has_dep(prev->cls, cls) && __atomic_load_n(&debug_locks, __ATOMIC_RELAXED)) {
		n = find_path(cls, prev->cls, path);
		if (n) {
			__atomic_store_n(&debug_locks, false, __ATOMIC_RELAXED);
			report_cycle(t, prev, map, ip, path, n);
		} else {
			__atomic_fetch_or(&deps[prev->cls][cls / WORD_BITS],
					  1ul << (cls % WORD_BITS), __ATOMIC_RELAXED);
		}
	}
	pthread_mutex_unlock(&graph_lock);
}

/* The calling thread's lock stack, emptied if it dates from an earlier boot. */
static struct kmm_thread *held_current(void)
{
	struct kmm_thread *t = thread_current();
	unsigned long gen = __atomic_load_n(&generation, __ATOMIC_RELAXED);

	if (__builtin_expect(t->held_gen != gen, 0)) {
		t->held_gen = gen;
		t->nr_held = 0;
	}
	return t;
}

void lock_acquire(struct lockdep_map *map, unsigned int subclass, bool trylock, void *ip)
{
	struct kmm_thread *t = held_current();
	unsigned short cls;

	if (t->nr_held == THREAD_MAX_HELD)
		return;
	cls = class_of(map, subclass, ip);
	if (!cls)
		return;
	if (!trylock && __atomic_load_n(&debug_locks, __ATOMIC_RELAXED)) {
		mark_usage(t, cls, map, ip);
		for (unsigned int i = 0; i < t->nr_held; i++) {
			unsigned short prev = t->held[i].cls;

			if (prev == cls)
				report_recursive(t, &t->held[i], map, ip);
			else if (!has_dep(prev, cls))
				add_dep(t, &t->held[i], cls, map, ip);
		}
	}
	t->held[t->nr_held].map = map;
	t->held[t->nr_held].ip = ip;
	t->held[t->nr_held].cls = cls;
	t->nr_held++;
}

void lock_release(struct lockdep_map *map)
{
	struct kmm_thread *t = held_current();

	for (unsigned int i = t->nr_held; i-- > 0;) {
		if (t->held[i].map != map)
			continue;
		if (i + 1 < t->nr_held) /* released out of order: close the gap */
			memmove(&t->held[i], &t->held[i + 1],
				(t->nr_held - i - 1) * sizeof(t->held[0]));
		t->nr_held--;
		return;
	}
}

unsigned int lockdep_depth(void)
{
	return held_current()->nr_held;
}

bool lockdep_is_held(const struct lockdep_map *map)
{
	struct kmm_thread *t = held_current();

	for (unsigned int i = 0; i < t->nr_held; i++)
		if (t->held[i].map == map)
			return true;
	return false;
}

bool kmm_lockdep_warn_not_held(const char *what)
{
	report_start("lockdep_not_held", "WARNING: CPU: %u PID: %d lock not held: %s",
		     smp_processor_id(), kmm_current_pid(), what);
	lockdep_add_held_locks(held_current());
	report_add_task();
	report_add_stack();
	report_finish();
	return false;
}

void debug_show_held_locks(void)
{
	struct kmm_thread *t = held_current();

	fprintf(stderr, "%u locks held by %s/%d\n", t->nr_held, t->comm, t->pid);
	for (unsigned int i = 0; i < t->nr_held; i++) {
		char at[128];

		lockdep_format_ip(at, sizeof(at), t->held[i].ip);
		fprintf(stderr, " #%u: %p (%s), at: %s\n", i, (void *)t->held[i].map,
			t->held[i].map->name, at);
	}
}

kmm_initcall(core, lockdep, lockdep_boot, NULL);
