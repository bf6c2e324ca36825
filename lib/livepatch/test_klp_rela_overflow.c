// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_overflow - two .klp.rela.test_klp_target sections: the
 * first, .klp_refs, names tgt_secret() and can be applied; the second,
 * .klp_refs.test_klp_target.overflow, holds a 64-bit relocation against
 * tgt_secret() and then a 32-bit one (R_X86_64_32), which a module
 * address does not fit: x86's apply_relocate_add() writes the first and
 * fails on the second with ENOEXEC.  Livepatch must refuse the patch (or
 * test_klp_target, when it loads later) and undo both sections.
 */
#include "test_klp_rela.h"

const char *rela_secret_sym(void)
	RELA_SYM(".klp.sym.test_klp_target.tgt_secret,0") __weak;

/* In the order livepatch must apply them (see test_klp_rela_partial.c). */
asm(".section .klp_refs, \"aw\"\n\t.previous\n\t"
	".pushsection .klp_refs.test_klp_target.overflow, \"aw\"\n\t"
	".weak \".klp.sym.test_klp_target.tgt_secret,0\"\n\t"
	".quad \".klp.sym.test_klp_target.tgt_secret,0\"\n\t"
	".long \".klp.sym.test_klp_target.tgt_secret,0\"\n\t"
	".popsection");

static rela_str_fn rela_secret __section(".klp_refs") __used =
	rela_secret_sym;

static const char *rela_tgt_probe(void)
{
	rela_str_fn fn = READ_ONCE(rela_secret);

	return fn ? fn() : "unresolved";
}

MODULE_DESCRIPTION("Livepatch kselftests: a .klp.rela section that x86 fails on midway");
