// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela - a patch whose new code needs a static function of the
 * module it patches: test_klp_target's tgt_probe() is replaced by one that
 * returns what test_klp_target's static tgt_secret() returns.
 *
 * No module can link against a static symbol of another module.  A
 * livepatch module refers to one through a livepatch symbol,
 * ".klp.sym.test_klp_target.tgt_secret,0" (section index SHN_LIVEPATCH),
 * used by a relocation section ".klp.rela.test_klp_target.<section>"
 * (flag SHF_RELA_LIVEPATCH) that livepatch applies whenever
 * test_klp_target is present; see
 * Documentation/livepatch/module-elf-format.rst.
 *
 * The compiler does not make such ELF, so the module is made in two steps:
 *  1. kbuild builds it with the reference held by the pointer
 *     rela_secret, alone in section .klp_refs and initialized with a weak
 *     undefined symbol that already bears the livepatch symbol's name.
 *     This form loads and works: the pointer stays NULL and the new
 *     tgt_probe() answers "unresolved".
 *  2. tools/testing/selftests/livepatch/klp_rela.py rewrites the built
 *     module: .rela.klp_refs becomes .klp.rela.test_klp_target.klp_refs
 *     and the symbol an SHN_LIVEPATCH one.  The kselftests load that copy.
 *
 * TEST_KLP_SECRET_SYM may be defined beforehand to give the symbol
 * another name (test_klp_rela_badsym.c).
 */
#include <linux/compiler.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#ifndef TEST_KLP_SECRET_SYM
#define TEST_KLP_SECRET_SYM ".klp.sym.test_klp_target.tgt_secret,0"
#endif

typedef const char *(*rela_secret_fn)(void);

/* The name has a comma: the assembler needs it quoted. */
const char *rela_secret_sym(void)
	__asm__("\"" TEST_KLP_SECRET_SYM "\"") __weak;

static rela_secret_fn rela_secret __section(".klp_refs") __used =
	rela_secret_sym;

static const char *rela_tgt_probe(void)
{
	/* Read the pointer at run time: livepatch writes it late. */
	rela_secret_fn secret = READ_ONCE(rela_secret);

	return secret ? secret() : "unresolved";
}

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
MODULE_DESCRIPTION("Livepatch kselftests: a patch with .klp.rela relocations");
