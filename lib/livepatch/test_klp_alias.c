// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_alias - a patch of one address under two names: tgt_answer()
 * of test_klp_target and its alias tgt_answer_alias.  Both functions
 * land on one ftrace location; the one listed last is the newest there
 * and answers the calls.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

static const char *alias_answer(void)
{
	return "patched by " KBUILD_MODNAME;
}

static const char *alias_answer_alias(void)
{
	return "patched by " KBUILD_MODNAME " (alias)";
}

static struct klp_func alias_funcs[] = {
	{ .old_name = "tgt_answer", .new_func = alias_answer },
	{ .old_name = "tgt_answer_alias", .new_func = alias_answer_alias },
	{ }
};

static struct klp_object alias_objs[] = {
	{ .name = "test_klp_target", .funcs = alias_funcs },
	{ }
};

static struct klp_patch alias_patch = {
	.mod = THIS_MODULE,
	.objs = alias_objs,
};

static int __init alias_init(void)
{
	return klp_enable_patch(&alias_patch);
}

static void __exit alias_exit(void)
{
}

module_init(alias_init);
module_exit(alias_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: a patch of two names of one function");
