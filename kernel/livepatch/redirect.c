// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ftrace side of live patching
 *
 * One ftrace_ops serves every patched function of every patch.  Its filter
 * holds the ftrace location ("site") of each patched function, and a hash
 * table maps a site's address to its stack of klp_funcs, newest first.
 * Enabling or disabling any number of functions is one filter update, one
 * batch of text changes and one wait for in-flight handlers, instead of an
 * ftrace_ops, a trampoline and a tasks-RCU grace period per function.
 *
 * Why sharing is safe:
 *  - Several patches on one function share one site.  Only the top of its
 *    stack decides where a call goes (the next entry too while the top is in
 *    transition, for tasks not yet switched); disabling the top exposes the
 *    entry below without any ftrace change.  A site leaves the filter only
 *    when its stack is empty.
 *  - Other ftrace users (function tracer, kprobes on ftrace, BPF) attach
 *    their own ops to the same location.  ftrace then calls every ops whose
 *    filter matches, in turn, and ours only rewrites the return address
 *    (IPMODIFY): the others still see the original function's entry.
 *    ftrace refuses a second IPMODIFY user of one location, so a conflict
 *    shows up as an error of the batch update, which is rolled back whole.
 *  - The ops is static and stays registered while any site exists, so a
 *    CPU that is still running the handler for a site just removed finds no
 *    entry in the table and lets the original function run.  Sites and
 *    stack entries are freed only after klp_redirect_sync().
 *  - Once a site's transition is over, ftrace may make it a jump to the
 *    new function instead of a call of the handler: see fast.c, and the
 *    calls of klp_fast_leave() before a stack changes here.
 *  - Dropping a location from the filter needs memory (ftrace builds a new
 *    filter).  Without it, the emptied sites stay in the table and in the
 *    filter, "idle": the handler finds no function on them, a function
 *    patched there again takes its site back, and klp_idle_work retries
 *    until ftrace lets them go.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/ftrace.h>
#include <linux/hashtable.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "internal.h"

/* 1024 buckets: one or two sites per bucket for a thousand-function patch */
#define KLP_SITE_HASH_BITS	10

/*
 * Site table and stacks: written under klp_mutex, read by the ftrace
 * handler under its recursion lock (preemption disabled).
 */
static DEFINE_HASHTABLE(klp_site_table, KLP_SITE_HASH_BITS);
static unsigned int klp_nr_sites;	/* sites in the filter, klp_mutex */
static unsigned int klp_nr_sites_allocated;	/* klp_mutex, for debugfs */
static bool klp_ops_registered;		/* klp_mutex */

/* Sites left in the filter for want of memory, klp_mutex: see above. */
static LIST_HEAD(klp_idle_sites);
static unsigned int klp_nr_idle_sites;
/* How often klp_idle_work asks ftrace again. */
#define KLP_IDLE_RETRY_MS	1000

static void klp_idle_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(klp_idle_work, klp_idle_work_fn);

/*
 * notrace: klp_ftrace_handler() calls this, and the handler recurses if
 * anything it reaches can be traced or patched.  All it calls must be
 * notrace or __always_inline; the notrace gate of "make lint" checks it.
 */
static notrace struct klp_site *klp_site_lookup(unsigned long ip)
{
	struct hlist_head *head;
	struct klp_site *site;

	head = &klp_site_table[hash_min(ip, KLP_SITE_HASH_BITS)];
	hlist_for_each_entry_rcu_notrace(site, head, hnode) {
		if (site->ip == ip)
			return site;
	}
	return NULL;
}

static void notrace klp_ftrace_handler(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *ops,
				       struct ftrace_regs *fregs)
{
	struct klp_site *site;
	struct klp_func *func;
	int bit;

	/* Also disables preemption: klp_redirect_sync() waits for that. */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;

	site = klp_site_lookup(ip);
	if (unlikely(!site))
		goto out;
	func = list_first_or_null_rcu(&site->funcs, struct klp_func,
				      stack_node);
	if (unlikely(!func))
		goto out;

	if (unlikely(READ_ONCE(func->transition))) {
		/*
		 * Read the task's state only after seeing the transition
		 * flag.  Pairs with the smp_wmb() in klp_transition_init(),
		 * which sets every task's initial state before it raises
		 * func->transition.  At the other end,
		 * klp_transition_settle() lowers func->transition and waits
		 * for every handler in flight (klp_redirect_sync()) before
		 * tasks go idle, so a handler that saw the flag never reads
		 * KLP_TRANSITION_IDLE.
		 */
		smp_rmb();
		if (READ_ONCE(current->patch_state) == KLP_TRANSITION_UNPATCHED) {
			/* Not switched yet: the code below this patch. */
			func = list_entry_rcu(func->stack_node.next,
					      struct klp_func, stack_node);
			if (&func->stack_node == &site->funcs)
				goto out;
		}
	} else if (unlikely(READ_ONCE(site->fast))) {
		/* The jump of a fast site is gone: let fast.c know. */
		WRITE_ONCE(klp_fast_missed, true);
	}

	/* A no-op entry of an atomic replace runs the original code. */
	if (!func->nop)
		ftrace_regs_set_instruction_pointer(fregs,
						    (unsigned long)func->new_func);
out:
	ftrace_test_recursion_unlock(bit);
}

static struct ftrace_ops klp_ops = {
	.func = klp_ftrace_handler,
	/*
	 * PERMANENT: while any site is registered, ftrace_enabled cannot be
	 * switched off (the patched code would silently stop being used),
	 * and with ftrace_enabled off, registration fails.
	 */
	.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 | FTRACE_OPS_FL_SAVE_REGS
#endif
	,
	.jmp_target = klp_fast_target,
};

/**
 * klp_site_find() - the site of an ftrace location
 * @ip:		the location, or 0
 *
 * Return: the site, or NULL when @ip is not patched.
 */
struct klp_site *klp_site_find(unsigned long ip)
{
	lockdep_assert_held(&klp_mutex);

	return ip ? klp_site_lookup(ip) : NULL;
}

/**
 * klp_sites_walk() - call @fn for every site, idle ones included
 * @fn:		what to call, with the site and @data
 * @data:	passed to @fn
 */
void klp_sites_walk(void (*fn)(struct klp_site *site, void *data),
		    void *data)
{
	struct klp_site *site;
	int bkt;

	lockdep_assert_held(&klp_mutex);

	hash_for_each(klp_site_table, bkt, site, hnode)
		fn(site, data);
}

/**
 * klp_redirect_refresh_jmp() - let ftrace ask klp_fast_target() again
 *
 * Return: 0, or the error of ftrace_ops_refresh_jmp().
 */
int klp_redirect_refresh_jmp(void)
{
	lockdep_assert_held(&klp_mutex);

	if (!klp_ops_registered)
		return 0;
	return ftrace_ops_refresh_jmp(&klp_ops);
}

static void klp_sync_fn(struct work_struct *work)
{
}

static long klp_sync_cpu_fn(void *unused)
{
	return 0;
}

/**
 * klp_redirect_sync() - wait until no CPU runs the handler on an old view
 *
 * The handler runs with preemption disabled, sometimes where RCU is not
 * watching (entry code, idle), so an RCU grace period is not enough: make
 * every CPU schedule instead.  That cannot fail: when there is no memory
 * for schedule_on_each_cpu()'s per-CPU work items, one work item on the
 * stack visits the CPUs in turn (slower, but it allocates nothing).
 */
void klp_redirect_sync(void)
{
	int cpu;

	if (!(klp_fault(KLP_FAULT_SYNC) ?: schedule_on_each_cpu(klp_sync_fn)))
		return;
	pr_debug("no memory for per-CPU work items: visiting the CPUs in turn\n");
	cpus_read_lock();
	for_each_online_cpu(cpu)
		work_on_cpu(cpu, klp_sync_cpu_fn, NULL);
	cpus_read_unlock();
}

/*
 * Entries of one batched update: the locations and, when adding, the
 * function that made each new site, when dropping, the emptied sites.
 */
struct klp_batch {
	unsigned long *ips;
	union {
		struct klp_func **funcs;
		struct klp_site **sites;
	};
	unsigned int nr;
};

static int klp_batch_alloc(struct klp_batch *b, unsigned int max)
{
	b->nr = 0;
	if (!max) {
		b->ips = NULL;
		b->funcs = NULL;
		return 0;
	}
	b->ips = klp_fault_alloc(KLP_FAULT_BATCH_IPS,
				 kvmalloc_array(max, sizeof(*b->ips), GFP_KERNEL));
	b->funcs = klp_fault_alloc(KLP_FAULT_BATCH_FUNCS,
				   kvmalloc_array(max, sizeof(*b->funcs),
						  GFP_KERNEL));
	if (!b->ips || !b->funcs) {
		kvfree(b->ips);
		kvfree(b->funcs);
		return -ENOMEM;
	}
	return 0;
}

static void klp_batch_free(struct klp_batch *b)
{
	kvfree(b->ips);
	kvfree(b->funcs);
}

static bool klp_obj_selected(struct klp_object *obj, struct klp_object *only)
{
	return only ? obj == only : klp_object_loaded(obj);
}

/* Take func off its site's stack; return true when the site emptied. */
static bool klp_site_pop(struct klp_func *func)
{
	struct klp_site *site = func->site;

	/* The stack of a fast site never changes: see fast.c. */
	WARN_ON_ONCE(site->fast);
	list_del_rcu(&func->stack_node);
	func->patched = false;
	return list_empty(&site->funcs);
}

static struct klp_site *klp_site_new(unsigned long ip)
{
	struct klp_site *site;

	site = klp_fault_alloc(KLP_FAULT_SITE,
			       kzalloc(sizeof(*site), GFP_KERNEL));
	if (!site)
		return NULL;
	site->ip = ip;
	INIT_LIST_HEAD(&site->funcs);
	INIT_LIST_HEAD(&site->idle_node);
	klp_nr_sites_allocated++;
	return site;
}

static void klp_site_free(struct klp_site *site)
{
	WARN_ON_ONCE(site->fast);
	klp_nr_sites_allocated--;
	kfree(site);
}

/* Free the sites of a batch; each is still pointed to by its func. */
static void klp_sites_free(struct klp_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++) {
		struct klp_func *func = b->funcs[i];

		klp_site_free(func->site);
		func->site = NULL;
	}
}

/* Apply a batch to the ftrace filter; on error nothing changed. */
static int klp_filter_add(struct klp_batch *b)
{
	int ret;

	if (!b->nr)
		return 0;
	/*
	 * An unregistered ops may keep its last filter (see
	 * klp_sites_drop()): the update before registering starts anew.
	 */
	ret = klp_fault(KLP_FAULT_FILTER_ADD) ?:
	      ftrace_set_filter_ips(&klp_ops, b->ips, b->nr, 0,
				    !klp_ops_registered);
	if (ret)
		return ret;
	if (!klp_ops_registered) {
		ret = klp_fault(KLP_FAULT_REGISTER) ?:
		      register_ftrace_function(&klp_ops);
		if (ret)
			return ret;
		klp_ops_registered = true;
	}
	klp_nr_sites += b->nr;
	return 0;
}

/* @site, emptied, stays in the filter; klp_idle_work tries again. */
static void klp_site_set_idle(struct klp_site *site)
{
	list_add_tail(&site->idle_node, &klp_idle_sites);
	klp_nr_idle_sites++;
	mod_delayed_work(system_wq, &klp_idle_work,
			 msecs_to_jiffies(KLP_IDLE_RETRY_MS));
}

/*
 * Drop a batch of emptied sites (none of them idle) from the filter, the
 * table and memory.  When the idle sites are all that would remain, the
 * ops goes instead, and the idle sites with it.  When ftrace has no
 * memory for the smaller filter, the sites become idle.  Returns after
 * in-flight handlers finished, whatever happened.
 */
static void klp_sites_drop(struct klp_batch *b)
{
	struct klp_site *site, *tmp;
	unsigned int i;
	int ret;

	if (!b->nr) {
		klp_redirect_sync();
		return;
	}
	if (klp_nr_sites == b->nr + klp_nr_idle_sites) {
		/*
		 * An empty filter would mean "every function": go first.
		 * Fails only for an ops that is not registered or when
		 * ftrace is dead.
		 */
		WARN_ON(unregister_ftrace_function(&klp_ops));
		klp_ops_registered = false;
		klp_nr_sites = 0;
		list_for_each_entry(site, &klp_idle_sites, idle_node)
			hash_del_rcu(&site->hnode);
		for (i = 0; i < b->nr; i++)
			hash_del_rcu(&b->sites[i]->hnode);
		klp_redirect_sync();
		list_for_each_entry_safe(site, tmp, &klp_idle_sites, idle_node) {
			list_del(&site->idle_node);
			klp_site_free(site);
		}
		klp_nr_idle_sites = 0;
		for (i = 0; i < b->nr; i++)
			klp_site_free(b->sites[i]);
		return;
	}

	ret = klp_fault(KLP_FAULT_FILTER_REMOVE) ?:
	      ftrace_set_filter_ips(&klp_ops, b->ips, b->nr, 1, 0);
	if (ret) {
		pr_warn("failed to remove ftrace handler for function '%ps' (%d), will retry\n",
			(void *)b->ips[0], ret);
		for (i = 0; i < b->nr; i++)
			klp_site_set_idle(b->sites[i]);
		klp_redirect_sync();
		return;
	}
	klp_nr_sites -= b->nr;
	for (i = 0; i < b->nr; i++)
		hash_del_rcu(&b->sites[i]->hnode);
	klp_redirect_sync();
	for (i = 0; i < b->nr; i++)
		klp_site_free(b->sites[i]);
}

static void klp_idle_work_fn(struct work_struct *work)
{
	struct klp_site *site, *tmp;
	struct klp_batch b;

	mutex_lock(&klp_mutex);
	if (!klp_nr_idle_sites)
		goto unlock;
	if (klp_batch_alloc(&b, klp_nr_idle_sites)) {
		mod_delayed_work(system_wq, &klp_idle_work,
				 msecs_to_jiffies(KLP_IDLE_RETRY_MS));
		goto unlock;
	}
	list_for_each_entry_safe(site, tmp, &klp_idle_sites, idle_node) {
		list_del_init(&site->idle_node);
		b.ips[b.nr] = site->ip;
		b.sites[b.nr++] = site;
	}
	klp_nr_idle_sites = 0;
	klp_sites_drop(&b);
	klp_batch_free(&b);
unlock:
	mutex_unlock(&klp_mutex);
}

static void notrace klp_probe_handler(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
}

/*
 * Probes one location at a time for klp_batch_culprit(): the flags of
 * klp_ops, so ftrace refuses it for the same reasons, and a handler that
 * changes nothing, so live calls never see the probe.
 */
static struct ftrace_ops klp_probe_ops = {
	.func = klp_probe_handler,
	.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 | FTRACE_OPS_FL_SAVE_REGS
#endif
	,
};

/*
 * A batch failed: find the function ftrace refuses, for the log line, by
 * registering klp_probe_ops on each new location alone.  Nothing of the
 * live klp_ops changes.  Returns the first function when no location
 * fails alone (the batch failed for want of memory, say).
 */
static struct klp_func *klp_batch_culprit(struct klp_batch *b, int *err)
{
	struct klp_func *culprit = b->funcs[0];
	unsigned int i;
	int ret;

	for (i = 0; i < b->nr; i++) {
		ret = klp_fault(KLP_FAULT_PROBE_FILTER) ?:
		      ftrace_set_filter_ips(&klp_probe_ops, &b->ips[i], 1, 0, 1);
		if (!ret) {
			ret = klp_fault(KLP_FAULT_PROBE_REGISTER) ?:
			      register_ftrace_function(&klp_probe_ops);
			if (!ret)
				WARN_ON(unregister_ftrace_function(&klp_probe_ops));
		}
		if (ret) {
			*err = ret;
			culprit = b->funcs[i];
			break;
		}
	}
	/* Its filter may keep the last location: each probe resets it. */
	return culprit;
}

static struct klp_object *klp_func_object(struct klp_patch *patch,
					  struct klp_func *target)
{
	struct klp_object *obj;
	struct klp_func *func;

	klp_for_each_object(patch, obj)
		klp_for_each_func(obj, func)
			if (func == target)
				return obj;
	return NULL;
}

/**
 * klp_redirect_objects() - put a patch's functions on their sites
 * @patch:	the patch
 * @only:	one object of the patch, or NULL for every loaded object
 * @failed:	on error, the object whose function ftrace refused
 *
 * Pushes every function of the selected objects on top of its site's
 * stack and adds the new sites to the ftrace filter in one update.  On
 * error the stacks and the filter are as they were.
 *
 * Return: 0 or a negative errno.
 */
int klp_redirect_objects(struct klp_patch *patch, struct klp_object *only,
			 struct klp_object **failed)
{
	struct klp_batch batch;
	struct klp_object *obj;
	struct klp_func *func, *culprit;
	unsigned int max = 0;
	int ret;

	lockdep_assert_held(&klp_mutex);

	klp_for_each_object(patch, obj) {
		if (!klp_obj_selected(obj, only) || obj->patched)
			continue;
		klp_for_each_func(obj, func)
			max++;
	}
	ret = klp_batch_alloc(&batch, max);
	if (ret) {
		pr_err("'%s': no memory for a batch of %u functions\n",
		       klp_patch_name(patch), max);
		return ret;
	}
	/* Existing sites get a new top: no jump may skip it. */
	klp_fast_leave(patch, only);

	klp_for_each_object(patch, obj) {
		if (!klp_obj_selected(obj, only) || obj->patched)
			continue;
		klp_for_each_func(obj, func) {
			unsigned long ip = ftrace_location((unsigned long)func->old_func);
			struct klp_site *site = ip ? klp_site_lookup(ip) : NULL;

			if (WARN_ON_ONCE(!ip || func->patched)) {
				ret = -EINVAL;
				goto undo;
			}
			if (!site) {
				site = klp_site_new(ip);
				if (!site) {
					pr_err("'%s': no memory to redirect function '%s' of object '%s'\n",
					       klp_patch_name(patch), func->old_name,
					       klp_object_name(obj));
					if (failed)
						*failed = obj;
					ret = -ENOMEM;
					goto undo;
				}
				hash_add_rcu(klp_site_table, &site->hnode, ip);
				batch.ips[batch.nr] = ip;
				batch.funcs[batch.nr++] = func;
			}
			func->site = site;
			WARN_ON_ONCE(site->fast);	/* see fast.c */
			list_add_rcu(&func->stack_node, &site->funcs);
			func->patched = true;
		}
	}

	ret = klp_filter_add(&batch);
	if (ret) {
		culprit = klp_batch_culprit(&batch, &ret);
		pr_err("failed to register ftrace handler for function '%s' (%d)\n",
		       culprit->old_name, ret);
		if (failed)
			*failed = klp_func_object(patch, culprit);
		goto undo;
	}

	klp_for_each_object(patch, obj) {
		if (!klp_obj_selected(obj, only) || obj->patched)
			continue;
		/* Idle sites that got a function are busy again. */
		klp_for_each_func(obj, func) {
			if (!list_empty(&func->site->idle_node)) {
				list_del_init(&func->site->idle_node);
				klp_nr_idle_sites--;
			}
		}
		WRITE_ONCE(obj->patched, true);	/* read by sysfs */
	}
	klp_batch_free(&batch);
	klp_fast_kick();
	return 0;

undo:
	klp_for_each_object(patch, obj) {
		if (!klp_obj_selected(obj, only) || obj->patched)
			continue;
		klp_for_each_func(obj, func) {
			/* An idle site stays idle, a new one goes. */
			if (func->patched && klp_site_pop(func) &&
			    list_empty(&func->site->idle_node))
				hash_del_rcu(&func->site->hnode);
		}
	}
	klp_redirect_sync();
	/*
	 * The batch frees the sites it made through the functions that made
	 * them; only then may every function forget its site (two functions
	 * of one batch may share a new site: aliases of one address).
	 */
	klp_sites_free(&batch);
	klp_for_each_object(patch, obj) {
		if (!klp_obj_selected(obj, only) || obj->patched)
			continue;
		klp_for_each_func(obj, func)
			func->site = NULL;
	}
	klp_batch_free(&batch);
	klp_fast_kick();
	return ret;
}

/**
 * klp_unredirect_objects() - take a patch's functions off their sites
 * @patch:	the patch
 * @only:	one object of the patch, or NULL for all of its objects
 * @nops_only:	only the no-op entries of an atomic replace
 *
 * Sites whose stack empties leave the ftrace filter in one update (or
 * stay idle, see klp_sites_drop()), and the call returns after in-flight
 * handlers finished, so the caller may free what it removed.
 */
void klp_unredirect_objects(struct klp_patch *patch, struct klp_object *only,
			    bool nops_only)
{
	struct klp_batch batch;
	struct klp_object *obj;
	struct klp_func *func;
	unsigned int max = 0;

	lockdep_assert_held(&klp_mutex);

	klp_for_each_object(patch, obj) {
		if (only && obj != only)
			continue;
		klp_for_each_func(obj, func)
			max += func->patched;
	}
	/* No jump may go to a function popped below. */
	if (max) {
		klp_fast_leave(patch, only);
		klp_fast_kick();
	}
	if (!max) {
		klp_for_each_object(patch, obj)
			if (!nops_only && (!only || obj == only))
				WRITE_ONCE(obj->patched, false);
		return;
	}
	/* Without memory, ftrace gets one location per update. */
	if (klp_batch_alloc(&batch, max))
		batch.ips = NULL;

	klp_for_each_object(patch, obj) {
		if (only && obj != only)
			continue;
		klp_for_each_func(obj, func) {
			struct klp_site *site = func->site;
			bool emptied;

			if (!func->patched || (nops_only && !func->nop))
				continue;
			emptied = klp_site_pop(func);
			func->site = NULL;
			if (!emptied)
				continue;
			if (batch.ips) {
				batch.ips[batch.nr] = site->ip;
				batch.sites[batch.nr++] = site;
			} else {
				struct klp_batch one = {
					.ips = &site->ip, .sites = &site, .nr = 1,
				};

				klp_sites_drop(&one);
			}
		}
		if (!nops_only)
			WRITE_ONCE(obj->patched, false);
	}
	if (!batch.ips) {
		/* Functions popped from sites that stay. */
		klp_redirect_sync();
		return;
	}
	klp_sites_drop(&batch);
	klp_batch_free(&batch);
}

/**
 * klp_func_code() - the code a task runs for a patched function
 * @func:	a function on its site's stack
 * @below:	the code of the entry below @func (what unswitched tasks run
 *		while @func's patch is being enabled) instead of @func's own
 * @size:	returns the size of that code
 *
 * Return: its start address.
 */
unsigned long klp_func_code(struct klp_func *func, bool below,
			    unsigned long *size)
{
	lockdep_assert_held(&klp_mutex);

	if (below) {
		struct klp_site *site = func->site;

		if (list_is_last(&func->stack_node, &site->funcs)) {
			*size = func->old_size;
			return (unsigned long)func->old_func;
		}
		func = list_next_entry(func, stack_node);
	}
	if (func->nop) {
		*size = func->old_size;
		return (unsigned long)func->old_func;
	}
	*size = func->new_size;
	return (unsigned long)func->new_func;
}

/**
 * klp_redirect_show() - the redirection counters, for debugfs
 * @m:		the seq_file to print to
 *
 * "sites=<in the ftrace filter> sites_allocated=<allocated>": both are 0
 * when no patch is enabled, and equal between updates.
 */
void klp_redirect_show(struct seq_file *m)
{
	lockdep_assert_held(&klp_mutex);

	seq_printf(m, "sites=%u sites_allocated=%u\n", klp_nr_sites,
		   klp_nr_sites_allocated);
}
