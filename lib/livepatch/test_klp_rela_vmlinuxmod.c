// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_vmlinuxmod - a .klp.rela.vmlinux section whose relocation
 * names a static function of a module, .klp.sym.test_klp_target.tgt_secret,0.
 * A vmlinux section is applied once, when the patch module loads, and
 * never again: the relocation would outlive test_klp_target if it
 * unloaded.  This tree's livepatch refuses it.
 */
#include "test_klp_rela.h"

const char *rela_secret_sym(void)
	RELA_SYM(".klp.sym.test_klp_target.tgt_secret,0") __weak;

static rela_str_fn rela_secret __section(".klp_refs.vmlinux") __used =
	rela_secret_sym;

static const char *rela_tgt_probe(void)
{
	rela_str_fn fn = READ_ONCE(rela_secret);

	return fn ? fn() : "unresolved";
}

MODULE_DESCRIPTION("Livepatch kselftests: a module's symbol in a .klp.rela.vmlinux section");
