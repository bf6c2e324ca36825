/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scheduler hooks of kernel live patching.
 *
 * A CPU-bound task that never returns to user space and never sleeps still
 * has to move to the new patch state.  It does so from cond_resched(): with
 * PREEMPT_DYNAMIC static calls (x86) the scheduler redirects it to
 * __klp_sched_try_switch() while a transition runs; otherwise a static key
 * guards the call below, exported: cond_resched() inlines it in modules.
 */
#ifndef _LINUX_LIVEPATCH_SCHED_H_
#define _LINUX_LIVEPATCH_SCHED_H_

#include <linux/jump_label.h>
#include <linux/static_call_types.h>

#ifndef CONFIG_LIVEPATCH
static inline void __klp_sched_try_switch(void) {}
static inline void klp_sched_try_switch(void) {}
#else
void __klp_sched_try_switch(void);

/* Unless the PREEMPT_DYNAMIC static call does it: the key and its test. */
#if !(defined(CONFIG_PREEMPT_DYNAMIC) && defined(CONFIG_HAVE_PREEMPT_DYNAMIC_CALL))
DECLARE_STATIC_KEY_FALSE(klp_sched_try_switch_key);

/**
 * klp_sched_try_switch() - let a task in cond_resched() change patch state
 *
 * Costs one patched-out jump unless a transition is in progress.
 */
static __always_inline void klp_sched_try_switch(void)
{
	if (static_branch_unlikely(&klp_sched_try_switch_key))
		__klp_sched_try_switch();
}
#endif
#endif /* CONFIG_LIVEPATCH */

#endif /* _LINUX_LIVEPATCH_SCHED_H_ */
