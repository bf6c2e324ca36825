// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Live patch sample: the smallest useful live patch
 *
 * What it patches:
 *   cmdline_proc_show() in vmlinux, the function behind /proc/cmdline.
 *   The new version ignores the real command line and prints a fixed
 *   message, so it is obvious which code a reader of the file ran.
 *
 * Try it:
 *   cat /proc/cmdline                          # the boot command line
 *   insmod livepatch-sample.ko                 # or: modprobe livepatch-sample
 *   cat /sys/kernel/livepatch/livepatch_sample/transition
 *                                              # 1 until every task switched
 *   cat /proc/cmdline                          # "this has been live patched ..."
 *   cat /proc/self/patch_state                 # -1: no transition is running
 *
 * What to look for in dmesg:
 *   livepatch: enabling patch 'livepatch_sample'
 *   livepatch: 'livepatch_sample': starting patching transition
 *   livepatch: 'livepatch_sample': patching complete
 *   The kernel is also tainted 'K' (a live patch was loaded).
 *
 * Remove it:
 *   echo 0 > /sys/kernel/livepatch/livepatch_sample/enabled
 *   # wait until /sys/kernel/livepatch/livepatch_sample disappears
 *   rmmod livepatch_sample
 *   cat /proc/cmdline                          # the original output again
 *
 * The structure of every live patch module is the same: a table of
 * functions per patched object, a table of objects, one struct klp_patch,
 * and an init function that hands the patch to klp_enable_patch().
 * See Documentation/livepatch/livepatch.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

/*
 * The replacement.  It must have exactly the prototype of the function it
 * replaces: callers of cmdline_proc_show() land here with the same
 * arguments and use the same return value.
 */
static int sample_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "this has been live patched by " KBUILD_MODNAME "\n");
	return 0;
}

/* Functions of vmlinux to replace; the empty entry ends the table. */
static struct klp_func sample_vmlinux_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = sample_cmdline_proc_show,
	},
	{ }
};

/* Objects to patch: a NULL name means vmlinux. */
static struct klp_object sample_objs[] = {
	{
		.name = NULL,
		.funcs = sample_vmlinux_funcs,
	},
	{ }
};

static struct klp_patch sample_patch = {
	.mod = THIS_MODULE,
	.objs = sample_objs,
};

static int __init livepatch_sample_init(void)
{
	/* Registers the patch and starts the patching transition. */
	return klp_enable_patch(&sample_patch);
}

/*
 * Runs only after the patch was disabled and its sysfs directory is gone:
 * until then the live patch core holds a reference on this module.
 */
static void __exit livepatch_sample_exit(void)
{
}

module_init(livepatch_sample_init);
module_exit(livepatch_sample_exit);
MODULE_DESCRIPTION("Live patch sample: replaces /proc/cmdline's show function");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
