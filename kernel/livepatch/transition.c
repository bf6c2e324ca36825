// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The per-task consistency model
 *
 * A patch is switched on (or off) one task at a time: a task moves to the
 * target state only when it is provably not running any function that the
 * transition changes, so no task ever mixes old and new code.
 *
 * Task states (task->patch_state) and who moves them:
 * (the state of a running task is read locklessly, by the task itself in
 * the ftrace handler, by /proc/<pid>/patch_state and by debugfs, so every
 * write of another task's state, and every read of it, is a
 * WRITE_ONCE()/READ_ONCE() pair)
 *
 *   IDLE --klp_transition_init()--> initial (!target), every task
 *   initial --(TIF_PATCH_PENDING set by klp_transition_start())-->
 *     - klp_try_switch_task(): stack checked by the transition work
 *       (sleeping tasks, the worker itself) or from cond_resched()
 *     - klp_update_patch_state(): the task itself on exit to user mode,
 *       in the idle loop, or a forced transition
 *   --> target
 *   (all switched) --klp_transition_settle()--> IDLE, every task
 *
 * A reversal clears every TIF_PATCH_PENDING, flips the target and raises
 * the flag again on the tasks not in the new target state.
 *
 * Finishing fast: tasks that switch themselves count down klp_pending and
 * the last one kicks the transition work at once; otherwise the work
 * retries with a back-off from 1 ms to 1 s.  Tasks still pending
 * klp_signal_delay_ms after the transition started (or was reversed) get
 * a round of wake-ups (sleeping kthreads) and fake signals (user tasks);
 * later rounds come after twice the previous interval, up to
 * KLP_SIGNAL_INTERVAL_MAX_MS, so that a task stuck for long is not
 * interrupted every second (a fake signal ends non-restartable system
 * calls with EINTR).
 *
 * When every task is in the target state, the done callback given to
 * klp_transition_init() finishes the job (core.c).  A transition still
 * pending after its timeout (klp_transition_timeout_ms, or the patch's
 * own) logs the tasks that block it and asks its owner, through the
 * stalled callback, to reverse it; that happens once per transition.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stacktrace.h>
#include <linux/static_call.h>
#include <linux/workqueue.h>
#include "internal.h"

/* Deeper stacks than this are treated as unreliable. */
#define KLP_MAX_STACK_ENTRIES	100
/* Retries of stuck tasks back off between these (milliseconds). */
#define KLP_BACKOFF_MIN_MS	1
#define KLP_BACKOFF_MAX_MS	1000
/* Rounds of fake signals: at least this far apart, at most this far. */
#define KLP_SIGNAL_INTERVAL_MIN_MS	100
#define KLP_SIGNAL_INTERVAL_MAX_MS	15000

/*
 * The patch in transition and its target.  Written under klp_mutex, with
 * WRITE_ONCE() where lockless readers look: sysfs (transition), and for
 * klp_target_state the tasks that switch themselves.  Those read the
 * target only after seeing their TIF_PATCH_PENDING, which is raised after
 * the target was written (see klp_raise_pending()).
 */
struct klp_patch *klp_transition_patch;
static int klp_target_state = KLP_TRANSITION_IDLE;
static const struct klp_transition_ops *klp_transition_ops;

/*
 * Tasks whose TIF_PATCH_PENDING is set, counted down by tasks that switch
 * themselves.  A hint only: the transition work recounts on every pass.
 */
static atomic_t klp_pending = ATOMIC_INIT(0);
/* Far above any task count: self-switches during a recount go here. */
#define KLP_PENDING_BIAS	(INT_MAX / 2)

unsigned int klp_signal_delay_ms = KLP_SIGNAL_DELAY_MS_DEFAULT;
unsigned int klp_transition_timeout_ms;

/* Retry and signal schedule of the running transition, klp_mutex. */
static unsigned int klp_backoff_ms;
static bool klp_cond_resched_on;
static u64 klp_signal_next_ns;
static unsigned int klp_signal_interval_ms;
static u64 klp_timeout_at_ns;		/* 0: no timeout */
static bool klp_timeout_fired;

static void klp_transition_timed_out(void);
static void klp_transition_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(klp_transition_work, klp_transition_work_fn);

#if !(defined(CONFIG_PREEMPT_DYNAMIC) && defined(CONFIG_HAVE_PREEMPT_DYNAMIC_CALL))
/* DEFINE_STATIC_KEY_FALSE(), exported: cond_resched() tests it inline. */
struct static_key_false klp_sched_try_switch_key = STATIC_KEY_FALSE_INIT;
EXPORT_SYMBOL(klp_sched_try_switch_key);

static void klp_cond_resched_enable(void)
{
	static_branch_enable(&klp_sched_try_switch_key);
}

static void klp_cond_resched_disable(void)
{
	static_branch_disable(&klp_sched_try_switch_key);
}
#else
static void klp_cond_resched_enable(void)
{
	sched_dynamic_klp_enable();
}

static void klp_cond_resched_disable(void)
{
	sched_dynamic_klp_disable();
}
#endif

/*
 * Code that a task must not be in to switch: sorted, so a stack check
 * costs O(frames * log(functions)).  Replaced under klp_mutex, read by the
 * transition work (klp_mutex) and from cond_resched() (preemption off,
 * hence freed after an RCU grace period).
 */
struct klp_range {
	unsigned long start;
	unsigned long end;
	struct klp_func *func;
};

struct klp_ranges {
	struct rcu_head rcu;
	unsigned int nr;
	struct klp_range r[];
};

static struct klp_ranges __rcu *klp_ranges;

static DEFINE_PER_CPU(unsigned long [KLP_MAX_STACK_ENTRIES], klp_stack_entries);

struct klp_transition_stats klp_stats[KLP_STATS_HISTORY];
unsigned int klp_stats_next;
static struct klp_transition_stats *klp_cur_stats;

static int klp_range_cmp(const void *a, const void *b)
{
	const struct klp_range *ra = a, *rb = b;

	if (ra->start != rb->start)
		return ra->start < rb->start ? -1 : 1;
	return 0;
}

/**
 * klp_transition_update_ranges() - recompute the code pending tasks avoid
 *
 * Called when the transition starts or reverses and when a module object
 * of the patch in transition comes or goes.
 */
void klp_transition_update_ranges(void)
{
	struct klp_ranges *new, *old;
	struct klp_object *obj;
	struct klp_func *func;
	bool below = klp_target_state == KLP_TRANSITION_PATCHED;
	unsigned int n = 0;

	lockdep_assert_held(&klp_mutex);

	old = rcu_dereference_protected(klp_ranges,
					lockdep_is_held(&klp_mutex));
	new = NULL;
	if (klp_transition_patch) {
		klp_for_each_object(klp_transition_patch, obj)
			klp_for_each_func(obj, func)
				n += func->patched;
		new = klp_fault_alloc(KLP_FAULT_RANGES,
				      kvzalloc(struct_size(new, r, n),
					       GFP_KERNEL));
	}
	if (new) {
		klp_for_each_object(klp_transition_patch, obj) {
			klp_for_each_func(obj, func) {
				struct klp_range *r = &new->r[new->nr];
				unsigned long size;

				if (!func->patched)
					continue;
				r->start = klp_func_code(func, below, &size);
				r->end = r->start + size;
				r->func = func;
				new->nr++;
			}
		}
		sort(new->r, new->nr, sizeof(new->r[0]), klp_range_cmp, NULL);
	} else if (klp_transition_patch) {
		/*
		 * No memory: switch nobody by stack until the next attempt
		 * of the transition work allocates them.
		 */
		pr_debug("'%s': no memory for stack checks, retrying\n",
			 klp_patch_name(klp_transition_patch));
	}
	rcu_assign_pointer(klp_ranges, new);
	if (old)
		kvfree_rcu_mightsleep(old);
}

static struct klp_func *klp_ranges_find(struct klp_ranges *rs,
					unsigned long addr)
{
	unsigned int lo = 0, hi = rs->nr;

	/* Find the last range starting at or below addr. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (rs->r[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr < rs->r[lo - 1].end)
		return rs->r[lo - 1].func;
	return NULL;
}

/* Why a task could not switch; also what debugfs shows. */
struct klp_check {
	struct klp_func *func;	/* a changed function on its stack */
	int err;		/* -EBUSY running, -EINVAL unreliable */
	bool switch_it;		/* switch when the stack is clean */
};

static int klp_check_task(struct task_struct *task, void *arg)
{
	struct klp_check *c = arg;
	unsigned long *entries = this_cpu_ptr(klp_stack_entries);
	struct klp_ranges *rs;
	int nr, i;

	if (task_curr(task) && task != current) {
		c->err = -EBUSY;
		return c->err;
	}
	nr = stack_trace_save_tsk_reliable(task, entries,
					   KLP_MAX_STACK_ENTRIES);
	if (nr < 0) {
		c->err = -EINVAL;
		return c->err;
	}
	/* Runs with interrupts off (task_call_func()): an RCU-sched reader. */
	rs = rcu_dereference_sched(klp_ranges);
	if (!rs) {
		c->err = -ENOMEM;
		return c->err;
	}
	for (i = 0; i < nr; i++) {
		c->func = klp_ranges_find(rs, entries[i]);
		if (c->func) {
			c->err = -EADDRINUSE;
			return c->err;
		}
	}
	if (c->switch_it) {
		clear_tsk_thread_flag(task, TIF_PATCH_PENDING);
		WRITE_ONCE(task->patch_state, READ_ONCE(klp_target_state));
	}
	return 0;
}

/* Switch @task if it is safe; return true when it is in the target state. */
static bool klp_try_switch_task(struct task_struct *task)
{
	struct klp_check c = { .switch_it = true };

	if (READ_ONCE(task->patch_state) == klp_target_state)
		return true;
	if (!klp_have_reliable_stack())
		return false;
	if (klp_cur_stats)
		klp_cur_stats->tasks_checked++;
	return !task_call_func(task, klp_check_task, &c);
}

/* The idle task of @cpu: offline, it runs nothing patchable; else its loop. */
static bool klp_try_switch_idle(unsigned int cpu)
{
	struct task_struct *idle = idle_task(cpu);

	if (READ_ONCE(idle->patch_state) == klp_target_state)
		return true;
	if (!cpu_online(cpu)) {
		clear_tsk_thread_flag(idle, TIF_PATCH_PENDING);
		WRITE_ONCE(idle->patch_state, klp_target_state);
		return true;
	}
	if (klp_try_switch_task(idle))
		return true;
	wake_up_if_idle(cpu);
	return false;
}

static void klp_kick(void)
{
	mod_delayed_work(system_wq, &klp_transition_work, 0);
}

/* A task switched itself: the last one lets the transition finish now. */
static void klp_self_switched(void)
{
	if (atomic_dec_return(&klp_pending) <= 0)
		klp_kick();
}

/**
 * klp_update_patch_state() - move a task to the target state
 * @task:	the current task, or any task when a transition is forced
 *
 * Called on exit to user mode and from the idle loop, where the task runs
 * no kernel function that a patch could change.
 */
void klp_update_patch_state(struct task_struct *task)
{
	/* Keeps klp_redirect_sync() waiting until the update is done. */
	preempt_disable_notrace();

	/*
	 * The atomic test-and-clear orders the read of klp_target_state
	 * after the flag.  Pairs with the smp_wmb() in
	 * klp_transition_start(), which writes the target before raising
	 * the flags.
	 */
	if (test_and_clear_tsk_thread_flag(task, TIF_PATCH_PENDING)) {
		WRITE_ONCE(task->patch_state, READ_ONCE(klp_target_state));
		klp_self_switched();
	}

	preempt_enable_notrace();
}

/**
 * __klp_sched_try_switch() - let a task in cond_resched() switch itself
 *
 * For CPU-bound kthreads that neither sleep nor leave the kernel.
 */
void __klp_sched_try_switch(void)
{
	struct klp_check c = { .switch_it = true };

	if (likely(!klp_patch_pending(current)))
		return;

	/*
	 * With preemption off, the transition cannot finish meanwhile: it
	 * waits for every CPU to schedule first (klp_redirect_sync()).
	 */
	preempt_disable();
	if (klp_patch_pending(current)) {
		/*
		 * The target and the ranges of code to avoid are read after
		 * the flag.  Pairs with the smp_wmb() in klp_raise_pending(),
		 * which publishes both before it raises the flags.
		 */
		smp_rmb();
		if (!task_call_func(current, klp_check_task, &c))
			klp_self_switched();
	}
	preempt_enable();
}
EXPORT_SYMBOL(__klp_sched_try_switch);

/**
 * klp_copy_process() - a new task inherits its parent's patch state
 * @child:	the new task
 *
 * Called under tasklist_lock (write), which orders it against the loops
 * over all tasks here.
 */
void klp_copy_process(struct task_struct *child)
{
	child->patch_state = current->patch_state;
	if (klp_patch_pending(current)) {
		set_tsk_thread_flag(child, TIF_PATCH_PENDING);
		atomic_inc(&klp_pending);
	} else {
		clear_tsk_thread_flag(child, TIF_PATCH_PENDING);
	}
}

/**
 * klp_transition_target() - the target state of the running transition
 *
 * Return: KLP_TRANSITION_PATCHED, _UNPATCHED, or _IDLE when none runs.
 */
int klp_transition_target(void)
{
	lockdep_assert_held(&klp_mutex);
	return klp_target_state;
}

static const char *klp_target_name(int target)
{
	return target == KLP_TRANSITION_PATCHED ? "patching" : "unpatching";
}

/**
 * klp_transition_init() - prepare a transition of @patch to @target
 * @patch:	the patch
 * @target:	KLP_TRANSITION_PATCHED or KLP_TRANSITION_UNPATCHED
 * @ops:	what to call when every task reached @target, or when the
 *		transition stalls (under klp_mutex)
 *
 * Every task starts in the opposite state, and every function of the
 * patch is marked as changing.  Nothing is redirected yet.
 */
void klp_transition_init(struct klp_patch *patch, int target,
			 const struct klp_transition_ops *ops)
{
	struct task_struct *g, *task;
	struct klp_object *obj;
	struct klp_func *func;
	int initial = !target;
	unsigned int cpu;

	lockdep_assert_held(&klp_mutex);
	WARN_ON_ONCE(klp_target_state != KLP_TRANSITION_IDLE);

	WRITE_ONCE(klp_transition_patch, patch);
	klp_transition_ops = ops;
	klp_timeout_fired = false;
	WRITE_ONCE(klp_target_state, target);
	pr_debug("'%s': initializing %s transition\n", klp_patch_name(patch),
		 klp_target_name(target));

	klp_cur_stats = &klp_stats[klp_stats_next++ % KLP_STATS_HISTORY];
	memset(klp_cur_stats, 0, sizeof(*klp_cur_stats));
	strscpy(klp_cur_stats->patch, klp_patch_name(patch));
	klp_cur_stats->target = target;
	klp_cur_stats->start_ns = ktime_get_ns();

	read_lock(&tasklist_lock);
	for_each_process_thread(g, task) {
		WARN_ON_ONCE(task->patch_state != KLP_TRANSITION_IDLE);
		WRITE_ONCE(task->patch_state, initial);
	}
	read_unlock(&tasklist_lock);
	for_each_possible_cpu(cpu)
		WRITE_ONCE(idle_task(cpu)->patch_state, initial);

	/*
	 * Tasks' initial states before func->transition: pairs with the
	 * smp_rmb() in klp_ftrace_handler().
	 */
	smp_wmb();

	klp_for_each_object(patch, obj)
		klp_for_each_func(obj, func)
			WRITE_ONCE(func->transition, true);
}

/* Raise TIF_PATCH_PENDING on every task not in the target state. */
static void klp_raise_pending(void)
{
	struct task_struct *g, *task;
	unsigned int cpu;
	int n = 0;

	/* Our own reference keeps the count above zero while raising. */
	atomic_set(&klp_pending, 1);

	/*
	 * klp_target_state and klp_ranges before the flags: pairs with the
	 * test-and-clear in klp_update_patch_state() and with the smp_rmb()
	 * in __klp_sched_try_switch().
	 */
	smp_wmb();

	read_lock(&tasklist_lock);
	for_each_process_thread(g, task) {
		if (task->patch_state != klp_target_state) {
			atomic_inc(&klp_pending);
			set_tsk_thread_flag(task, TIF_PATCH_PENDING);
			n++;
		}
	}
	read_unlock(&tasklist_lock);

	for_each_possible_cpu(cpu) {
		task = idle_task(cpu);
		if (task->patch_state != klp_target_state) {
			atomic_inc(&klp_pending);
			set_tsk_thread_flag(task, TIF_PATCH_PENDING);
			n++;
		}
	}
	atomic_dec(&klp_pending);
	if (klp_cur_stats)
		klp_cur_stats->tasks_total += n;
}

/* The timeout of this direction of the transition, once per transition. */
static void klp_arm_timeout(void)
{
	int ms = READ_ONCE(klp_transition_patch->timeout_ms);

	if (ms < 0)
		ms = READ_ONCE(klp_transition_timeout_ms);
	klp_timeout_at_ns = 0;
	if (ms > 0 && !klp_timeout_fired)
		klp_timeout_at_ns = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;
}

/**
 * klp_transition_start() - let tasks switch
 *
 * The functions must be redirected before: tasks that switch use the new
 * state at once.
 */
void klp_transition_start(void)
{
	lockdep_assert_held(&klp_mutex);
	if (WARN_ON_ONCE(klp_target_state == KLP_TRANSITION_IDLE))
		return;

	pr_notice("'%s': starting %s transition\n",
		  klp_patch_name(klp_transition_patch),
		  klp_target_name(klp_target_state));

	/* Tasks may now run different code: no jump may decide for them. */
	klp_fast_leave(klp_transition_patch, NULL);
	klp_transition_update_ranges();
	klp_backoff_ms = KLP_BACKOFF_MIN_MS;
	/* A reversal starts the signal schedule over: new tasks must move. */
	klp_signal_interval_ms = READ_ONCE(klp_signal_delay_ms);
	klp_signal_next_ns = ktime_get_ns() +
			     (u64)klp_signal_interval_ms * NSEC_PER_MSEC;
	klp_arm_timeout();
	klp_raise_pending();
}

/*
 * Wake sleeping kthreads and fake-signal user tasks that are stuck, when
 * the schedule says so; then schedule the next round.
 */
static void klp_signal_pending(void)
{
	struct task_struct *g, *task;
	u64 now = ktime_get_ns();

	if (now < klp_signal_next_ns)
		return;
	klp_signal_interval_ms = clamp_t(u64, 2ULL * klp_signal_interval_ms,
					 KLP_SIGNAL_INTERVAL_MIN_MS,
					 KLP_SIGNAL_INTERVAL_MAX_MS);
	klp_signal_next_ns = now + (u64)klp_signal_interval_ms * NSEC_PER_MSEC;
	if (klp_cur_stats) {
		klp_cur_stats->signal_rounds++;
		klp_cur_stats->last_signal_ns = now - klp_cur_stats->start_ns;
	}

	read_lock(&tasklist_lock);
	for_each_process_thread(g, task) {
		if (!klp_patch_pending(task))
			continue;
		if (klp_cur_stats)
			klp_cur_stats->tasks_signalled++;
		if (task->flags & PF_KTHREAD)
			wake_up_state(task, TASK_INTERRUPTIBLE);
		else
			set_notify_signal(task);
	}
	read_unlock(&tasklist_lock);
}

/**
 * klp_transition_try_complete() - switch what can be switched, then finish
 *
 * Finishes the transition through the done callback when every task is
 * in the target state; otherwise schedules the next attempt.
 */
void klp_transition_try_complete(void)
{
	struct task_struct *g, *task;
	unsigned int cpu;
	int pending = 0;

	lockdep_assert_held(&klp_mutex);
	if (klp_target_state == KLP_TRANSITION_IDLE)
		return;

	if (klp_cur_stats)
		klp_cur_stats->passes++;
	if (!rcu_access_pointer(klp_ranges))
		klp_transition_update_ranges();

	atomic_set(&klp_pending, KLP_PENDING_BIAS);
	read_lock(&tasklist_lock);
	for_each_process_thread(g, task)
		pending += !klp_try_switch_task(task);
	read_unlock(&tasklist_lock);

	cpus_read_lock();
	for_each_possible_cpu(cpu)
		pending += !klp_try_switch_idle(cpu);
	cpus_read_unlock();
	atomic_sub(KLP_PENDING_BIAS - pending, &klp_pending);

	if (pending) {
		/*
		 * Patching the cond_resched() call costs two rounds of text
		 * changes, more than most transitions last: only ask
		 * CPU-bound tasks for help once a retry did not suffice.
		 */
		if (!klp_cond_resched_on && klp_backoff_ms > KLP_BACKOFF_MIN_MS) {
			klp_cond_resched_enable();
			klp_cond_resched_on = true;
		}
		if (klp_timeout_at_ns && ktime_get_ns() >= klp_timeout_at_ns) {
			klp_transition_timed_out();
			/* Reversed: try the new direction at once. */
			klp_kick();
			return;
		}
		klp_signal_pending();
		mod_delayed_work(system_wq, &klp_transition_work,
				 msecs_to_jiffies(klp_backoff_ms));
		klp_backoff_ms = min(klp_backoff_ms * 2, KLP_BACKOFF_MAX_MS);
		return;
	}

	if (klp_cond_resched_on) {
		klp_cond_resched_disable();
		klp_cond_resched_on = false;
	}
	klp_transition_ops->done(klp_transition_patch, klp_target_state);
}

static void klp_transition_work_fn(struct work_struct *work)
{
	mutex_lock(&klp_mutex);
	klp_transition_try_complete();
	mutex_unlock(&klp_mutex);
}

/**
 * klp_transition_settle() - every task back to IDLE after completion
 *
 * The caller has taken removed functions off their sites.  Lowers the
 * transition flags, waits for handlers that may still look at a task's
 * state, then lets every task go idle.
 */
void klp_transition_settle(void)
{
	struct klp_patch *patch = klp_transition_patch;
	struct task_struct *g, *task;
	struct klp_object *obj;
	struct klp_func *func;
	unsigned int cpu;

	lockdep_assert_held(&klp_mutex);

	pr_debug("'%s': completing %s transition\n", klp_patch_name(patch),
		 klp_target_name(klp_target_state));

	klp_for_each_object(patch, obj)
		klp_for_each_func(obj, func)
			WRITE_ONCE(func->transition, false);

	/*
	 * No handler may still be between reading func->transition and
	 * reading a task's state when that state goes idle: wait for every
	 * handler in flight (see the smp_rmb() in klp_ftrace_handler()).
	 */
	klp_redirect_sync();

	read_lock(&tasklist_lock);
	for_each_process_thread(g, task) {
		WARN_ON_ONCE(klp_patch_pending(task));
		WRITE_ONCE(task->patch_state, KLP_TRANSITION_IDLE);
	}
	read_unlock(&tasklist_lock);
	for_each_possible_cpu(cpu) {
		task = idle_task(cpu);
		WARN_ON_ONCE(klp_patch_pending(task));
		WRITE_ONCE(task->patch_state, KLP_TRANSITION_IDLE);
	}

	if (klp_cur_stats) {
		klp_cur_stats->duration_ns = ktime_get_ns() -
					     klp_cur_stats->start_ns;
		klp_cur_stats->done = true;
		klp_cur_stats = NULL;
	}
}

/**
 * klp_transition_end() - forget the finished transition
 *
 * After the post callbacks ran: klp_get_prev_state() works until here.
 */
void klp_transition_end(void)
{
	lockdep_assert_held(&klp_mutex);

	WRITE_ONCE(klp_target_state, KLP_TRANSITION_IDLE);
	WRITE_ONCE(klp_transition_patch, NULL);
	klp_transition_update_ranges();
	/* Every task runs the same code again: the jumps may come back. */
	klp_fast_kick();
}

/**
 * klp_transition_cancel() - abandon a patching transition never started
 *
 * Used when enabling fails after some objects were redirected: every task
 * is still unpatched, so the transition completes as an unpatching one
 * without waiting for anybody.
 */
void klp_transition_cancel(void)
{
	lockdep_assert_held(&klp_mutex);
	if (WARN_ON_ONCE(klp_target_state != KLP_TRANSITION_PATCHED))
		return;

	pr_debug("'%s': canceling patching transition, going to unpatch\n",
		 klp_patch_name(klp_transition_patch));
	WRITE_ONCE(klp_target_state, KLP_TRANSITION_UNPATCHED);
	if (klp_cur_stats)
		klp_cur_stats->canceled = true;
	klp_transition_ops->done(klp_transition_patch, klp_target_state);
}

/**
 * klp_transition_reverse() - turn the running transition around
 *
 * Tasks already switched must come back; the others are done.
 */
void klp_transition_reverse(void)
{
	struct task_struct *g, *task;
	unsigned int cpu;

	lockdep_assert_held(&klp_mutex);

	pr_debug("'%s': reversing transition from %s\n",
		 klp_patch_name(klp_transition_patch),
		 klp_target_state == KLP_TRANSITION_PATCHED ?
		 "patching to unpatching" : "unpatching to patching");

	/* Only tasks that still had to move carry the flag. */
	for_each_possible_cpu(cpu)
		clear_tsk_thread_flag(idle_task(cpu), TIF_PATCH_PENDING);
	read_lock(&tasklist_lock);
	for_each_process_thread(g, task) {
		if (klp_patch_pending(task))
			clear_tsk_thread_flag(task, TIF_PATCH_PENDING);
	}
	read_unlock(&tasklist_lock);

	/* Nobody may still be switching with the old target. */
	klp_redirect_sync();

	WRITE_ONCE(klp_target_state, !klp_target_state);
	if (klp_cur_stats) {
		klp_cur_stats->reversals++;
		klp_cur_stats->reversed_ns = ktime_get_ns() -
					     klp_cur_stats->start_ns;
		klp_cur_stats->target = klp_target_state;
	}
	klp_transition_start();
}

/**
 * klp_transition_force() - switch every task without checking
 *
 * For a transition stuck on a task that will never switch by itself.  The
 * caller marks patches whose code may still run as forced.
 */
void klp_transition_force(void)
{
	struct task_struct *g, *task;
	unsigned int cpu;

	lockdep_assert_held(&klp_mutex);

	pr_warn("'%s': forcing remaining tasks to the %s state\n",
		klp_patch_name(klp_transition_patch),
		klp_target_state == KLP_TRANSITION_PATCHED ?
		"patched" : "unpatched");

	for_each_possible_cpu(cpu)
		klp_update_patch_state(idle_task(cpu));
	read_lock(&tasklist_lock);
	for_each_process_thread(g, task)
		klp_update_patch_state(task);
	read_unlock(&tasklist_lock);
	if (klp_cur_stats)
		klp_cur_stats->forced = true;
}

/* Why @task, pending, cannot switch: a changed function, or a state. */
static const char *klp_block_reason(struct task_struct *task)
{
	struct klp_check c = { };

	task_call_func(task, klp_check_task, &c);
	switch (c.err) {
	case -EADDRINUSE:
		return c.func->old_name;
	case -EBUSY:
		return "running";
	case -EINVAL:
		return "unreliable stack";
	default:
		return "switching";
	}
}

/* The timeout passed with tasks pending: say who blocks, then reverse. */
static void klp_transition_timed_out(void)
{
	struct klp_patch *patch = klp_transition_patch;
	struct task_struct *g, *task;
	unsigned int cpu;

	pr_warn("'%s': %s transition stalled past its timeout, reversing it\n",
		klp_patch_name(patch), klp_target_name(klp_target_state));
	rcu_read_lock();
	for_each_process_thread(g, task) {
		if (klp_patch_pending(task))
			pr_warn("'%s': blocked by pid %d (%s): %s\n",
				klp_patch_name(patch), task_pid_nr(task),
				task->comm, klp_block_reason(task));
	}
	rcu_read_unlock();
	for_each_online_cpu(cpu) {
		task = idle_task(cpu);
		if (klp_patch_pending(task))
			pr_warn("'%s': blocked by the idle task of CPU %u\n",
				klp_patch_name(patch), cpu);
	}
	klp_timeout_fired = true;
	if (klp_cur_stats)
		klp_cur_stats->timed_out = true;
	klp_transition_ops->stalled(patch);
}

/**
 * klp_transition_show_pending() - list the tasks a transition waits for
 * @m:		the seq_file to print to
 *
 * One line per pending task: pid, comm, state and why it cannot switch
 * (the changed function on its stack, "running" or "unreliable stack").
 */
void klp_transition_show_pending(struct seq_file *m)
{
	struct task_struct *g, *task;
	unsigned int cpu;

	lockdep_assert_held(&klp_mutex);

	if (klp_target_state == KLP_TRANSITION_IDLE)
		return;

	rcu_read_lock();
	for_each_process_thread(g, task) {
		if (!klp_patch_pending(task))
			continue;
		seq_printf(m, "%d %s %d %s\n", task_pid_nr(task), task->comm,
			   READ_ONCE(task->patch_state), klp_block_reason(task));
	}
	for_each_online_cpu(cpu) {
		task = idle_task(cpu);
		if (klp_patch_pending(task))
			seq_printf(m, "0 %s %d idle\n", task->comm,
				   READ_ONCE(task->patch_state));
	}
	rcu_read_unlock();
}
