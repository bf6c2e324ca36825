// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_rela_badsym - test_klp_rela with a malformed livepatch symbol
 * name: the ",<sympos>" part is missing, so livepatch must refuse to
 * apply its relocation section (and the patch, or test_klp_target).
 */
#define TEST_KLP_SECRET_SYM ".klp.sym.test_klp_target.tgt_secret"
#include "test_klp_rela.c"
