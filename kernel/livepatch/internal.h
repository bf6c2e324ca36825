/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the rooms of kernel/livepatch share.  Calls flow one way:
 *
 *   sysfs.c, debugfs.c          what administrators read and write
 *        |
 *   core.c                      registry and life cycle of patches
 *        |
 *   resolve.c  redirect.c  transition.c  callbacks.c  state.c  shadow.c
 *
 * transition.c reports completion through the callback it was started
 * with instead of calling back into core.c.
 */
#ifndef _KERNEL_LIVEPATCH_INTERNAL_H
#define _KERNEL_LIVEPATCH_INTERNAL_H

#include <linux/livepatch.h>
#include <linux/mutex.h>

struct dentry;
struct seq_file;

/*
 * klp_mutex serializes everything that changes patches: registration,
 * enabling and disabling, transitions (start, completion, reversal, force),
 * module coming and going, and sysfs writes.  It nests outside text_mutex,
 * ftrace's locks and module_mutex; it is never taken from the ftrace
 * handler, the entry code, the idle loop or fork.
 */
extern struct mutex klp_mutex;

/*
 * Patches that are enabled or in transition, oldest first: the position
 * is the patch's stack_order, and the newest patch wins for a function
 * that several patch.  Protected by klp_mutex.
 */
extern struct list_head klp_patches;

#define klp_for_each_patch(patch) \
	list_for_each_entry(patch, &klp_patches, list)

static inline bool klp_is_module(const struct klp_object *obj)
{
	return obj->name;
}

static inline const char *klp_object_name(const struct klp_object *obj)
{
	return obj->name ? obj->name : "vmlinux";
}

static inline bool klp_object_loaded(const struct klp_object *obj)
{
	return !obj->name || obj->mod;
}

static inline const char *klp_patch_name(const struct klp_patch *patch)
{
	return patch->mod->name;
}

/* core.c: what sysfs and debugfs may ask of the registry */
int klp_patch_set_enabled(struct klp_patch *patch, bool enable);
int klp_patch_force(struct klp_patch *patch);
int klp_patch_stack_order(struct klp_patch *patch);
bool klp_patch_in_transition(struct klp_patch *patch);

/* sysfs.c */
int klp_sysfs_init(void);
void klp_sysfs_init_patch(struct klp_patch *patch);
void klp_sysfs_init_object(struct klp_object *obj);
void klp_sysfs_init_func(struct klp_func *func);
int klp_sysfs_add_patch(struct klp_patch *patch);
void klp_sysfs_put_func(struct klp_func *func);
void klp_sysfs_put_object(struct klp_object *obj);
void klp_sysfs_put_patch(struct klp_patch *patch);

/* resolve.c */
int klp_find_symbol(const char *objname, const char *name,
		    unsigned long sympos, unsigned long *addr);
int klp_resolve_object(struct klp_patch *patch, struct klp_object *obj);
int klp_check_relocs(struct klp_patch *patch);
void klp_clear_object_relocs(struct klp_patch *patch, struct klp_object *obj);

/**
 * struct klp_site - one patched ftrace location
 * @ip:		the ftrace location of the old function
 * @hnode:	entry in klp_site_table (RCU)
 * @funcs:	klp_func.stack_node entries, newest first (RCU)
 * @idle_node:	entry on klp_idle_sites while @funcs is empty but ftrace
 *		still has @ip in the filter; else empty
 * @fast:	the site may be a jump to its top function (fast.c); written
 *		under klp_mutex, read by the handler
 */
struct klp_site {
	unsigned long ip;
	struct hlist_node hnode;
	struct list_head funcs;
	struct list_head idle_node;
	bool fast;
};

/* redirect.c */
struct klp_site *klp_site_find(unsigned long ip);
void klp_sites_walk(void (*fn)(struct klp_site *site, void *data),
		    void *data);
int klp_redirect_refresh_jmp(void);
int klp_redirect_objects(struct klp_patch *patch, struct klp_object *only,
			 struct klp_object **failed);
void klp_unredirect_objects(struct klp_patch *patch, struct klp_object *only,
			    bool nops_only);
void klp_redirect_sync(void);
unsigned long klp_func_code(struct klp_func *func, bool below,
			    unsigned long *size);
void klp_redirect_show(struct seq_file *m);

/* fast.c */
struct ftrace_ops;
extern bool klp_fast_missed;
unsigned long klp_fast_target(struct ftrace_ops *ops, unsigned long ip);
void klp_fast_leave(struct klp_patch *patch, struct klp_object *only);
void klp_fast_kick(void);
void klp_fast_set_enabled(unsigned int on);
unsigned int klp_fast_get_enabled(void);
void klp_fast_show(struct seq_file *m);

/* transition.c */
/**
 * struct klp_transition_ops - what a transition reports to its owner
 * @done:	every task reached @target; called under klp_mutex
 * @stalled:	the transition ran past its timeout with tasks still
 *		pending; the owner reverses it (klp_transition_reverse()),
 *		under klp_mutex.  At most once per transition.
 */
struct klp_transition_ops {
	void (*done)(struct klp_patch *patch, int target);
	void (*stalled)(struct klp_patch *patch);
};

extern struct klp_patch *klp_transition_patch;

void klp_transition_init(struct klp_patch *patch, int target,
			 const struct klp_transition_ops *ops);
void klp_transition_start(void);
void klp_transition_try_complete(void);
void klp_transition_cancel(void);
void klp_transition_reverse(void);
void klp_transition_force(void);
void klp_transition_update_ranges(void);
void klp_transition_settle(void);
void klp_transition_end(void);
int klp_transition_target(void);
void klp_transition_show_pending(struct seq_file *m);

/* Wake or fake-signal stuck tasks after this long (debugfs tunable). */
#define KLP_SIGNAL_DELAY_MS_DEFAULT	1000
extern unsigned int klp_signal_delay_ms;
/* Reverse a transition stalled this long, 0: never (debugfs tunable). */
extern unsigned int klp_transition_timeout_ms;
/* Sites take the fast path this long after the last change (debugfs). */
#define KLP_FAST_SETTLE_MS_DEFAULT	1000
extern unsigned int klp_fast_settle_ms;

/**
 * struct klp_transition_stats - what one transition cost
 * @patch:		the patch's name
 * @target:		KLP_TRANSITION_PATCHED or KLP_TRANSITION_UNPATCHED (the
 *			final one, after reversals)
 * @done:		it completed (else it runs, or was replaced by the
 *			next record)
 * @forced:		it was forced
 * @canceled:		enabling failed before any task could switch
 * @reversals:		times it was reversed
 * @timed_out:		it was reversed because it stalled past its timeout
 * @passes:		passes of the transition work over all tasks
 * @tasks_total:	tasks that had to switch
 * @tasks_checked:	stack checks made by the transition work
 * @tasks_signalled:	wake-ups and fake signals sent
 * @signal_rounds:	rounds of wake-ups and fake signals
 * @start_ns:		when it was initialized
 * @duration_ns:	from initialization to completion
 * @reversed_ns:	at the last reversal, since @start_ns (0: none)
 * @last_signal_ns:	at the last signal round, since @start_ns (0: none)
 */
struct klp_transition_stats {
	char patch[MODULE_NAME_LEN];
	int target;
	bool done;
	bool forced;
	bool canceled;
	bool timed_out;
	unsigned int reversals;
	unsigned long passes;
	unsigned long tasks_total;
	unsigned long tasks_checked;
	unsigned long tasks_signalled;
	unsigned long signal_rounds;
	u64 start_ns;
	u64 duration_ns;
	u64 reversed_ns;
	u64 last_signal_ns;
};

/* The last transitions, a ring indexed by klp_stats_next; klp_mutex. */
#define KLP_STATS_HISTORY	8
extern struct klp_transition_stats klp_stats[KLP_STATS_HISTORY];
extern unsigned int klp_stats_next;

/* callbacks.c */
int klp_run_pre_patch(struct klp_object *obj);
void klp_run_post_patch(struct klp_object *obj);
void klp_run_pre_unpatch(struct klp_object *obj);
void klp_run_post_unpatch(struct klp_object *obj);

/* state.c */
bool klp_states_compatible(struct klp_patch *patch);
int klp_states_check(struct klp_patch *patch);

/* shadow.c */
void klp_shadow_module_gone(struct module *mod, bool last_patch);
void klp_shadow_show(struct seq_file *m);

/*
 * The allocations and ftrace calls that a test may make fail, one name
 * each in /sys/kernel/debug/livepatch/fault (fault.c).
 */
enum klp_fault_site {
	KLP_FAULT_NOP_OBJ,		/* core.c: atomic replace */
	KLP_FAULT_NOP_OBJ_NAME,
	KLP_FAULT_NOP_FUNC,
	KLP_FAULT_NOP_FUNC_NAME,
	KLP_FAULT_SYSFS_PATCH,		/* sysfs.c: kobject_add() */
	KLP_FAULT_SYSFS_OBJECT,
	KLP_FAULT_SYSFS_FUNC,
	KLP_FAULT_BATCH_IPS,		/* redirect.c */
	KLP_FAULT_BATCH_FUNCS,
	KLP_FAULT_SITE,
	KLP_FAULT_FILTER_ADD,
	KLP_FAULT_REGISTER,
	KLP_FAULT_FILTER_REMOVE,
	KLP_FAULT_PROBE_FILTER,
	KLP_FAULT_PROBE_REGISTER,
	KLP_FAULT_SYNC,
	KLP_FAULT_RANGES,		/* transition.c */
	KLP_FAULT_SHADOW_DATA,		/* shadow.c */
	KLP_FAULT_SHADOW_OWNER,
	KLP_NR_FAULT_SITES
};

/* fault.c */
#ifdef CONFIG_LIVEPATCH_FAULT_INJECTION
int klp_fault(enum klp_fault_site site);
void klp_fault_debugfs_init(struct dentry *dir);
#else
static inline int klp_fault(enum klp_fault_site site) { return 0; }
static inline void klp_fault_debugfs_init(struct dentry *dir) {}
#endif

/* An allocation that the fault site @site may make fail. */
#define klp_fault_alloc(site, alloc)	(klp_fault(site) ? NULL : (alloc))

/* debugfs.c */
#ifdef CONFIG_DEBUG_FS
void klp_debugfs_init(void);
#else
static inline void klp_debugfs_init(void) {}
#endif

#endif /* _KERNEL_LIVEPATCH_INTERNAL_H */
