// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_target - the module that the livepatch kselftests patch.
 *
 * Every function a test patches is called when a read-only parameter of
 * this module is read, so a test sees from user space which code runs:
 *
 *   /sys/module/test_klp_target/parameters/
 *     answer       tgt_answer()
 *     twins        tgt_twin() of this file, then tgt_twin() of
 *                  test_klp_target_twin.c (two static functions of one
 *                  name: a patch must pick one with old_sympos)
 *     twin_addrs   the addresses of those two, as /proc/kallsyms shows them
 *     probe        tgt_probe(); test_klp_rela's replacement calls the
 *                  static tgt_secret(), which no module can link against
 *     secret       tgt_secret() itself
 *     untraceable  tgt_untraceable(), notrace, so it cannot be patched
 *
 * tgt_answer_alias is a second name of tgt_answer()'s code: kallsyms has
 * both at one address (test_klp_alias patches both).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "test_klp_target.h"

TGT_PATCHABLE const char *tgt_answer(void)
{
	return "original";
}

__alias(tgt_answer) const char *tgt_answer_alias(void);

static TGT_PATCHABLE const char *tgt_twin(void)
{
	return "main";
}

static TGT_PATCHABLE const char *tgt_secret(void)
{
	return "secret of test_klp_target";
}

TGT_PATCHABLE const char *tgt_probe(void)
{
	return "original";
}

notrace TGT_PATCHABLE const char *tgt_untraceable(void)
{
	return "original";
}

static int tgt_param_readonly(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

/* A read-only parameter whose value is computed each time it is read. */
#define TGT_SHOW_PARAM(pname, fmt, ...)					\
static int tgt_##pname##_get(char *buf, const struct kernel_param *kp)	\
{									\
	return scnprintf(buf, PAGE_SIZE, fmt "\n", __VA_ARGS__);	\
}									\
static const struct kernel_param_ops tgt_##pname##_ops = {		\
	.set = tgt_param_readonly,					\
	.get = tgt_##pname##_get,					\
};									\
module_param_cb(pname, &tgt_##pname##_ops, NULL, 0444)

TGT_SHOW_PARAM(answer, "%s", tgt_answer());
TGT_SHOW_PARAM(twins, "%s %s", tgt_twin(), tgt_twin_of_twin_file());
TGT_SHOW_PARAM(twin_addrs, "%016lx %016lx", (unsigned long)tgt_twin,
	       (unsigned long)tgt_twin_addr_of_twin_file());
TGT_SHOW_PARAM(probe, "%s", tgt_probe());
TGT_SHOW_PARAM(secret, "%s", tgt_secret());
TGT_SHOW_PARAM(untraceable, "%s", tgt_untraceable());

static int __init tgt_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit tgt_exit(void)
{
	pr_info("unloading\n");
}

module_init(tgt_init);
module_exit(tgt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch kselftests: functions to patch");
