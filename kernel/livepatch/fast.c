// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fast path: a patched function as cheap as a direct call
 *
 * While a function is in transition, each call must ask which code the
 * calling task may run, and klp_ftrace_handler() answers.  Once the
 * transition is over, the answer is the same for every task: the new
 * function at the top of its site's stack.  The site may then become a
 * jump straight to it ("jmp new_func" where the fentry call was): a call
 * of the old function costs one jump more than a call of the new one.
 * ftrace makes the jump (ftrace_ops_refresh_jmp()) only while klp_ops is
 * the only user of the site, asking klp_fast_target() for the target.
 *
 * A site is "fast" (site->fast) when livepatch allows the jump: its top
 * function is not in transition and is not a no-op entry.  The rule that
 * makes it correct:
 *
 *   The stack of a fast site never changes.  Before a site's stack
 *   changes (a function pushed or popped) or its top goes into
 *   transition, the site leaves the fast path, and ftrace has rewritten
 *   the jump back into a call of its trampoline before the change.
 *
 * So whenever a site is a jump, the jump goes where klp_ftrace_handler()
 * would send every task.  klp_fast_leave() is called by redirect.c before
 * it pushes or pops, and by klp_transition_start() before any task can
 * need a decision of its own; going back to calls needs no memory in
 * ftrace, so it cannot fail.  Many sites leave in one ftrace update: a
 * 1000-function patch still enables and disables in a constant number of
 * updates.  Sites enter the fast path in the background (klp_fast_work),
 * once nothing changed for klp_fast_settle_ms after a transition
 * completed or a module came or went, again in one update.
 *
 * Why the rest stays correct:
 *  - Stack reliability: a jump at the fentry site leaves no frame of the
 *    old function; a task interrupted on the jump itself has the stack of
 *    a task entering the old function.  Either way the stack checks of a
 *    later transition see exactly the code the task runs: the new
 *    function, or the entry of the old one, as without the fast path.
 *  - Tracers, kprobes on ftrace, BPF trampolines: their ftrace_ops
 *    attaching to the site makes ftrace take the jump away in the same
 *    update (a site with two users is never a jump), and our handler runs
 *    again.  When they leave, the handler sees a fast site called through
 *    it and notes the miss (klp_fast_missed); the poll of klp_fast_work,
 *    every KLP_FAST_POLL_MS while any site is fast (a deferrable timer:
 *    an idle machine is not woken for it), asks ftrace to make the jumps
 *    again.  Changing klp_ops' filter (another patch adding
 *    sites) also takes all jumps away; they come back the same way.
 *  - CPU hotplug: ftrace rewrites the text for every CPU, online or not;
 *    nothing is per CPU here.
 *  - Module going: the going module's sites leave the fast path before
 *    their functions are popped (klp_unredirect_objects()), while the
 *    module's text is still there.
 *  - Replace and disable: their transitions start by making every site
 *    of the patch slow; the sites of a replace patch cover every function
 *    of the patches it replaces, and the no-op entries never jump.
 *  - Reversal and force happen inside a transition, whose sites are
 *    already slow and stay so until it completes (func->transition).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>
#include "internal.h"

/* 1: sites may take the fast path (debugfs "fast_path"), klp_mutex. */
static unsigned int klp_fast_enabled = 1;

/*
 * A call of a fast site went through the handler: the jump is gone
 * (another ftrace user came, maybe left).  Set by the handler, cleared by
 * klp_fast_work.
 */
bool klp_fast_missed;

/* Counters for debugfs, klp_mutex. */
static unsigned int klp_nr_fast;	/* sites fast now */
static unsigned long klp_fast_entered;	/* times a site became fast */
static unsigned long klp_fast_left;	/* times a site stopped being fast */
static unsigned long klp_fast_refreshes;	/* ftrace refreshes asked */

/* The whole table must be looked at again (klp_mutex). */
static bool klp_fast_rescan;

/*
 * How often a fast site's jump is checked for, while any site is fast.
 * The timer is deferrable: an idle CPU is not woken for the poll, which
 * has nothing to do unless a call went through the handler meanwhile.
 */
#define KLP_FAST_POLL_MS	1000

/*
 * How long the sites wait, after the last change, before they take the
 * fast path (debugfs "fast_settle_ms").  Operations come in bursts: a
 * replace right after an enable, a script or a test disabling what it
 * just enabled.  Every jump made and taken away again within such a
 * burst costs two text updates of every site of the patch (one of them
 * on the way of the next operation) and saves nothing; calls through the
 * handler for one more second cost nothing comparable.
 */
unsigned int klp_fast_settle_ms = KLP_FAST_SETTLE_MS_DEFAULT;

static void klp_fast_work_fn(struct work_struct *work);
static DECLARE_DEFERRABLE_WORK(klp_fast_work, klp_fast_work_fn);

/*
 * The top of @site's stack when every task runs it, or NULL.  Under
 * klp_mutex: the stack cannot change.
 */
static struct klp_func *klp_fast_func(struct klp_site *site)
{
	struct klp_func *func;

	func = list_first_entry_or_null(&site->funcs, struct klp_func,
					stack_node);
	if (!func || func->nop || READ_ONCE(func->transition))
		return NULL;
	return func;
}

/**
 * klp_fast_target() - where the site of @ip may jump, for ftrace
 * @ops:	klp_ops
 * @ip:		an ftrace location in klp_ops' filter
 *
 * Called by ftrace_ops_refresh_jmp() under ftrace_lock, itself called
 * under klp_mutex (klp_fast_refresh()).
 *
 * Return: the new function of a fast site, else 0 (a call of the handler).
 */
unsigned long klp_fast_target(struct ftrace_ops *ops, unsigned long ip)
{
	struct klp_site *site;
	struct klp_func *func;

	lockdep_assert_held(&klp_mutex);

	site = klp_site_find(ip);
	if (!site || !site->fast)
		return 0;
	func = klp_fast_func(site);
	if (WARN_ON_ONCE(!func))
		return 0;
	return (unsigned long)func->new_func;
}

static int klp_fast_refresh(void)
{
	lockdep_assert_held(&klp_mutex);

	klp_fast_refreshes++;
	return klp_redirect_refresh_jmp();
}

static void klp_site_set_fast(struct klp_site *site, bool fast)
{
	if (site->fast == fast)
		return;
	/* Read by the handler, to notice a missing jump. */
	WRITE_ONCE(site->fast, fast);
	if (fast) {
		klp_nr_fast++;
		klp_fast_entered++;
	} else {
		klp_nr_fast--;
		klp_fast_left++;
	}
}

/**
 * klp_fast_leave() - make sites calls of the handler before they change
 * @patch:	the patch whose functions' sites change
 * @only:	one object of @patch, or NULL for every loaded object
 *
 * For a function already on its site, or about to be pushed on an
 * existing site.  One ftrace update for all of them, and none when no
 * site was fast.  Returns when no CPU can take the jumps any more.
 */
void klp_fast_leave(struct klp_patch *patch, struct klp_object *only)
{
	struct klp_object *obj;
	struct klp_func *func;
	struct klp_site *site;
	unsigned long ip;
	bool any = false;
	int ret;

	lockdep_assert_held(&klp_mutex);
	if (!klp_nr_fast)
		return;

	klp_for_each_object(patch, obj) {
		if (only ? obj != only : !klp_object_loaded(obj))
			continue;
		klp_for_each_func(obj, func) {
			site = func->site;
			if (!site && func->old_func) {
				ip = (unsigned long)func->old_func;
				site = klp_site_find(ftrace_location(ip));
			}
			if (site && site->fast) {
				klp_site_set_fast(site, false);
				any = true;
			}
		}
	}
	if (!any)
		return;
	/* Going back to calls needs no memory: only a dead ftrace fails. */
	ret = klp_fast_refresh();
	if (ret)
		pr_warn("'%s': ftrace could not take its jumps away (%d)\n",
			klp_patch_name(patch), ret);
	klp_fast_rescan = true;
}

/*
 * Decide one site in a rescan; *@changed is set when it changed.  Without
 * CONFIG_DYNAMIC_FTRACE_JMP (architectures other than x86-64), ftrace
 * cannot make jumps: no site is ever fast there.
 */
static void klp_fast_decide(struct klp_site *site, void *changed)
{
	bool fast = IS_ENABLED(CONFIG_DYNAMIC_FTRACE_JMP) &&
		    READ_ONCE(klp_fast_enabled) && klp_fast_func(site);

	if (fast != site->fast) {
		klp_site_set_fast(site, fast);
		*(bool *)changed = true;
	}
}

static void klp_fast_work_fn(struct work_struct *work)
{
	bool changed = false;

	mutex_lock(&klp_mutex);
	if (klp_fast_rescan) {
		klp_fast_rescan = false;
		klp_sites_walk(klp_fast_decide, &changed);
	}
	if (READ_ONCE(klp_fast_missed) && klp_nr_fast) {
		WRITE_ONCE(klp_fast_missed, false);
		changed = true;
	}
	if (changed && klp_fast_refresh()) {
		/* No memory for the new jumps: the next poll retries. */
		WRITE_ONCE(klp_fast_missed, true);
	}
	if (klp_nr_fast)
		mod_delayed_work(system_wq, &klp_fast_work,
				 msecs_to_jiffies(KLP_FAST_POLL_MS));
	mutex_unlock(&klp_mutex);
}

/**
 * klp_fast_kick() - let sites take the fast path once things settle
 *
 * After a transition completed or the sites changed: klp_fast_work looks
 * at every site again, in the background, when nothing else changed for
 * klp_fast_settle_ms (each kick starts the wait over).
 */
void klp_fast_kick(void)
{
	lockdep_assert_held(&klp_mutex);

	klp_fast_rescan = true;
	mod_delayed_work(system_wq, &klp_fast_work,
			 msecs_to_jiffies(READ_ONCE(klp_fast_settle_ms)));
}

/**
 * klp_fast_set_enabled() - the debugfs "fast_path" knob
 * @on:		0: every site calls the handler; 1: the fast path is allowed
 *
 * Takes effect at once, in both directions: an administrator turning the
 * fast path off or on wants to see it done when the write returns.
 */
void klp_fast_set_enabled(unsigned int on)
{
	mutex_lock(&klp_mutex);
	WRITE_ONCE(klp_fast_enabled, !!on);
	klp_fast_rescan = true;
	mod_delayed_work(system_wq, &klp_fast_work, 0);
	mutex_unlock(&klp_mutex);
	flush_delayed_work(&klp_fast_work);
}

/**
 * klp_fast_get_enabled() - the debugfs "fast_path" knob
 *
 * Return: 1 when sites may take the fast path.
 */
unsigned int klp_fast_get_enabled(void)
{
	return READ_ONCE(klp_fast_enabled);
}

static void klp_fast_show_site(struct klp_site *site, void *m)
{
	struct klp_func *func;

	if (!site->fast)
		return;
	func = klp_fast_func(site);
	seq_printf(m, "%ps -> %ps\n", (void *)site->ip,
		   func ? func->new_func : NULL);
}

/**
 * klp_fast_show() - the fast path, for debugfs
 * @m:		the seq_file to print to
 *
 * "fast=<sites fast now> entered=<times> left=<times> refreshes=<ftrace
 * refreshes>", then one line per fast site: "<old> -> <new>".
 */
void klp_fast_show(struct seq_file *m)
{
	lockdep_assert_held(&klp_mutex);

	seq_printf(m, "fast=%u entered=%lu left=%lu refreshes=%lu\n",
		   klp_nr_fast, klp_fast_entered, klp_fast_left,
		   klp_fast_refreshes);
	klp_sites_walk(klp_fast_show_site, m);
}
