// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Callbacks demo: a plain target module
 *
 * What it is:
 *   A module that does nothing but load and unload.  livepatch-callbacks-demo
 *   lists it as one of its objects without changing any of its functions,
 *   so its only purpose is to show when the demo's callbacks run for a
 *   module object: when the patch is enabled while the module is loaded,
 *   and when the module comes or goes while the patch is enabled.
 *
 * Try it (see livepatch-callbacks-demo.c for the whole tour):
 *   insmod livepatch-callbacks-demo.ko
 *   insmod livepatch-callbacks-mod.ko    # pre_patch and post_patch run for
 *                                        # this module, state COMING
 *   rmmod livepatch_callbacks_mod        # pre_unpatch and post_unpatch run,
 *                                        # state GOING
 *
 * Remove it:
 *   rmmod livepatch_callbacks_mod        # allowed at any time: live patches
 *                                        # hold no reference on their targets
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>

static int __init callbacks_mod_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit callbacks_mod_exit(void)
{
	pr_info("unloaded\n");
}

module_init(callbacks_mod_init);
module_exit(callbacks_mod_exit);
MODULE_DESCRIPTION("Live patch callbacks demo: a plain target module");
MODULE_LICENSE("GPL");
