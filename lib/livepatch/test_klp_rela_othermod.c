// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_othermod - a .klp.rela.test_klp_target section whose
 * relocation names a static function of another module,
 * .klp.sym.test_klp_cb_mod_a.cb_mod_answer,0.  Nothing would rewrite that
 * relocation when test_klp_cb_mod_a unloads while test_klp_target and the
 * patch stay: this tree's livepatch refuses it.
 */
#include "test_klp_rela.h"

const char *rela_other_sym(void)
	RELA_SYM(".klp.sym.test_klp_cb_mod_a.cb_mod_answer,0") __weak;

static rela_str_fn rela_other __section(".klp_refs.test_klp_target")
	__used = rela_other_sym;

static const char *rela_tgt_probe(void)
{
	rela_str_fn fn = READ_ONCE(rela_other);

	return fn ? "called test_klp_cb_mod_a's cb_mod_answer()" :
		    "unresolved";
}

MODULE_DESCRIPTION("Livepatch kselftests: another module's symbol in a .klp.rela section");
