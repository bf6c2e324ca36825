// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_basic - a patch with two objects:
 *   vmlinux           cmdline_proc_show(), what /proc/cmdline prints
 *   test_klp_target   tgt_answer(); the module may load before or after
 *                     this patch, or not at all
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static int basic_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, KBUILD_MODNAME ": patched cmdline_proc_show\n");
	return 0;
}

static const char *basic_tgt_answer(void)
{
	return "patched by " KBUILD_MODNAME;
}

static struct klp_func basic_vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = basic_cmdline_proc_show },
	{ }
};

static struct klp_func basic_target_funcs[] = {
	{ .old_name = "tgt_answer", .new_func = basic_tgt_answer },
	{ }
};

static struct klp_object basic_objs[] = {
	{ .name = NULL /* vmlinux */, .funcs = basic_vmlinux_funcs },
	{ .name = "test_klp_target", .funcs = basic_target_funcs },
	{ }
};

static struct klp_patch basic_patch = {
	.mod = THIS_MODULE,
	.objs = basic_objs,
};

static int __init basic_init(void)
{
	return klp_enable_patch(&basic_patch);
}

static void __exit basic_exit(void)
{
}

module_init(basic_init);
module_exit(basic_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: patch vmlinux and a module");
