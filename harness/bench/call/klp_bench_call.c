// SPDX-License-Identifier: GPL-2.0
/*
 * Call-cost benchmark target: times calls of a small function.
 *
 *   echo N > /sys/module/klp_bench_call/parameters/run
 *	calls klp_bench_call_fn() N times; "ns" then reads the total time
 *   echo 1 > .../hold
 *	a kthread sleeps inside klp_bench_call_block() until "echo 0 > hold",
 *	so that a patch of that function stays in transition
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched/clock.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/wait.h>

static int klp_bench_call_sink;
static unsigned long long ns;
module_param(ns, ullong, 0444);
MODULE_PARM_DESC(ns, "nanoseconds the last run took");

/* The function whose calls are timed: a side effect keeps every call. */
static noinline int klp_bench_call_fn(int x)
{
	WRITE_ONCE(klp_bench_call_sink, x);
	return x + 1;
}

static int klp_bench_call_run(const char *val, const struct kernel_param *kp)
{
	unsigned long n, i;
	u64 t0;
	int ret, sum = 0;

	ret = kstrtoul(val, 0, &n);
	if (ret)
		return ret;
	/*
	 * local_clock(): the TSC, to the nanosecond, where ktime may run on
	 * jiffies (an emulated guest marks its TSC unstable): 4 ms steps
	 * would be a third of a run.  The caller pins the writing task.
	 */
	t0 = local_clock();
	for (i = 0; i < n; i++)
		sum += klp_bench_call_fn(i);
	ns = local_clock() - t0;
	WRITE_ONCE(klp_bench_call_sink, sum);
	return 0;
}

static const struct kernel_param_ops klp_bench_call_run_ops = {
	.set = klp_bench_call_run,
};
module_param_cb(run, &klp_bench_call_run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "call the function this many times");

static DECLARE_WAIT_QUEUE_HEAD(klp_bench_call_wq);
static bool klp_bench_call_holding;
static struct task_struct *klp_bench_call_thread;

static noinline void klp_bench_call_block(void)
{
	wait_event_interruptible(klp_bench_call_wq,
				 !READ_ONCE(klp_bench_call_holding));
}

static int klp_bench_call_threadfn(void *data)
{
	while (READ_ONCE(klp_bench_call_holding))
		klp_bench_call_block();
	/* kthread_stop() reaps it. */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static void klp_bench_call_release(void)
{
	WRITE_ONCE(klp_bench_call_holding, false);
	wake_up_all(&klp_bench_call_wq);
	kthread_stop(klp_bench_call_thread);
	put_task_struct(klp_bench_call_thread);
	klp_bench_call_thread = NULL;
}

static int klp_bench_call_hold(const char *val, const struct kernel_param *kp)
{
	bool hold;
	int ret;

	ret = kstrtobool(val, &hold);
	if (ret)
		return ret;
	if (hold && !klp_bench_call_thread) {
		WRITE_ONCE(klp_bench_call_holding, true);
		klp_bench_call_thread = kthread_run(klp_bench_call_threadfn,
						    NULL, "klp_bench_hold");
		if (IS_ERR(klp_bench_call_thread)) {
			ret = PTR_ERR(klp_bench_call_thread);
			klp_bench_call_thread = NULL;
			return ret;
		}
		get_task_struct(klp_bench_call_thread);
		/* Let it reach the function before the patch loads. */
		msleep(100);
	} else if (!hold && klp_bench_call_thread) {
		klp_bench_call_release();
	}
	return 0;
}

static const struct kernel_param_ops klp_bench_call_hold_ops = {
	.set = klp_bench_call_hold,
};
module_param_cb(hold, &klp_bench_call_hold_ops, NULL, 0200);
MODULE_PARM_DESC(hold, "1: keep a kthread inside klp_bench_call_block()");

static void __exit klp_bench_call_exit(void)
{
	if (klp_bench_call_thread)
		klp_bench_call_release();
}
module_exit(klp_bench_call_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livepatch call-cost benchmark target");
