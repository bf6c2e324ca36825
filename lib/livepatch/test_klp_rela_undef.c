// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_undef - a .klp.rela.test_klp_target section whose
 * relocation names an undefined symbol, "tgt_secret", rather than a
 * livepatch symbol (SHN_LIVEPATCH): livepatch must refuse it.
 */
#include "test_klp_rela.h"

const char *rela_undef_sym(void)
	RELA_SYM("tgt_secret") __weak;

static rela_str_fn rela_undef __section(".klp_refs.test_klp_target")
	__used = rela_undef_sym;

static const char *rela_tgt_probe(void)
{
	rela_str_fn fn = READ_ONCE(rela_undef);

	return fn ? fn() : "unresolved";
}

MODULE_DESCRIPTION("Livepatch kselftests: an undefined symbol in a .klp.rela section");
