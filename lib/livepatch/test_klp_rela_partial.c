// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_partial - two .klp.rela.test_klp_target sections: the
 * first, .klp_refs, names tgt_secret() and can be applied; the second,
 * .klp_refs.test_klp_target.more, names tgt_secret() too and then a
 * symbol test_klp_target does not have, so applying it fails.  Livepatch
 * must refuse the patch (or test_klp_target, when it loads later) and
 * undo the first section only: the second was never written.
 */
#include "test_klp_rela.h"

const char *rela_secret_sym(void)
	RELA_SYM(".klp.sym.test_klp_target.tgt_secret,0") __weak;
const char *rela_missing_sym(void)
	RELA_SYM(".klp.sym.test_klp_target.tgt_no_such_symbol,0") __weak;

/*
 * Livepatch applies the sections in the order of the ELF file, which is
 * the order in which the assembler first meets them: make it this one.
 */
asm(".section .klp_refs, \"aw\"\n\t.previous\n\t"
	".section .klp_refs.test_klp_target.more, \"aw\"\n\t.previous");

static rela_str_fn rela_secret __section(".klp_refs") __used =
	rela_secret_sym;

static rela_str_fn rela_more[] __section(".klp_refs.test_klp_target.more")
	__used = { rela_secret_sym, rela_missing_sym };

static const char *rela_tgt_probe(void)
{
	rela_str_fn fn = READ_ONCE(rela_secret);

	return fn && READ_ONCE(rela_more[1]) ? fn() : "unresolved";
}

MODULE_DESCRIPTION("Livepatch kselftests: a .klp.rela section that fails after one that applies");
