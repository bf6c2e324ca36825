// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_notlp - a valid patch of cmdline_proc_show() in a module that
 * lacks MODULE_INFO(livepatch, "Y"): klp_enable_patch() must refuse it.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static int notlp_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, KBUILD_MODNAME ": patched cmdline_proc_show\n");
	return 0;
}

static struct klp_func notlp_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = notlp_cmdline_proc_show },
	{ }
};

static struct klp_object notlp_objs[] = {
	{ .name = NULL /* vmlinux */, .funcs = notlp_funcs },
	{ }
};

static struct klp_patch notlp_patch = {
	.mod = THIS_MODULE,
	.objs = notlp_objs,
};

static int __init notlp_init(void)
{
	return klp_enable_patch(&notlp_patch);
}

static void __exit notlp_exit(void)
{
}

module_init(notlp_init);
module_exit(notlp_exit);
MODULE_LICENSE("GPL");
/* No MODULE_INFO(livepatch, "Y"): that is the point. */
MODULE_DESCRIPTION("Livepatch kselftests: a patch in a module not marked livepatch");
