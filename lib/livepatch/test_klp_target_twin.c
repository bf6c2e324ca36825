// SPDX-License-Identifier: GPL-2.0
/*
 * The second file of test_klp_target: a static tgt_twin() that has the
 * same name as the one in test_klp_target_main.c.  kallsyms lists both
 * under test_klp_target, in link order.
 */
#include <linux/kernel.h>
#include "test_klp_target.h"

static TGT_PATCHABLE const char *tgt_twin(void)
{
	return "twin";
}

const char *tgt_twin_of_twin_file(void)
{
	return tgt_twin();
}

void *tgt_twin_addr_of_twin_file(void)
{
	return tgt_twin;
}
