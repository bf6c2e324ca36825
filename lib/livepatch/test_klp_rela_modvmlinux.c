// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_modvmlinux - a .klp.rela.test_klp_target section whose
 * relocation names a vmlinux symbol, .klp.sym.vmlinux.skip_atoi,0: a
 * module's section may only name symbols of that module, vmlinux ones
 * belong in a .klp.rela.vmlinux section.  Livepatch must refuse it.
 */
#include "test_klp_rela.h"

typedef int (*rela_atoi_fn)(const char **s);

int rela_skip_atoi_sym(const char **s)
	RELA_SYM(".klp.sym.vmlinux.skip_atoi,0") __weak;

static rela_atoi_fn rela_skip_atoi __section(".klp_refs.test_klp_target")
	__used = rela_skip_atoi_sym;

static const char *rela_tgt_probe(void)
{
	rela_atoi_fn skip_atoi = READ_ONCE(rela_skip_atoi);
	const char *digits = "6120";

	if (!skip_atoi)
		return "unresolved";
	return skip_atoi(&digits) == 6120 ? "vmlinux skip_atoi() read 6120" :
					    "vmlinux skip_atoi() misread 6120";
}

MODULE_DESCRIPTION("Livepatch kselftests: a vmlinux symbol in a module's .klp.rela section");
