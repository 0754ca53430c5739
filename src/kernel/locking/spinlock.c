/*
 * spinlock.c - spinlock_t and rwlock_t.
 *
 * A spinlock is one word, 0 free and 1 held, taken with compare-and-swap after the preempt
 * count is raised (so the holder owns its simulated CPU: nobody else on that CPU can want the
 * lock while it is held, and a waiter always spins on another CPU's holder). The waiter spins
 * on a plain load, then yields the host CPU now and then, since host threads outnumber host
 * cores under sanitizers. owner and owner_cpu are written by the holder after it takes the
 * word and read by others only to diagnose: recursion by the holder itself is reported and
 * counted (its unlock then just undoes the count), never spun on forever.
 *
 * rwlock_t is one counter: -1 for a writer, n > 0 for n readers. Writers are tracked by
 * lockdep; readers may nest freely, as the kernel's recursive read locks do.
 *
 * Order with other kmm locks: the report lock (report.c) and lockdep's graph lock may be
 * taken while a spinlock is held; nothing is taken while spinning.
 * Context: any.
 */
#include <sched.h>

#include <kmm/spinlock.h>
#include "machine/thread.h"
#include "machine/cpu.h"
#include "machine/report.h"
#include "kernel/locking/lockdep.h"

#define SPINS_BEFORE_YIELD 64
#define SPINLOCK_MAGIC 0xdead4eadu

static void spin_bug(spinlock_t *lock, const char *msg)
{
	struct kmm_thread *t = thread_current();
	struct kmm_thread *owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);

	report_start("spinlock", "BUG: spinlock %s on CPU#%u, %s/%d", msg, t->cpu, t->comm, t->pid);
	report_add(" lock: %p, .magic: %08x, .owner: %s/%d, .owner_cpu: %d", (void *)lock,
		   SPINLOCK_MAGIC, owner ? owner->comm : "<none>", owner ? owner->pid : -1,
		   __atomic_load_n(&lock->owner_cpu, __ATOMIC_RELAXED));
	report_add_task();
	report_add_stack();
	report_finish();
}

void __spin_lock_init(spinlock_t *lock, const char *name, struct lock_class_key *key)
{
	lock->locked = 0;
	lock->owner = NULL;
	lock->owner_cpu = -1;
	lock->recursion = 0;
	lockdep_init_map(&lock->dep_map, name, key, 2);
}

static void spin_wait(spinlock_t *lock, struct kmm_thread *t)
{
	bool told = false;
	unsigned int spins = 0;

	do {
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED)) {
			/* An interrupt handler spinning on the lock of the task it interrupted. */
			if (!told && t->role == THREAD_HARDIRQ &&
			    __atomic_load_n(&lock->owner_cpu, __ATOMIC_RELAXED) == (int)t->cpu) {
				spin_bug(lock, "recursion");
				told = true;
			}
			if (++spins % SPINS_BEFORE_YIELD == 0)
				sched_yield();
			else
				cpu_relax();
		}
	} while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE));
}

/* Take the lock word for the calling thread, which has already raised its preempt count. */
static void acquire(spinlock_t *lock, unsigned int subclass, void *ip)
{
	struct kmm_thread *t = thread_current();

	if (__builtin_expect(__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == t, 0)) {
		spin_bug(lock, "recursion");
		lock->recursion++;
		return;
	}
	lock_acquire(&lock->dep_map, subclass, false, ip);
	if (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		spin_wait(lock, t);
	__atomic_store_n(&lock->owner, t, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->owner_cpu, (int)t->cpu, __ATOMIC_RELAXED);
}

/* Release the lock word; false if the caller did not hold it (reported). */
static bool release(spinlock_t *lock)
{
	struct kmm_thread *t = thread_current();
	struct kmm_thread *owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);

	if (__builtin_expect(!__atomic_load_n(&lock->locked, __ATOMIC_RELAXED), 0)) {
		spin_bug(lock, "already unlocked");
		return false;
	}
	if (owner == t && lock->recursion) {
		lock->recursion--;
		return true;
	}
	if (__builtin_expect(owner != t, 0))
		spin_bug(lock, "wrong owner");
	lock_release(&lock->dep_map);
	__atomic_store_n(&lock->owner, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->owner_cpu, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
	return true;
}

/* Lower the preempt count after an unlock, unless the unlock was refused and nothing is held. */
static void unlock_preempt(bool released)
{
	if (released || preempt_count() & PREEMPT_MASK)
		preempt_enable();
}

void spin_lock(spinlock_t *lock)
{
	preempt_disable();
	acquire(lock, 0, __builtin_return_address(0));
}

void spin_lock_nested(spinlock_t *lock, unsigned int subclass)
{
	preempt_disable();
	acquire(lock, subclass, __builtin_return_address(0));
}

void spin_unlock(spinlock_t *lock)
{
	unlock_preempt(release(lock));
}

void spin_lock_irq(spinlock_t *lock)
{
	local_irq_disable();
	preempt_disable();
	acquire(lock, 0, __builtin_return_address(0));
}

void spin_unlock_irq(spinlock_t *lock)
{
	unlock_preempt(release(lock));
	local_irq_enable();
}

unsigned long kmm_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags = kmm_local_irq_save();

	preempt_disable();
	acquire(lock, 0, __builtin_return_address(0));
	return flags;
}

void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	unlock_preempt(release(lock));
	kmm_local_irq_restore(flags);
}

void spin_lock_bh(spinlock_t *lock)
{
	local_bh_disable();
	acquire(lock, 0, __builtin_return_address(0));
}

void spin_unlock_bh(spinlock_t *lock)
{
	bool released = release(lock);

	if (released || preempt_count() & SOFTIRQ_MASK)
		local_bh_enable();
}

int spin_trylock(spinlock_t *lock)
{
	struct kmm_thread *t;

	preempt_disable();
	if (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		preempt_enable();
		return 0;
	}
	t = thread_current();
	lock_acquire(&lock->dep_map, 0, true, __builtin_return_address(0));
	__atomic_store_n(&lock->owner, t, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->owner_cpu, (int)t->cpu, __ATOMIC_RELAXED);
	return 1;
}

int spin_is_locked(spinlock_t *lock)
{
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) != 0;
}

/* rwlock_t */

void __rwlock_init(rwlock_t *lock, const char *name, struct lock_class_key *key)
{
	lock->count = 0;
	lockdep_init_map(&lock->dep_map, name, key, 2);
}

static bool try_read(rwlock_t *lock)
{
	int c = __atomic_load_n(&lock->count, __ATOMIC_RELAXED);

	return c >= 0 && __atomic_compare_exchange_n(&lock->count, &c, c + 1, false,
						     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static bool try_write(rwlock_t *lock)
{
	int c = 0;

	return __atomic_compare_exchange_n(&lock->count, &c, -1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static void spin_until(bool (*try)(rwlock_t *), rwlock_t *lock)
{
	for (unsigned int spins = 1; !try(lock); spins++) {
		if (spins % SPINS_BEFORE_YIELD == 0)
			sched_yield();
		else
			cpu_relax();
	}
}

static void read_acquire(rwlock_t *lock)
{
	spin_until(try_read, lock);
}

static void write_acquire(rwlock_t *lock, void *ip)
{
	lock_acquire(&lock->dep_map, 0, false, ip);
	spin_until(try_write, lock);
}

/* An unlock of @lock in @mode ("read", "write") it is not held in. */
static void report_unheld(rwlock_t *lock, const char *mode)
{
	report_start("rwlock", "BUG: rwlock %s unlock of a lock not %s-held on CPU#%u", mode, mode,
		     smp_processor_id());
	report_add(" lock: %p, .count: %d", (void *)lock,
		   __atomic_load_n(&lock->count, __ATOMIC_RELAXED));
	report_add_task();
	report_add_stack();
	report_finish();
}

static bool read_release(rwlock_t *lock)
{
	if (__atomic_load_n(&lock->count, __ATOMIC_RELAXED) <= 0) {
		report_unheld(lock, "read");
		return false;
	}
	__atomic_fetch_sub(&lock->count, 1, __ATOMIC_RELEASE);
	return true;
}

static bool write_release(rwlock_t *lock)
{
	if (__atomic_load_n(&lock->count, __ATOMIC_RELAXED) != -1) {
		report_unheld(lock, "write");
		return false;
	}
	lock_release(&lock->dep_map);
	__atomic_store_n(&lock->count, 0, __ATOMIC_RELEASE);
	return true;
}

void read_lock(rwlock_t *lock)
{
	preempt_disable();
	read_acquire(lock);
}

void read_unlock(rwlock_t *lock)
{
	unlock_preempt(read_release(lock));
}

void write_lock(rwlock_t *lock)
{
	preempt_disable();
	write_acquire(lock, __builtin_return_address(0));
}

void write_unlock(rwlock_t *lock)
{
	unlock_preempt(write_release(lock));
}

int read_trylock(rwlock_t *lock)
{
	preempt_disable();
	if (try_read(lock))
		return 1;
	preempt_enable();
	return 0;
}

int write_trylock(rwlock_t *lock)
{
	preempt_disable();
	if (try_write(lock)) {
		lock_acquire(&lock->dep_map, 0, true, __builtin_return_address(0));
		return 1;
	}
	preempt_enable();
	return 0;
}

void read_lock_irq(rwlock_t *lock)
{
	local_irq_disable();
	read_lock(lock);
}

void read_unlock_irq(rwlock_t *lock)
{
	read_unlock(lock);
	local_irq_enable();
}

void write_lock_irq(rwlock_t *lock)
{
	local_irq_disable();
	preempt_disable();
	write_acquire(lock, __builtin_return_address(0));
}

void write_unlock_irq(rwlock_t *lock)
{
	write_unlock(lock);
	local_irq_enable();
}

void read_lock_bh(rwlock_t *lock)
{
	local_bh_disable();
	read_acquire(lock);
}

void read_unlock_bh(rwlock_t *lock)
{
	if (read_release(lock) || preempt_count() & SOFTIRQ_MASK)
		local_bh_enable();
}

void write_lock_bh(rwlock_t *lock)
{
	local_bh_disable();
	write_acquire(lock, __builtin_return_address(0));
}

void write_unlock_bh(rwlock_t *lock)
{
	if (write_release(lock) || preempt_count() & SOFTIRQ_MASK)
		local_bh_enable();
}

unsigned long kmm_read_lock_irqsave(rwlock_t *lock)
{
	unsigned long flags = kmm_local_irq_save();

	read_lock(lock);
	return flags;
}

unsigned long kmm_write_lock_irqsave(rwlock_t *lock)
{
	unsigned long flags = kmm_local_irq_save();

	preempt_disable();
	write_acquire(lock, __builtin_return_address(0));
	return flags;
}

void read_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
{
	read_unlock(lock);
	kmm_local_irq_restore(flags);
}

void write_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
{
	write_unlock(lock);
	kmm_local_irq_restore(flags);
}
