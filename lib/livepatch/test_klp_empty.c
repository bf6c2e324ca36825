// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_empty - a patch without any object: its objs array holds only
 * the terminating entry.
 *
 * As a plain patch it changes nothing.  With replace=1 it is the
 * cumulative patch that reverts every patch enabled before it, and with
 * state=N it also owns the system state of test_klp_state_* at version
 * N, so that it may replace those patches.  test-empty-patch.sh loads it.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

/* The id of test_klp_state.h's state. */
#define EMPTY_STATE_ID	0x6b6c7053UL

static bool replace;
module_param(replace, bool, 0444);
MODULE_PARM_DESC(replace, "register as an atomic replace patch (default: N)");

static unsigned int state;
module_param(state, uint, 0444);
MODULE_PARM_DESC(state, "own test_klp_state's state at this version (default: 0, none)");

static struct klp_object empty_objs[] = {
	{ }
};

static struct klp_state empty_states[] = {
	{ .id = EMPTY_STATE_ID },
	{ }
};

static struct klp_patch empty_patch = {
	.mod = THIS_MODULE,
	.objs = empty_objs,
};

static int __init empty_init(void)
{
	empty_patch.replace = replace;
	if (state) {
		empty_states[0].version = state;
		empty_patch.states = empty_states;
	}
	return klp_enable_patch(&empty_patch);
}

static void __exit empty_exit(void)
{
}

module_init(empty_init);
module_exit(empty_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: a patch without objects");
