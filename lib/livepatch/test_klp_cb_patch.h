/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of test_klp_cb_patch1 and test_klp_cb_patch2, the live patches
 * of the callback tests (test-callbacks-*.sh).
 *
 * Objects, in this order (the order the core runs their callbacks in):
 *   vmlinux            cmdline_proc_show(): /proc/cmdline shows the
 *                      name of the patch module
 *   test_klp_cb_mod_a  cb_mod_answer(): "patched by <patch module>"
 *   test_klp_cb_mod_b  the same
 *   test_klp_cb_busy   cb_busy_work_fn(), which holds while
 *                      busy_hold=Y (then the kworker sits in this
 *                      module's code, and an unpatching transition, or
 *                      one to a patch replacing this one, cannot finish)
 *
 * Every callback logs one line, "<callback> <object>", with the state of
 * the object's module in brackets for a module object:
 *   test_klp_cb_patch1: pre_patch test_klp_cb_mod_a [COMING]
 *
 * Parameters:
 *   replace=Y            register as an atomic replace patch
 *   pre_patch_fail=OBJ   the pre_patch callback of object OBJ ("vmlinux"
 *                        or a module name) fails; writable, so that a
 *                        module loaded later can be refused
 *   pre_patch_errno=N    what that callback returns (default -ENODEV)
 *   busy_hold=Y          the patched cb_busy_work_fn() holds (writable)
 *   post_unpatch_hold=Y  the post_unpatch callback of vmlinux holds, with
 *                        the livepatch core waiting for it, until set to N
 *                        (writable; logs "post_unpatch vmlinux: holding")
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/workqueue.h>

static bool replace;
module_param(replace, bool, 0444);
MODULE_PARM_DESC(replace, "register as an atomic replace patch (default: N)");

static char *pre_patch_fail = "";
module_param(pre_patch_fail, charp, 0644);
MODULE_PARM_DESC(pre_patch_fail, "object whose pre_patch callback fails (default: none)");

static int pre_patch_errno = -ENODEV;
module_param(pre_patch_errno, int, 0644);
MODULE_PARM_DESC(pre_patch_errno, "what the failing pre_patch returns (default: -ENODEV)");

static bool busy_hold;
module_param(busy_hold, bool, 0644);
MODULE_PARM_DESC(busy_hold, "the patched cb_busy_work_fn() holds until set to N (default: N)");

static bool post_unpatch_hold;
module_param(post_unpatch_hold, bool, 0644);
MODULE_PARM_DESC(post_unpatch_hold, "the post_unpatch callback of vmlinux holds until set to N (default: N)");

static const char *cb_obj_name(struct klp_object *obj)
{
	return obj->name ? obj->name : "vmlinux";
}

static const char *cb_mod_state(struct klp_object *obj)
{
	if (!obj->mod)
		return "NO MODULE";
	switch (obj->mod->state) {
	case MODULE_STATE_LIVE:
		return "LIVE";
	case MODULE_STATE_COMING:
		return "COMING";
	case MODULE_STATE_GOING:
		return "GOING";
	case MODULE_STATE_UNFORMED:
		return "UNFORMED";
	}
	return "?";
}

/* "<callback> <object>[ [STATE]][: <extra>]" */
static void cb_log(const char *callback, struct klp_object *obj,
		   const char *extra)
{
	if (obj->name)
		pr_info("%s %s [%s]%s\n", callback, obj->name,
			cb_mod_state(obj), extra);
	else
		pr_info("%s vmlinux%s\n", callback, extra);
}

static int cb_pre_patch(struct klp_object *obj)
{
	char extra[32];

	if (strcmp(cb_obj_name(obj), pre_patch_fail)) {
		cb_log("pre_patch", obj, "");
		return 0;
	}
	snprintf(extra, sizeof(extra), ": failing with %d", pre_patch_errno);
	cb_log("pre_patch", obj, extra);
	return pre_patch_errno;
}

static void cb_post_patch(struct klp_object *obj)
{
	cb_log("post_patch", obj, "");
}

static void cb_pre_unpatch(struct klp_object *obj)
{
	cb_log("pre_unpatch", obj, "");
}

static void cb_post_unpatch(struct klp_object *obj)
{
	if (obj->name || !READ_ONCE(post_unpatch_hold)) {
		cb_log("post_unpatch", obj, "");
		return;
	}
	cb_log("post_unpatch", obj, ": holding");
	while (READ_ONCE(post_unpatch_hold))
		msleep(20);
	cb_log("post_unpatch", obj, ": released");
}

static int cb_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, KBUILD_MODNAME "\n");
	return 0;
}

static const char *cb_mod_answer(void)
{
	return "patched by " KBUILD_MODNAME;
}

static void cb_busy_work_fn(struct work_struct *work)
{
	pr_info("%s: patched version entered, hold=%d\n", __func__,
		READ_ONCE(busy_hold));
	while (READ_ONCE(busy_hold))
		msleep(20);
	pr_info("%s: patched version returns\n", __func__);
}

static struct klp_func cb_vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = cb_cmdline_proc_show },
	{ }
};

static struct klp_func cb_mod_funcs_a[] = {
	{ .old_name = "cb_mod_answer", .new_func = cb_mod_answer },
	{ }
};

static struct klp_func cb_mod_funcs_b[] = {
	{ .old_name = "cb_mod_answer", .new_func = cb_mod_answer },
	{ }
};

static struct klp_func cb_busy_funcs[] = {
	{ .old_name = "cb_busy_work_fn", .new_func = cb_busy_work_fn },
	{ }
};

#define CB_CALLBACKS {				\
	.pre_patch = cb_pre_patch,		\
	.post_patch = cb_post_patch,		\
	.pre_unpatch = cb_pre_unpatch,		\
	.post_unpatch = cb_post_unpatch,	\
}

static struct klp_object cb_objs[] = {
	{ .name = NULL, .funcs = cb_vmlinux_funcs, .callbacks = CB_CALLBACKS },
	{ .name = "test_klp_cb_mod_a", .funcs = cb_mod_funcs_a, .callbacks = CB_CALLBACKS },
	{ .name = "test_klp_cb_mod_b", .funcs = cb_mod_funcs_b, .callbacks = CB_CALLBACKS },
	{ .name = "test_klp_cb_busy", .funcs = cb_busy_funcs, .callbacks = CB_CALLBACKS },
	{ }
};

static struct klp_patch cb_patch = {
	.mod = THIS_MODULE,
	.objs = cb_objs,
};

static int __init cb_patch_init(void)
{
	cb_patch.replace = replace;
	return klp_enable_patch(&cb_patch);
}

static void __exit cb_patch_exit(void)
{
}

module_init(cb_patch_init);
module_exit(cb_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch callback tests: a patch that logs every callback");
