// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_badsec - a livepatch relocation section without an
 * object in its name: klp_rela.py names it ".klp.rela..klp_refs..none"
 * after the section it applies to, ".klp_refs..none", whose object part
 * is empty.  Livepatch must refuse it while the module loads.
 */
#include "test_klp_rela.h"

const char *rela_secret_sym(void)
	RELA_SYM(".klp.sym.test_klp_target.tgt_secret,0") __weak;

static rela_str_fn rela_secret __section(".klp_refs..none") __used =
	rela_secret_sym;

static const char *rela_tgt_probe(void)
{
	rela_str_fn fn = READ_ONCE(rela_secret);

	return fn ? fn() : "unresolved";
}

MODULE_DESCRIPTION("Livepatch kselftests: a malformed .klp.rela section name");
