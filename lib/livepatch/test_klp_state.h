/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of test_klp_state_1, _2 and _3: live patches that own one
 * system state, TKS_STATE_ID, for the test-state-*.sh kselftests.
 *
 * Each replaces cmdline_proc_show() (/proc/cmdline shows the module's
 * name) and declares the state at version "version".  The "system
 * state" is a string in klp_state.data, set up by the first patch that
 * owns it and handed from patch to patch:
 *
 *   pre_patch     klp_get_prev_state(): an earlier patch's state, whose
 *                 data this patch takes over, or none, and this patch
 *                 sets the data up ("set up by <module>")
 *   post_patch    the earlier patch lets go of the data (it runs no
 *                 callbacks of its own when it is replaced)
 *   post_unpatch  gives the data back to an earlier patch that still
 *                 owns the state (a stacked patch was disabled), or
 *                 releases it
 *
 * Every callback logs what it saw: the version of the earlier state and
 * the data.
 *
 * Parameters:
 *   version=N    the version of the state (default 1)
 *   replace=Y|N  an atomic replace (cumulative) patch (default Y)
 *   has_state=N  declare no state at all (default Y)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#define TKS_STATE_ID	0x6b6c7053UL

static unsigned int version = 1;
module_param(version, uint, 0444);
MODULE_PARM_DESC(version, "version of the state (default: 1)");

static bool replace = true;
module_param(replace, bool, 0444);
MODULE_PARM_DESC(replace, "register as an atomic replace patch (default: Y)");

static bool has_state = true;
module_param(has_state, bool, 0444);
MODULE_PARM_DESC(has_state, "declare the state (default: Y)");

static struct klp_patch tks_patch;

static const char *tks_data(struct klp_state *state)
{
	return state && state->data ? state->data : "(none)";
}

static int tks_pre_patch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&tks_patch, TKS_STATE_ID);
	struct klp_state *prev = klp_get_prev_state(TKS_STATE_ID);

	if (prev)
		pr_info("pre_patch: earlier state version %u, data '%s'\n",
			prev->version, tks_data(prev));
	else
		pr_info("pre_patch: no earlier state\n");
	if (!state) {
		pr_info("pre_patch: this patch has no state\n");
		return 0;
	}
	if (prev && prev->data) {
		state->data = prev->data;
		pr_info("pre_patch: taking over '%s'\n", tks_data(state));
		return 0;
	}
	state->data = kasprintf(GFP_KERNEL, "set up by %s", KBUILD_MODNAME);
	if (!state->data)
		return -ENOMEM;
	pr_info("pre_patch: '%s'\n", tks_data(state));
	return 0;
}

static void tks_post_patch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&tks_patch, TKS_STATE_ID);
	struct klp_state *prev = klp_get_prev_state(TKS_STATE_ID);

	/* The data is ours now; the earlier patch must not free it. */
	if (state && prev && prev->data == state->data)
		prev->data = NULL;
	pr_info("post_patch: state version %u, data '%s'\n",
		state ? state->version : 0, tks_data(state));
}

static void tks_pre_unpatch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&tks_patch, TKS_STATE_ID);

	pr_info("pre_unpatch: data '%s'\n", tks_data(state));
}

static void tks_post_unpatch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&tks_patch, TKS_STATE_ID);
	struct klp_state *prev = klp_get_prev_state(TKS_STATE_ID);

	if (!state || !state->data) {
		pr_info("post_unpatch: nothing to release\n");
		return;
	}
	if (prev) {
		pr_info("post_unpatch: handing '%s' back to the earlier patch (version %u)\n",
			tks_data(state), prev->version);
		prev->data = state->data;
	} else {
		pr_info("post_unpatch: releasing '%s'\n", tks_data(state));
		kfree(state->data);
	}
	state->data = NULL;
}

static int tks_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, KBUILD_MODNAME "\n");
	return 0;
}

static struct klp_func tks_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = tks_cmdline_proc_show },
	{ }
};

static struct klp_object tks_objs[] = {
	{
		.name = NULL,	/* vmlinux */
		.funcs = tks_funcs,
		.callbacks = {
			.pre_patch = tks_pre_patch,
			.post_patch = tks_post_patch,
			.pre_unpatch = tks_pre_unpatch,
			.post_unpatch = tks_post_unpatch,
		},
	},
	{ }
};

static struct klp_state tks_states[] = {
	{ .id = TKS_STATE_ID },
	{ }
};

static struct klp_patch tks_patch = {
	.mod = THIS_MODULE,
	.objs = tks_objs,
	.states = tks_states,
};

static int __init tks_init(void)
{
	tks_states[0].version = version;
	tks_patch.replace = replace;
	if (!has_state)
		tks_patch.states = NULL;
	return klp_enable_patch(&tks_patch);
}

/*
 * A patch that replaced this one without owning the state's data (one
 * that does not run our callbacks, such as test_klp_empty) left it here.
 */
static void __exit tks_exit(void)
{
	kfree(tks_states[0].data);
}

module_init(tks_init);
module_exit(tks_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: a patch that owns a system state");
