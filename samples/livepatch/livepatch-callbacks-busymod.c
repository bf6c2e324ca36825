// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Callbacks demo: a target module that can hold up a transition
 *
 * What it is:
 *   On load, this module queues one work item.  Its work function,
 *   busymod_work_fn(), is replaced by livepatch-callbacks-demo.  With
 *   block_transition=1 the work function goes to sleep for busy_seconds
 *   before it returns, so a kworker has the old busymod_work_fn() on its
 *   stack.  A task may switch to the patched code only when no function
 *   that the transition changes is on its stack, so the patching (or
 *   unpatching) transition cannot finish until the work function returns.
 *
 * Parameters:
 *   block_transition=0|1  sleep inside the work function (default 0)
 *   busy_seconds=N        how long to sleep (default 20); rmmod ends the
 *                         sleep early
 *
 * Try it:
 *   insmod livepatch-callbacks-busymod.ko block_transition=1
 *   insmod livepatch-callbacks-demo.ko
 *   cat /sys/kernel/livepatch/livepatch_callbacks_demo/transition    # 1
 *   cat /sys/kernel/debug/livepatch/pending
 *     # the kworker is listed with busymod_work_fn as the reason; the
 *     # transition is not stuck, it waits for that function to return
 *   # after busy_seconds: "patching complete", and post_patch runs
 *
 * Remove it:
 *   rmmod livepatch_callbacks_busymod    # at any time; ends the sleep
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/workqueue.h>

static bool block_transition;
module_param(block_transition, bool, 0644);
MODULE_PARM_DESC(block_transition,
		 "Sleep in the work function to hold up a live patch transition (default: N)");

static unsigned int busy_seconds = 20;
module_param(busy_seconds, uint, 0644);
MODULE_PARM_DESC(busy_seconds,
		 "How long the work function sleeps when block_transition is set (default: 20)");

/* Completed by module exit, to end the sleep before its time. */
static DECLARE_COMPLETION(busymod_stop);

/*
 * The function livepatch-callbacks-demo replaces, by name.  noinline and
 * __noclone keep it a function of its own under exactly that name (the
 * compiler could otherwise inline it, or rename a specialized copy).
 *
 * The sleep is uninterruptible on purpose: a transition that waits too
 * long wakes sleeping kernel threads (see signal_delay_ms in
 * Documentation/livepatch/observability.rst), and an interruptible sleep
 * would end then.
 */
static noinline __noclone void busymod_work_fn(struct work_struct *work)
{
	pr_info("%s: unpatched version, %s\n", __func__,
		block_transition ? "sleeping" : "not sleeping");

	if (block_transition &&
	    !wait_for_completion_timeout(&busymod_stop, busy_seconds * HZ))
		pr_info("%s: woke up after %u s\n", __func__, busy_seconds);

	pr_info("%s: returns\n", __func__);
}

static DECLARE_WORK(busymod_work, busymod_work_fn);

static int __init callbacks_busymod_init(void)
{
	pr_info("loaded\n");
	schedule_work(&busymod_work);
	return 0;
}

static void __exit callbacks_busymod_exit(void)
{
	complete(&busymod_stop);
	flush_work(&busymod_work);
	pr_info("unloaded\n");
}

module_init(callbacks_busymod_init);
module_exit(callbacks_busymod_exit);
MODULE_DESCRIPTION("Live patch callbacks demo: a target module that can hold up a transition");
MODULE_LICENSE("GPL");
