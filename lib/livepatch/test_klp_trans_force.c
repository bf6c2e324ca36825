// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_trans_force - a patch of trans_wait() in test_klp_trans_target
 * for test-transition-force.sh, which forces its transitions.  A forced
 * unpatching leaves this module loaded for good (rmmod is refused), so
 * no other test uses it.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

/* Waits at the target's gate through @pass, as the original does. */
static const char *trans_force_wait(int (*pass)(void))
{
	return pass() ? NULL : "patched by " KBUILD_MODNAME;
}

static struct klp_func trans_force_funcs[] = {
	{ .old_name = "trans_wait", .new_func = trans_force_wait },
	{ }
};

static struct klp_object trans_force_objs[] = {
	{ .name = "test_klp_trans_target", .funcs = trans_force_funcs },
	{ }
};

static struct klp_patch trans_force_patch = {
	.mod = THIS_MODULE,
	.objs = trans_force_objs,
};

static int __init trans_force_init(void)
{
	return klp_enable_patch(&trans_force_patch);
}

static void __exit trans_force_exit(void)
{
}

module_init(trans_force_init);
module_exit(trans_force_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: a patch whose transitions get forced");
