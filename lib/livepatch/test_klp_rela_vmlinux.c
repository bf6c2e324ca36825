// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_vmlinux - a patch whose only object is a module, but whose
 * new code calls a static function of vmlinux: lib/vsprintf.c's
 * skip_atoi().  The relocation is in .klp.rela.vmlinux.klp_refs, against
 * .klp.sym.vmlinux.skip_atoi,0, as kpatch-build and klp-convert lay it
 * out; the module loader hands it to livepatch while this module loads.
 *
 * The new tgt_probe() of test_klp_target has skip_atoi() read "6120" and
 * says whether it did.
 */
#include "test_klp_rela.h"

typedef int (*rela_atoi_fn)(const char **s);

int rela_skip_atoi_sym(const char **s)
	RELA_SYM(".klp.sym.vmlinux.skip_atoi,0") __weak;

static rela_atoi_fn rela_skip_atoi __section(".klp_refs") __used =
	rela_skip_atoi_sym;

static const char *rela_tgt_probe(void)
{
	rela_atoi_fn skip_atoi = READ_ONCE(rela_skip_atoi);
	const char *digits = "6120";

	if (!skip_atoi)
		return "unresolved";
	return skip_atoi(&digits) == 6120 ? "vmlinux skip_atoi() read 6120" :
					    "vmlinux skip_atoi() misread 6120";
}

MODULE_DESCRIPTION("Livepatch kselftests: a module-only patch with a .klp.rela.vmlinux section");
