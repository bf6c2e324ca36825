/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of test_klp_cb_mod_a and test_klp_cb_mod_b, two plain target
 * modules of the callback tests (test-callbacks-*.sh).
 *
 * Each has one function that test_klp_cb_patch1/2 replace, cb_mod_answer(),
 * under the same name in both modules (a patch finds it per object).  It
 * runs when /sys/module/<module>/parameters/answer is read, so a test
 * sees which code is live.  Loading and unloading log "init" and "exit",
 * so the callback lines of a patch can be placed relative to them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

/* A real function under its own name: not inlined, cloned or folded. */
static noinline __noclone __noipa const char *cb_mod_answer(void)
{
	return "original";
}

static int cb_mod_answer_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n", cb_mod_answer());
}

static const struct kernel_param_ops cb_mod_answer_ops = {
	.get = cb_mod_answer_get,
};
module_param_cb(answer, &cb_mod_answer_ops, NULL, 0444);
MODULE_PARM_DESC(answer, "what cb_mod_answer() returns (read-only)");

static int __init cb_mod_init(void)
{
	pr_info("init\n");
	return 0;
}

static void __exit cb_mod_exit(void)
{
	pr_info("exit\n");
}

module_init(cb_mod_init);
module_exit(cb_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch callback tests: a plain target module");
