/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of test_klp_layer1, 2 and 3: patches meant to be stacked on
 * one another, or to replace the others (parameter replace=1).
 *
 * Each replaces cmdline_proc_show() with one that prints the module's
 * name, so /proc/cmdline tells which layer is on top.  A layer that
 * defines LAYER_ALSO_VERSION before including this also replaces
 * version_proc_show() (/proc/version), which the others do not touch.
 * Every callback logs "<module>: <callback> <object>", so a test can
 * see which callbacks ran and in which order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static bool replace;
module_param(replace, bool, 0444);
MODULE_PARM_DESC(replace, "register as an atomic replace patch (default: no)");

static int layer_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, KBUILD_MODNAME "\n");
	return 0;
}

#ifdef LAYER_ALSO_VERSION
static int layer_version_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, KBUILD_MODNAME " version\n");
	return 0;
}
#endif

static void layer_log(const char *callback, struct klp_object *obj)
{
	pr_info("%s %s\n", callback, obj->name ? obj->name : "vmlinux");
}

static int layer_pre_patch(struct klp_object *obj)
{
	layer_log("pre_patch", obj);
	return 0;
}

static void layer_post_patch(struct klp_object *obj)
{
	layer_log("post_patch", obj);
}

static void layer_pre_unpatch(struct klp_object *obj)
{
	layer_log("pre_unpatch", obj);
}

static void layer_post_unpatch(struct klp_object *obj)
{
	layer_log("post_unpatch", obj);
}

static struct klp_func layer_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = layer_cmdline_proc_show },
#ifdef LAYER_ALSO_VERSION
	{ .old_name = "version_proc_show", .new_func = layer_version_proc_show },
#endif
	{ }
};

static struct klp_object layer_objs[] = {
	{
		.name = NULL, /* vmlinux */
		.funcs = layer_funcs,
		.callbacks = {
			.pre_patch = layer_pre_patch,
			.post_patch = layer_post_patch,
			.pre_unpatch = layer_pre_unpatch,
			.post_unpatch = layer_post_unpatch,
		},
	},
	{ }
};

static struct klp_patch layer_patch = {
	.mod = THIS_MODULE,
	.objs = layer_objs,
};

static int __init layer_init(void)
{
	layer_patch.replace = replace;
	return klp_enable_patch(&layer_patch);
}

static void __exit layer_exit(void)
{
}

module_init(layer_init);
module_exit(layer_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: a patch layer");
