// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_sympos - patch one of the two static tgt_twin() functions of
 * test_klp_target, chosen by old_sympos = the pos= parameter: 1 and 2 name
 * the first and second in kallsyms order; 0 ("unique") and 3 (beyond the
 * last) must be refused while test_klp_target is loaded.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

static ulong pos;
module_param(pos, ulong, 0444);
MODULE_PARM_DESC(pos, "old_sympos of tgt_twin (default 0)");

static const char *sympos_tgt_twin(void)
{
	return "patched";
}

static struct klp_func sympos_funcs[] = {
	{ .old_name = "tgt_twin", .new_func = sympos_tgt_twin },
	{ }
};

static struct klp_object sympos_objs[] = {
	{ .name = "test_klp_target", .funcs = sympos_funcs },
	{ }
};

static struct klp_patch sympos_patch = {
	.mod = THIS_MODULE,
	.objs = sympos_objs,
};

static int __init sympos_init(void)
{
	sympos_funcs[0].old_sympos = pos;
	return klp_enable_patch(&sympos_patch);
}

static void __exit sympos_exit(void)
{
}

module_init(sympos_init);
module_exit(sympos_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: pick a duplicated symbol by position");
