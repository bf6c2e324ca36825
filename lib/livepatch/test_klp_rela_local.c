// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_local - a .klp.rela.test_klp_target section whose
 * relocation names a function of this module, rela_local_secret(), rather
 * than a livepatch symbol (SHN_LIVEPATCH): livepatch must refuse it.
 */
#include "test_klp_rela.h"

/* Global, so that the relocation names it rather than its section. */
const char *rela_local_secret(void);

const char *rela_local_secret(void)
{
	return "secret of test_klp_rela_local";
}

static rela_str_fn rela_local __section(".klp_refs.test_klp_target")
	__used = rela_local_secret;

static const char *rela_tgt_probe(void)
{
	rela_str_fn fn = READ_ONCE(rela_local);

	return fn ? fn() : "unresolved";
}

MODULE_DESCRIPTION("Livepatch kselftests: a defined symbol in a .klp.rela section");
