// SPDX-License-Identifier: GPL-2.0
/*
 * Call-cost benchmark patch 2: replaces klp_bench_call_fn().
 * Stacks on patch 1.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static int klp_bench_call_sink_p2;

static int new_fn(int x)
{
	WRITE_ONCE(klp_bench_call_sink_p2, x);
	return x + 3;
}

static struct klp_func funcs[] = {
	{ .old_name = "klp_bench_call_fn", .new_func = new_fn, },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "klp_bench_call", .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init klp_bench_call_p2_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit klp_bench_call_p2_exit(void)
{
}

module_init(klp_bench_call_p2_init);
module_exit(klp_bench_call_p2_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("livepatch call-cost benchmark patch 2");
