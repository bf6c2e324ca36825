// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_walk - uses the parts of <linux/livepatch.h> that out-of-tree
 * livepatch modules and tools use besides the fields they set:
 * klp_for_each_object_static() and klp_for_each_func_static() before the
 * patch is registered, klp_for_each_object() and klp_for_each_func() on
 * the registered patch, klp_func.old_func and
 * klp_callbacks.post_unpatch_enabled.  It patches cmdline_proc_show()
 * and logs what it walked; test-public-surface.sh compares.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static struct klp_patch walk_patch;

static int walk_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, KBUILD_MODNAME "\n");
	return 0;
}

/* Every function of the registered patch and the code it replaces. */
static void walk_log(const char *when)
{
	struct klp_patch *patch = &walk_patch;
	struct klp_object *obj;
	struct klp_func *func;

	klp_for_each_object(patch, obj) {
		klp_for_each_func(obj, func)
			pr_info("%s: %s: %s replaces %ps\n", when,
				obj->name ? obj->name : "vmlinux",
				func->old_name, func->old_func);
	}
}

static void walk_post_patch(struct klp_object *obj)
{
	walk_log("post_patch");
}

static void walk_pre_unpatch(struct klp_object *obj)
{
	pr_info("pre_unpatch: post_unpatch_enabled: %d\n",
		obj->callbacks.post_unpatch_enabled);
}

static struct klp_func walk_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = walk_cmdline_proc_show },
	{ }
};

static struct klp_object walk_objs[] = {
	{
		.name = NULL,	/* vmlinux */
		.funcs = walk_funcs,
		.callbacks = {
			.post_patch = walk_post_patch,
			.pre_unpatch = walk_pre_unpatch,
		},
	},
	{ }
};

static struct klp_patch walk_patch = {
	.mod = THIS_MODULE,
	.objs = walk_objs,
};

static int __init walk_init(void)
{
	struct klp_patch *patch = &walk_patch;
	struct klp_object *obj;
	struct klp_func *func;
	int objs = 0, funcs = 0;

	/* Upstream's walks take a pointer variable, not an expression. */
	klp_for_each_object_static(patch, obj) {
		objs++;
		klp_for_each_func_static(obj, func)
			funcs++;
	}
	pr_info("static walk: %d object(s), %d function(s)\n", objs, funcs);
	return klp_enable_patch(&walk_patch);
}

static void __exit walk_exit(void)
{
}

module_init(walk_init);
module_exit(walk_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: the walks and fields of the public header");
