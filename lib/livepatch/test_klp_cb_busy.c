// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_cb_busy - a target module whose function can hold up a
 * transition (test-callbacks-busy.sh).
 *
 * On load it runs cb_busy_work_fn() once in a work item, a function that
 * test_klp_cb_patch1/2 replace.  With hold=Y the work function stays in
 * its loop until hold is set back to N (or the module is removed), so a
 * kworker has the old cb_busy_work_fn() on its stack and no patching
 * transition that changes it can finish meanwhile.  Writing 1 to "kick"
 * runs the work again: once patched, the kworker runs a patch's version
 * of cb_busy_work_fn(), which holds on its own (see test_klp_cb_patch.h).
 *
 * Init returns only once the work function logged "entered" (and, with
 * hold=N, once it returned), so the log order does not depend on when
 * the kworker runs:
 *   test_klp_cb_busy: init
 *   test_klp_cb_busy: cb_busy_work_fn entered, hold=<0|1>
 *   test_klp_cb_busy: cb_busy_work_fn returns          (when released)
 *   test_klp_cb_busy: kick                             (echo 1 > kick)
 *   test_klp_cb_busy: exit
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>

static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "keep the work function running until set to N (default: N)");

static DECLARE_COMPLETION(cb_busy_entered);

/*
 * The function the patches replace.  Polls rather than waits on a
 * completion: a transition that takes long wakes sleeping kthreads, and
 * the hold must survive that.  msleep() keeps the sleep uninterruptible.
 */
static noinline __noclone __noipa void cb_busy_work_fn(struct work_struct *work)
{
	pr_info("%s entered, hold=%d\n", __func__, READ_ONCE(hold));
	complete(&cb_busy_entered);
	while (READ_ONCE(hold))
		msleep(20);
	pr_info("%s returns\n", __func__);
}

static DECLARE_WORK(cb_busy_work, cb_busy_work_fn);

static int cb_busy_kick(const char *val, const struct kernel_param *kp)
{
	bool kick;
	int ret;

	ret = kstrtobool(val, &kick);
	if (ret || !kick)
		return ret;
	pr_info("kick\n");
	schedule_work(&cb_busy_work);
	return 0;
}

static const struct kernel_param_ops cb_busy_kick_ops = {
	.set = cb_busy_kick,
};
module_param_cb(kick, &cb_busy_kick_ops, NULL, 0200);
MODULE_PARM_DESC(kick, "write 1 to run the work function again");

static int __init cb_busy_init(void)
{
	pr_info("init\n");
	schedule_work(&cb_busy_work);
	wait_for_completion(&cb_busy_entered);
	if (!READ_ONCE(hold))
		flush_work(&cb_busy_work);
	return 0;
}

static void __exit cb_busy_exit(void)
{
	WRITE_ONCE(hold, false);
	flush_work(&cb_busy_work);
	pr_info("exit\n");
}

module_init(cb_busy_init);
module_exit(cb_busy_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch callback tests: a target that can hold up a transition");
