// SPDX-License-Identifier: GPL-2.0
/*
 * Call-cost benchmark patch 1: replaces klp_bench_call_fn() and
 * klp_bench_call_block(), so that its transition waits while a kthread
 * sleeps there.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static int klp_bench_call_sink_p1;

static int new_fn(int x)
{
	WRITE_ONCE(klp_bench_call_sink_p1, x);
	return x + 2;
}

static void new_block(void)
{
}

static struct klp_func funcs[] = {
	{ .old_name = "klp_bench_call_fn", .new_func = new_fn, },
	{ .old_name = "klp_bench_call_block", .new_func = new_block, },
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

static int __init klp_bench_call_p1_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit klp_bench_call_p1_exit(void)
{
}

module_init(klp_bench_call_p1_init);
module_exit(klp_bench_call_p1_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("livepatch call-cost benchmark patch 1");
