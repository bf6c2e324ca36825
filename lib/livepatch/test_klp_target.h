/* SPDX-License-Identifier: GPL-2.0 */
/* What the two files of test_klp_target share. */
#ifndef _TEST_KLP_TARGET_H
#define _TEST_KLP_TARGET_H

/*
 * The functions the tests patch must stay real functions under their own
 * names: not inlined, not cloned into .isra/.constprop variants, and their
 * results not propagated into callers.
 */
#define TGT_PATCHABLE __attribute__((__noipa__))

/* test_klp_target_main.c: the patch targets with a unique name */
const char *tgt_answer(void);
const char *tgt_answer_alias(void);
const char *tgt_probe(void);
const char *tgt_untraceable(void);

/* test_klp_target_twin.c */
const char *tgt_twin_of_twin_file(void);
void *tgt_twin_addr_of_twin_file(void);

#endif
