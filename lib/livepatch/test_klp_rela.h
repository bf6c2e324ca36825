/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the relocation rule modules test_klp_rela_<rule>.c share: a patch
 * of test_klp_target only, whose new tgt_probe() is the module's
 * rela_tgt_probe().  Each module keeps the references that only livepatch
 * can resolve in sections of their own, initialized with weak undefined
 * symbols, as test_klp_rela.c explains; klp_rela.py turns those sections
 * into .klp.rela ones at kselftest install time.  A section named
 * ".klp_refs.<object>" becomes a section of <object> whatever symbols its
 * relocations use: that is how a module breaks a rule on purpose.
 *
 * Raw (as kbuild builds them), the modules load and their references stay
 * NULL: the new tgt_probe() then answers "unresolved".
 */
#ifndef _TEST_KLP_RELA_H
#define _TEST_KLP_RELA_H

#include <linux/compiler.h>
#include <linux/livepatch.h>
#include <linux/module.h>

/* The assembler needs quotes around a name with a comma. */
#define RELA_SYM(name)	__asm__("\"" name "\"")

typedef const char *(*rela_str_fn)(void);

static const char *rela_tgt_probe(void);

static struct klp_func rela_funcs[] = {
	{ .old_name = "tgt_probe", .new_func = rela_tgt_probe },
	{ }
};

static struct klp_object rela_objs[] = {
	{ .name = "test_klp_target", .funcs = rela_funcs },
	{ }
};

static struct klp_patch rela_patch = {
	.mod = THIS_MODULE,
	.objs = rela_objs,
};

static int __init rela_init(void)
{
	return klp_enable_patch(&rela_patch);
}

static void __exit rela_exit(void)
{
}

module_init(rela_init);
module_exit(rela_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");

#endif
