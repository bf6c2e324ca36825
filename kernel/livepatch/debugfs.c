// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a transition waits for, what transitions cost, which shadow
 * variables exist
 *
 *   /sys/kernel/debug/livepatch/pending          tasks the running
 *       transition waits for: "pid comm patch_state reason", where reason
 *       is the changed function on the task's stack, "running",
 *       "unreliable stack" or "idle"
 *   /sys/kernel/debug/livepatch/transitions      the last transitions,
 *       one line each, counters as "name=value"
 *   /sys/kernel/debug/livepatch/signal_delay_ms  how long a transition
 *       waits before it wakes or fake-signals stuck tasks
 *   /sys/kernel/debug/livepatch/transition_timeout_ms  reverse a transition
 *       that stalls this long (0: never); patches may override it
 *   /sys/kernel/debug/livepatch/redirect         counters of the ftrace
 *       side: "sites=<patched locations> sites_allocated=<allocated>"
 *   /sys/kernel/debug/livepatch/fast           the fast path (fast.c):
 *       "fast=<sites> entered=<n> left=<n> refreshes=<n>", then one line
 *       per site that may jump to its new function: "<old> -> <new>"
 *   /sys/kernel/debug/livepatch/fast_path      1: sites take the fast
 *       path after their transition; 0: every call goes through ftrace's
 *       handler (as before the fast path existed)
 *   /sys/kernel/debug/livepatch/shadow           every shadow variable:
 *       "owner=<module> state=loaded|removed obj=<ptr> id=<id> size=<n>"
 *   /sys/kernel/debug/livepatch/fault            with
 *       CONFIG_LIVEPATCH_FAULT_INJECTION: make an allocation or ftrace
 *       call fail, for the selftests (fault.c)
 *
 * Nothing here is ABI; see Documentation/livepatch/observability.rst.
 */

#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include "internal.h"

static int klp_pending_show(struct seq_file *m, void *v)
{
	mutex_lock(&klp_mutex);
	klp_transition_show_pending(m);
	mutex_unlock(&klp_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klp_pending);

static int klp_transitions_show(struct seq_file *m, void *v)
{
	unsigned int i, n;

	mutex_lock(&klp_mutex);
	n = min_t(unsigned int, klp_stats_next, KLP_STATS_HISTORY);
	for (i = 0; i < n; i++) {
		unsigned int idx = (klp_stats_next - n + i) % KLP_STATS_HISTORY;
		struct klp_transition_stats *s = &klp_stats[idx];

		/* A running transition shows how long it has run so far. */
		u64 ns = s->done ? s->duration_ns : ktime_get_ns() - s->start_ns;

		seq_printf(m, "patch=%s target=%s state=%s duration_us=%llu passes=%lu tasks=%lu checked=%lu signalled=%lu reversals=%u signal_rounds=%lu reversed_us=%llu last_signal_us=%llu\n",
			   s->patch,
			   s->target == KLP_TRANSITION_PATCHED ?
			   "patched" : "unpatched",
			   !s->done ? "running" : s->canceled ? "canceled" :
			   s->forced ? "forced" :
			   s->timed_out ? "timed-out" : "complete",
			   ns / NSEC_PER_USEC, s->passes,
			   s->tasks_total, s->tasks_checked,
			   s->tasks_signalled, s->reversals, s->signal_rounds,
			   s->reversed_ns / NSEC_PER_USEC,
			   s->last_signal_ns / NSEC_PER_USEC);
	}
	mutex_unlock(&klp_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klp_transitions);

static int klp_redirect_counters_show(struct seq_file *m, void *v)
{
	mutex_lock(&klp_mutex);
	klp_redirect_show(m);
	mutex_unlock(&klp_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klp_redirect_counters);

static int klp_fast_list_show(struct seq_file *m, void *v)
{
	mutex_lock(&klp_mutex);
	klp_fast_show(m);
	mutex_unlock(&klp_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klp_fast_list);

static int klp_fast_path_get(void *data, u64 *val)
{
	*val = klp_fast_get_enabled();
	return 0;
}

static int klp_fast_path_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	klp_fast_set_enabled(val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(klp_fast_path_fops, klp_fast_path_get,
			 klp_fast_path_set, "%llu\n");

/*
 * The unsigned int knobs.  debugfs_create_u32() would keep the low 32 bits
 * of any 64-bit number written (4294967296 as 0): refuse what does not fit.
 */
static int klp_uint_get(void *data, u64 *val)
{
	*val = READ_ONCE(*(unsigned int *)data);
	return 0;
}

static int klp_uint_set(void *data, u64 val)
{
	if (val > UINT_MAX)
		return -ERANGE;
	WRITE_ONCE(*(unsigned int *)data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(klp_uint_fops, klp_uint_get, klp_uint_set, "%llu\n");

static int klp_shadow_list_show(struct seq_file *m, void *v)
{
	klp_shadow_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klp_shadow_list);

/**
 * klp_debugfs_init() - create /sys/kernel/debug/livepatch
 */
void __init klp_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("livepatch", NULL);

	debugfs_create_file("pending", 0400, dir, NULL, &klp_pending_fops);
	debugfs_create_file("transitions", 0400, dir, NULL,
			    &klp_transitions_fops);
	debugfs_create_file_unsafe("signal_delay_ms", 0600, dir,
				   &klp_signal_delay_ms, &klp_uint_fops);
	debugfs_create_file_unsafe("transition_timeout_ms", 0600, dir,
				   &klp_transition_timeout_ms, &klp_uint_fops);
	debugfs_create_file("shadow", 0400, dir, NULL, &klp_shadow_list_fops);
	debugfs_create_file("redirect", 0400, dir, NULL,
			    &klp_redirect_counters_fops);
	debugfs_create_file("fast", 0400, dir, NULL, &klp_fast_list_fops);
	debugfs_create_file_unsafe("fast_path", 0600, dir, NULL,
				   &klp_fast_path_fops);
	debugfs_create_file_unsafe("fast_settle_ms", 0600, dir,
				   &klp_fast_settle_ms, &klp_uint_fops);
	klp_fault_debugfs_init(dir);
}
