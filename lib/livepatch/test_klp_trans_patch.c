// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_trans_patch - the patch of the consistency-model kselftests
 * (tools/testing/selftests/livepatch/test-transition-*.sh), with two
 * objects:
 *
 *   vmlinux                __x64_sys_getpid(): getpid() called with
 *                          TRANS_GETPID_MAGIC in its first argument
 *                          register returns the pid plus
 *                          TRANS_GETPID_PATCHED, so that a process sees
 *                          which version ran (klp_trans_getpid.c, which
 *                          has the same two constants); any other call
 *                          returns the pid as before
 *   test_klp_trans_target  trans_wait(), the function tasks sleep in,
 *                          says "patched by test_klp_trans_patch";
 *                          trans_spin_step() returns 1 instead of 0
 *
 * With replace=1 it registers as a cumulative (atomic replace) patch.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/sched.h>

static bool replace;
module_param(replace, bool, 0444);
MODULE_PARM_DESC(replace, "register as an atomic replace patch (default: no)");

#define TRANS_GETPID_MAGIC	0x6b6c702d67657470UL	/* "klp-getp" */
#define TRANS_GETPID_PATCHED	(1L << 40)

static long trans_patch_getpid(const struct pt_regs *regs)
{
	long pid = task_tgid_vnr(current);

	/* Other architectures have no __x64_sys_getpid(): build only. */
#ifdef CONFIG_X86_64
	if (regs->di == TRANS_GETPID_MAGIC)
		return pid + TRANS_GETPID_PATCHED;
#endif
	return pid;
}

/* Waits at the target's gate through @pass, as the original does. */
static const char *trans_patch_wait(int (*pass)(void))
{
	return pass() ? NULL : "patched by " KBUILD_MODNAME;
}

static int trans_patch_spin_step(void)
{
	return 1;
}

static struct klp_func trans_patch_vmlinux_funcs[] = {
	{ .old_name = "__x64_sys_getpid", .new_func = trans_patch_getpid },
	{ }
};

static struct klp_func trans_patch_target_funcs[] = {
	{ .old_name = "trans_wait", .new_func = trans_patch_wait },
	{ .old_name = "trans_spin_step", .new_func = trans_patch_spin_step },
	{ }
};

static struct klp_object trans_patch_objs[] = {
	{ .name = NULL /* vmlinux */, .funcs = trans_patch_vmlinux_funcs },
	{ .name = "test_klp_trans_target", .funcs = trans_patch_target_funcs },
	{ }
};

static struct klp_patch trans_patch = {
	.mod = THIS_MODULE,
	.objs = trans_patch_objs,
};

static int __init trans_patch_init(void)
{
	trans_patch.replace = replace;
	return klp_enable_patch(&trans_patch);
}

static void __exit trans_patch_exit(void)
{
}

module_init(trans_patch_init);
module_exit(trans_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: patch for the transition tests");
