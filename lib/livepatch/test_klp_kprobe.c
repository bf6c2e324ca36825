// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_kprobe - a kprobe with a post handler on the function named by
 * func= (default tgt_answer of test_klp_target).  On an ftrace location
 * such a kprobe changes where the function continues, so ftrace gives
 * that location to it alone (FTRACE_OPS_FL_IPMODIFY): a live patch of
 * the function must be refused while this module is loaded.
 */
#include <linux/kprobes.h>
#include <linux/module.h>

static char *func = "tgt_answer";
module_param(func, charp, 0444);
MODULE_PARM_DESC(func, "the function to probe (default: tgt_answer)");

static void kprobe_post(struct kprobe *p, struct pt_regs *regs,
			unsigned long flags)
{
}

static struct kprobe kprobe_ipmodify = {
	.post_handler = kprobe_post,
};

static int __init kprobe_init(void)
{
	kprobe_ipmodify.symbol_name = func;
	return register_kprobe(&kprobe_ipmodify);
}

static void __exit kprobe_exit(void)
{
	unregister_kprobe(&kprobe_ipmodify);
}

module_init(kprobe_init);
module_exit(kprobe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch kselftests: a kprobe that owns a function's ftrace location");
