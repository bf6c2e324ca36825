// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Callbacks demo: when do the (un)patch callbacks run?
 *
 * What it patches:
 *   Three objects, each with the same four callbacks, which only print
 *   which callback runs, for which object, and the state of the object's
 *   module at that moment:
 *     vmlinux                      no function replaced
 *     livepatch_callbacks_mod      no function replaced
 *     livepatch_callbacks_busymod  busymod_work_fn() replaced by a version
 *                                  that does not sleep
 *   Callbacks are the place for work that must happen once for the whole
 *   system rather than per call: changing data, registering hooks,
 *   refusing a patch whose preconditions are not met.
 *
 * Parameter:
 *   pre_patch_ret=N  the value every pre_patch callback returns (default
 *                    0).  A negative errno refuses the patch, or the load
 *                    of a target module that comes later.
 *
 * Try it (all modules are in samples/livepatch; watch dmesg):
 *
 * 1. Target loaded first, then the patch:
 *      insmod livepatch-callbacks-mod.ko
 *      insmod livepatch-callbacks-demo.ko
 *    pre_patch runs for vmlinux and livepatch_callbacks_mod (state LIVE),
 *    then the transition, then post_patch for both.  Nothing runs for
 *    livepatch_callbacks_busymod: it is not loaded.
 *
 * 2. Target loaded while the patch is enabled, then removed:
 *      insmod livepatch-callbacks-busymod.ko
 *        "applying patch ... to loading module ..."; pre_patch and
 *        post_patch run for it in state COMING; its work function already
 *        runs the patched version
 *      rmmod livepatch_callbacks_busymod
 *        "reverting patch ... on unloading module ..."; pre_unpatch and
 *        post_unpatch run in state GOING
 *
 * 3. Disable the patch:
 *      echo 0 > /sys/kernel/livepatch/livepatch_callbacks_demo/enabled
 *    pre_unpatch runs for every loaded object, then the unpatching
 *    transition, then post_unpatch.
 *
 * 4. A transition that has to wait (see livepatch-callbacks-busymod.c):
 *      insmod livepatch-callbacks-busymod.ko block_transition=1
 *      insmod livepatch-callbacks-demo.ko
 *    pre_patch runs at once, post_patch only when busymod_work_fn()
 *    returned and the transition completed.  Writing 0 to "enabled"
 *    meanwhile reverses the transition: then no pre_unpatch runs (no
 *    post_patch ran), but post_unpatch does (pre_patch did).
 *
 * 5. A refusing pre_patch:
 *      insmod livepatch-callbacks-demo.ko pre_patch_ret=-19
 *    "pre-patch callback failed for object 'vmlinux'" and insmod fails
 *    with ENODEV.  Load the demo normally first and then insmod a target
 *    module after setting
 *      echo -19 > /sys/module/livepatch_callbacks_demo/parameters/pre_patch_ret
 *    to see the module's load refused instead.
 *
 * Remove it:
 *   echo 0 > /sys/kernel/livepatch/livepatch_callbacks_demo/enabled
 *   # wait until /sys/kernel/livepatch/livepatch_callbacks_demo disappears
 *   rmmod livepatch_callbacks_demo
 *
 * See Documentation/livepatch/callbacks.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/workqueue.h>

static int pre_patch_ret;
module_param(pre_patch_ret, int, 0644);
MODULE_PARM_DESC(pre_patch_ret,
		 "Value returned by the pre_patch callbacks; a negative errno refuses the patch (default: 0)");

static const char *demo_module_state(struct klp_object *obj)
{
	/* The core sets obj->mod for a loaded module; vmlinux has none. */
	if (!obj->mod)
		return "no module";

	switch (obj->mod->state) {
	case MODULE_STATE_LIVE:
		return "LIVE: loaded and running";
	case MODULE_STATE_COMING:
		return "COMING: being loaded, init not run yet";
	case MODULE_STATE_GOING:
		return "GOING: being unloaded, exit already run";
	case MODULE_STATE_UNFORMED:
		return "UNFORMED: still being set up";
	}
	return "unknown";
}

static void demo_report(const char *callback, struct klp_object *obj)
{
	pr_info("%-12s %s (%s)\n", callback, obj->name ? obj->name : "vmlinux",
		demo_module_state(obj));
}

/* Before the object's functions are redirected; may refuse. */
static int demo_pre_patch(struct klp_object *obj)
{
	demo_report("pre_patch", obj);
	if (pre_patch_ret)
		pr_info("pre_patch    returning %d\n", pre_patch_ret);
	return pre_patch_ret;
}

/* After every task runs the new code (or at once for a coming module). */
static void demo_post_patch(struct klp_object *obj)
{
	demo_report("post_patch", obj);
}

/* Before the unpatching transition starts, or before a module goes. */
static void demo_pre_unpatch(struct klp_object *obj)
{
	demo_report("pre_unpatch", obj);
}

/* After no task runs the new code any more. */
static void demo_post_unpatch(struct klp_object *obj)
{
	demo_report("post_unpatch", obj);
}

#define DEMO_CALLBACKS {			\
	.pre_patch = demo_pre_patch,		\
	.post_patch = demo_post_patch,		\
	.pre_unpatch = demo_pre_unpatch,	\
	.post_unpatch = demo_post_unpatch,	\
}

/* Same prototype as busymod_work_fn() in livepatch-callbacks-busymod.c. */
static void demo_busymod_work_fn(struct work_struct *work)
{
	pr_info("busymod_work_fn: patched version, never sleeps\n");
}

/* An object may have callbacks and no functions: an empty table. */
static struct klp_func demo_no_funcs[] = {
	{ }
};

static struct klp_func demo_busymod_funcs[] = {
	{
		.old_name = "busymod_work_fn",
		.new_func = demo_busymod_work_fn,
	},
	{ }
};

static struct klp_object demo_objs[] = {
	{
		.name = NULL,	/* vmlinux */
		.funcs = demo_no_funcs,
		.callbacks = DEMO_CALLBACKS,
	},
	{
		.name = "livepatch_callbacks_mod",
		.funcs = demo_no_funcs,
		.callbacks = DEMO_CALLBACKS,
	},
	{
		.name = "livepatch_callbacks_busymod",
		.funcs = demo_busymod_funcs,
		.callbacks = DEMO_CALLBACKS,
	},
	{ }
};

static struct klp_patch demo_patch = {
	.mod = THIS_MODULE,
	.objs = demo_objs,
};

static int __init livepatch_callbacks_demo_init(void)
{
	return klp_enable_patch(&demo_patch);
}

static void __exit livepatch_callbacks_demo_exit(void)
{
}

module_init(livepatch_callbacks_demo_init);
module_exit(livepatch_callbacks_demo_exit);
MODULE_DESCRIPTION("Live patch sample: prints every callback of three objects");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
