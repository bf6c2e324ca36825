// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_noobj - a .klp.rela.test_klp_cb_mod_a section, though the
 * patch has no test_klp_cb_mod_a object: livepatch would never apply it,
 * and the new code would find NULL where it expects a function.  This
 * tree's livepatch refuses the patch.
 */
#include "test_klp_rela.h"

const char *rela_other_sym(void)
	RELA_SYM(".klp.sym.test_klp_cb_mod_a.cb_mod_answer,0") __weak;

static rela_str_fn rela_other __section(".klp_refs") __used =
	rela_other_sym;

static const char *rela_tgt_probe(void)
{
	rela_str_fn fn = READ_ONCE(rela_other);

	return fn ? "called test_klp_cb_mod_a's cb_mod_answer()" :
		    "unresolved";
}

MODULE_DESCRIPTION("Livepatch kselftests: a .klp.rela section for an object the patch lacks");
