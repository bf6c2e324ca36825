// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The registry of live patches and their life cycle
 *
 * A patch's life, and who moves it:
 *
 *   klp_enable_patch()   checked, resolved, shown in sysfs, on klp_patches
 *        |               pre_patch callbacks, functions redirected
 *        v
 *   patching transition  (transition.c; reversible through sysfs)
 *        |               post_patch callbacks
 *        v
 *   enabled  --- "0" > enabled --->  unpatching transition
 *        |                                  | post_unpatch callbacks,
 *        | replaced by a newer                v functions restored
 *        | cumulative patch            freed: off klp_patches, sysfs
 *        +-------------------------->  directory removed, module put
 *
 * Module objects follow their module: klp_module_coming() patches a module
 * for every patch that has an object for it, klp_module_going() unpatches.
 * See Documentation/livepatch/livepatch.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "internal.h"

/* The one lock of the subsystem: what it protects is in internal.h. */
DEFINE_MUTEX(klp_mutex);
LIST_HEAD(klp_patches);

static bool klp_initialized;

/* The patch inside klp_enable_patch(), which frees it on failure itself. */
static struct klp_patch *klp_enabling;

/* Livepatch modules that came and did not go yet, klp_mutex. */
static unsigned int klp_nr_lp_modules;

/* Two functions of one object name the same symbol. */
static bool klp_same_func(struct klp_func *a, struct klp_func *b)
{
	return !strcmp(a->old_name, b->old_name) &&
	       (a->old_sympos ? a->old_sympos : 1) ==
	       (b->old_sympos ? b->old_sympos : 1);
}

static struct klp_object *klp_find_object(struct klp_patch *patch,
					  const char *name)
{
	struct klp_object *obj;

	klp_for_each_object(patch, obj)
		if (!strcmp(klp_object_name(obj), name))
			return obj;
	return NULL;
}

static struct klp_func *klp_find_func(struct klp_object *obj,
				      struct klp_func *like)
{
	struct klp_func *func;

	klp_for_each_func(obj, func)
		if (klp_same_func(func, like))
			return func;
	return NULL;
}

/* Check what the author wrote, before anything is allocated. */
static int klp_check_patch(struct klp_patch *patch)
{
	const char *pname = klp_patch_name(patch);
	struct klp_object *obj, *o2;
	struct klp_func *func, *f2;
	struct klp_patch *other;

	klp_for_each_patch(other) {
		if (other == patch || other->mod == patch->mod) {
			pr_err("'%s': patch is already registered\n", pname);
			return -EBUSY;
		}
	}
	if (patch->kobj.state_initialized) {
		pr_err("'%s': patch was registered before\n", pname);
		return -EINVAL;
	}

	klp_for_each_object_static(patch, obj) {
		const char *oname = klp_object_name(obj);

		if (!obj->funcs) {
			pr_err("'%s': object '%s' has no functions\n",
			       pname, oname);
			return -EINVAL;
		}
		if (obj->name && (!obj->name[0] ||
				  strlen(obj->name) >= MODULE_NAME_LEN ||
				  !strcmp(obj->name, "vmlinux"))) {
			pr_err("'%s': object name '%.*s' is not a module name\n",
			       pname, (int)MODULE_NAME_LEN, obj->name);
			return -EINVAL;
		}
		for (o2 = patch->objs; o2 != obj; o2++) {
			if (!strcmp(klp_object_name(o2), oname)) {
				pr_err("'%s': object '%s' appears twice\n",
				       pname, oname);
				return -EINVAL;
			}
		}
		klp_for_each_func_static(obj, func) {
			if (!func->old_name || !func->new_func) {
				pr_err("'%s': object '%s': function '%s' lacks %s\n",
				       pname, oname,
				       func->old_name ? func->old_name : "(null)",
				       func->old_name ? "new_func" : "old_name");
				return -EINVAL;
			}
			if (strnlen(func->old_name, KSYM_NAME_LEN) >=
			    KSYM_NAME_LEN) {
				pr_err("'%s': object '%s': function name '%.32s...' is too long\n",
				       pname, oname, func->old_name);
				return -EINVAL;
			}
			for (f2 = obj->funcs; f2 != func; f2++) {
				if (klp_same_func(f2, func)) {
					pr_err("'%s': object '%s': function '%s,%lu' appears twice\n",
					       pname, oname, func->old_name,
					       func->old_sympos ? func->old_sympos : 1);
					return -EINVAL;
				}
			}
		}
	}
	/*
	 * A patch without objects is valid: replacing, it reverts every
	 * earlier patch (possibly carrying only states); else it is a no-op.
	 */
	return klp_states_check(patch);
}

/* Put @obj on @patch's list, with an empty list of its own functions. */
static void klp_link_object(struct klp_patch *patch, struct klp_object *obj)
{
	list_add_tail(&obj->node, &patch->obj_list);
	INIT_LIST_HEAD(&obj->func_list);
	klp_sysfs_init_object(obj);
}

/* Put @func on @obj's list; it is on no site's stack yet. */
static void klp_link_func(struct klp_object *obj, struct klp_func *func)
{
	list_add_tail(&func->node, &obj->func_list);
	INIT_LIST_HEAD(&func->stack_node);
	klp_sysfs_init_func(func);
}

static void klp_free_patch_work(struct work_struct *work);

/* Link the author's arrays into lists; cannot fail. */
static void klp_link_patch(struct klp_patch *patch)
{
	struct klp_object *obj;
	struct klp_func *func;

	klp_sysfs_init_patch(patch);
	INIT_WORK(&patch->free_work, klp_free_patch_work);
	INIT_LIST_HEAD(&patch->obj_list);
	INIT_LIST_HEAD(&patch->list);
	patch->enabled = false;
	patch->forced = false;
	patch->timeout_ms = -1;

	klp_for_each_object_static(patch, obj) {
		obj->mod = NULL;
		obj->dynamic = false;
		obj->patched = false;
		obj->callbacks.post_unpatch_enabled = false;
		obj->post_patch_ran = false;
		klp_link_object(patch, obj);
		klp_for_each_func_static(obj, func) {
			func->nop = false;
			func->patched = false;
			func->transition = false;
			klp_link_func(obj, func);
		}
	}
}

/* A no-op object of a replace patch, for the same object of @old_obj. */
static struct klp_object *klp_alloc_nop_object(struct klp_object *old_obj)
{
	struct klp_object *obj;

	obj = klp_fault_alloc(KLP_FAULT_NOP_OBJ,
			      kzalloc(sizeof(*obj), GFP_KERNEL));
	if (!obj)
		return NULL;
	if (old_obj->name) {
		obj->name = klp_fault_alloc(KLP_FAULT_NOP_OBJ_NAME,
					    kstrdup(old_obj->name, GFP_KERNEL));
		if (!obj->name) {
			kfree(obj);
			return NULL;
		}
	}
	obj->dynamic = true;
	return obj;
}

/* A no-op function of a replace patch, for the same symbol as @old_func. */
static struct klp_func *klp_alloc_nop_func(struct klp_func *old_func)
{
	struct klp_func *func;

	func = klp_fault_alloc(KLP_FAULT_NOP_FUNC,
			       kzalloc(sizeof(*func), GFP_KERNEL));
	if (!func)
		return NULL;
	func->old_name = klp_fault_alloc(KLP_FAULT_NOP_FUNC_NAME,
					 kstrdup(old_func->old_name,
						 GFP_KERNEL));
	if (!func->old_name) {
		kfree(func);
		return NULL;
	}
	func->old_sympos = old_func->old_sympos;
	func->nop = true;
	return func;
}

/*
 * Atomic replace: give @patch a no-op entry for every function that an
 * enabled patch changes and @patch does not, so that it returns to the
 * original code when @patch takes over.
 */
static int klp_add_nops(struct klp_patch *patch)
{
	struct klp_object *old_obj, *obj;
	struct klp_func *old_func, *func;
	struct klp_patch *old;

	klp_for_each_patch(old) {
		klp_for_each_object(old, old_obj) {
			obj = klp_find_object(patch, klp_object_name(old_obj));
			if (!obj) {
				obj = klp_alloc_nop_object(old_obj);
				if (!obj) {
					pr_err("'%s': no memory to replace object '%s'\n",
					       klp_patch_name(patch),
					       klp_object_name(old_obj));
					return -ENOMEM;
				}
				klp_link_object(patch, obj);
			}
			klp_for_each_func(old_obj, old_func) {
				if (klp_find_func(obj, old_func))
					continue;
				func = klp_alloc_nop_func(old_func);
				if (!func) {
					pr_err("'%s': no memory to replace function '%s' of object '%s'\n",
					       klp_patch_name(patch),
					       old_func->old_name,
					       klp_object_name(old_obj));
					return -ENOMEM;
				}
				klp_link_func(obj, func);
			}
		}
	}
	return 0;
}

/* Attach a module object to its module, if that module is live. */
static void klp_find_object_module(struct klp_object *obj)
{
	struct module *mod = NULL;

	lockdep_assert_held(&klp_mutex);

	if (klp_is_module(obj)) {
		/*
		 * find_module() may hand back a module on its way to being
		 * freed, whose fields may be read only while preemption is
		 * off (free_module() waits for RCU-sched readers).  A
		 * module with klp_alive set cannot be freed before
		 * klp_module_going(), which needs the klp_mutex we hold.
		 */
		preempt_disable();
		mod = find_module(obj->name);
		if (mod && !mod->klp_alive)
			mod = NULL;
		preempt_enable();
	}
	obj->mod = mod;
}

/* Free the no-op entries (and their dynamic objects) after a replace. */
static void klp_free_nops(struct klp_patch *patch)
{
	struct klp_object *obj, *tobj;
	struct klp_func *func, *tfunc;

	klp_for_each_object_safe(patch, obj, tobj) {
		klp_for_each_func_safe(obj, func, tfunc) {
			if (!func->nop)
				continue;
			list_del(&func->node);
			klp_sysfs_put_func(func);
		}
		if (obj->dynamic) {
			list_del(&obj->node);
			klp_sysfs_put_object(obj);
		}
	}
}

/* First half of freeing, under klp_mutex: off the list, parts released. */
static void klp_free_patch_start(struct klp_patch *patch)
{
	struct klp_object *obj, *tobj;
	struct klp_func *func, *tfunc;

	lockdep_assert_held(&klp_mutex);

	list_del_init(&patch->list);
	klp_for_each_object_safe(patch, obj, tobj) {
		klp_for_each_func_safe(obj, func, tfunc) {
			list_del(&func->node);
			klp_sysfs_put_func(func);
		}
		list_del(&obj->node);
		klp_sysfs_put_object(obj);
	}
}

/* Second half, without klp_mutex: the directory goes, the module is free. */
static void klp_free_patch_finish(struct klp_patch *patch)
{
	klp_sysfs_put_patch(patch);
	wait_for_completion(&patch->finish);
	/* After a forced transition its code may still run: keep it. */
	if (!patch->forced)
		module_put(patch->mod);
}

static void klp_free_patch_work(struct work_struct *work)
{
	klp_free_patch_finish(container_of(work, struct klp_patch, free_work));
}

static void klp_free_patch_async(struct klp_patch *patch)
{
	klp_free_patch_start(patch);
	schedule_work(&patch->free_work);
}

/* transition.c calls this when every task reached @target. */
static void klp_transition_finished(struct klp_patch *patch, int target)
{
	struct klp_patch *old, *tmp;
	struct klp_object *obj;

	lockdep_assert_held(&klp_mutex);

	if (target == KLP_TRANSITION_PATCHED && patch->replace) {
		/*
		 * A cumulative patch replaces the patches older than itself,
		 * never newer ones: those were stacked on it while a reversal
		 * was pending.  Replaced patches leave silently, without
		 * unpatch callbacks.
		 */
		klp_for_each_patch(old) {
			if (old == patch)
				break;
			klp_unredirect_objects(old, NULL, false);
			WRITE_ONCE(old->enabled, false);
		}
		klp_unredirect_objects(patch, NULL, true);
	} else if (target == KLP_TRANSITION_UNPATCHED) {
		klp_unredirect_objects(patch, NULL, false);
	}

	klp_transition_settle();

	klp_for_each_object(patch, obj) {
		if (!klp_object_loaded(obj))
			continue;
		if (target == KLP_TRANSITION_PATCHED)
			klp_run_post_patch(obj);
		else
			klp_run_post_unpatch(obj);
	}
	pr_notice("'%s': %s complete\n", klp_patch_name(patch),
		  target == KLP_TRANSITION_PATCHED ? "patching" : "unpatching");

	klp_transition_end();

	if (target == KLP_TRANSITION_PATCHED && patch->replace) {
		list_for_each_entry_safe(old, tmp, &klp_patches, list) {
			if (old == patch)
				break;
			klp_free_patch_async(old);
		}
		klp_free_nops(patch);
	} else if (target == KLP_TRANSITION_UNPATCHED &&
		   patch != klp_enabling) {
		klp_free_patch_async(patch);
	}
}

/*
 * transition.c calls this when a transition of @patch stalled past its
 * timeout: it goes back where it came from, as if the administrator
 * wrote the opposite value to "enabled".
 */
static void klp_transition_stalled(struct klp_patch *patch)
{
	lockdep_assert_held(&klp_mutex);

	klp_transition_reverse();
	WRITE_ONCE(patch->enabled, !patch->enabled);
}

static const struct klp_transition_ops klp_transition_ops = {
	.done = klp_transition_finished,
	.stalled = klp_transition_stalled,
};

static int __klp_enable_patch(struct klp_patch *patch)
{
	struct klp_object *obj, *failed = NULL;
	int ret;

	lockdep_assert_held(&klp_mutex);
	if (klp_transition_patch)
		return -EBUSY;

	pr_notice("enabling patch '%s'\n", klp_patch_name(patch));
	klp_transition_init(patch, KLP_TRANSITION_PATCHED, &klp_transition_ops);

	klp_for_each_object(patch, obj) {
		if (!klp_object_loaded(obj))
			continue;
		ret = klp_run_pre_patch(obj);
		if (ret) {
			pr_warn("pre-patch callback failed for object '%s'\n",
				klp_object_name(obj));
			goto err;
		}
	}

	ret = klp_redirect_objects(patch, NULL, &failed);
	if (ret) {
		pr_warn("failed to patch object '%s'\n",
			failed ? klp_object_name(failed) : "vmlinux");
		goto err;
	}

	klp_transition_start();
	WRITE_ONCE(patch->enabled, true);
	klp_transition_try_complete();
	return 0;

err:
	pr_warn("failed to enable patch '%s'\n", klp_patch_name(patch));
	klp_transition_cancel();
	return ret;
}

static int __klp_disable_patch(struct klp_patch *patch)
{
	struct klp_object *obj;

	lockdep_assert_held(&klp_mutex);
	if (WARN_ON_ONCE(!patch->enabled))
		return -EINVAL;
	if (klp_transition_patch)
		return -EBUSY;

	klp_transition_init(patch, KLP_TRANSITION_UNPATCHED,
			    &klp_transition_ops);
	klp_for_each_object(patch, obj)
		if (obj->patched)
			klp_run_pre_unpatch(obj);

	klp_transition_start();
	WRITE_ONCE(patch->enabled, false);
	klp_transition_try_complete();
	return 0;
}

/*
 * Resolve @patch, give it its sysfs directories and start enabling it;
 * on failure the caller frees what was set up.
 */
static int klp_install_patch(struct klp_patch *patch)
{
	struct klp_object *obj;
	int ret;

	lockdep_assert_held(&klp_mutex);

	ret = klp_check_relocs(patch);
	if (!ret && patch->replace)
		ret = klp_add_nops(patch);
	if (ret)
		return ret;
	klp_for_each_object(patch, obj) {
		klp_find_object_module(obj);
		if (!klp_object_loaded(obj))
			continue;
		ret = klp_resolve_object(patch, obj);
		if (ret)
			return ret;
	}
	list_add_tail(&patch->list, &klp_patches);
	ret = klp_sysfs_add_patch(patch);
	if (ret)
		return ret;

	klp_enabling = patch;
	ret = __klp_enable_patch(patch);
	klp_enabling = NULL;
	return ret;
}

/**
 * klp_enable_patch() - register a live patch and start patching
 * @patch:	the patch, usually static data of the calling livepatch
 *		module, which must be marked "livepatch" in its modinfo
 *
 * Called from the livepatch module's init function.  Checks the patch,
 * resolves the functions of every loaded object, shows the patch in
 * /sys/kernel/livepatch and starts the patching transition, which may
 * finish later.  Objects whose module is not loaded are patched when it
 * loads.  The module cannot be removed until the patch is disabled and
 * gone from sysfs.
 *
 * Return: 0, or a negative errno after one log line naming the patch,
 * object and function at fault; nothing of the patch remains then.
 */
int klp_enable_patch(struct klp_patch *patch)
{
	int ret;

	if (!patch || !patch->mod) {
		pr_err("%s(): %s is NULL\n", __func__,
		       patch ? "patch->mod" : "patch");
		return -EINVAL;
	}
	if (!patch->objs) {
		pr_err("'%s': patch has no objects array (objs is NULL)\n",
		       patch->mod->name);
		return -EINVAL;
	}
	if (!is_livepatch_module(patch->mod)) {
		pr_err("module %s is not marked as a livepatch module\n",
		       patch->mod->name);
		return -EINVAL;
	}
	if (!klp_initialized)
		return -ENODEV;

	mutex_lock(&klp_mutex);
	/* Said on every enable, before any refusal, as 6.12 does. */
	if (!klp_have_reliable_stack()) {
		pr_warn("This architecture doesn't have support for the livepatch consistency model.\n");
		pr_warn("The livepatch transition may never complete.\n");
	}

	ret = klp_check_patch(patch);
	if (ret)
		goto unlock;
	if (!klp_states_compatible(patch)) {
		pr_err("Livepatch patch (%s) is not compatible with the already installed livepatches.\n",
		       klp_patch_name(patch));
		ret = -EINVAL;
		goto unlock;
	}
	if (!try_module_get(patch->mod)) {
		ret = -ENODEV;
		goto unlock;
	}

	klp_link_patch(patch);
	ret = klp_install_patch(patch);
	/* Undone in two halves: the directories go without klp_mutex. */
	if (ret)
		klp_free_patch_start(patch);
	mutex_unlock(&klp_mutex);
	if (ret)
		klp_free_patch_finish(patch);
	return ret;

unlock:
	mutex_unlock(&klp_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(klp_enable_patch);

/**
 * klp_patch_set_enabled() - the "enabled" sysfs write
 * @patch:	the patch
 * @enable:	the value written
 *
 * Disabling starts the unpatching transition; writing the opposite of
 * the running transition of @patch reverses it.
 *
 * Return: 0; -EINVAL for the current value or re-enabling; -EBUSY while
 * another patch is in transition.
 */
int klp_patch_set_enabled(struct klp_patch *patch, bool enable)
{
	int ret = 0;

	mutex_lock(&klp_mutex);
	if (patch->enabled == enable) {
		ret = -EINVAL;
	} else if (patch == klp_transition_patch) {
		klp_transition_reverse();
		WRITE_ONCE(patch->enabled, enable);
		klp_transition_try_complete();
	} else if (!enable) {
		ret = __klp_disable_patch(patch);
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&klp_mutex);
	return ret;
}

/**
 * klp_patch_force() - the "force" sysfs write
 * @patch:	the patch, which must be in transition
 *
 * Switches every task without looking at stacks.  A task may then still
 * run code that is about to be released without any further check: that
 * of @patch when it is being disabled, that of the patches it replaces
 * when it is a cumulative patch being enabled.  Those stay pinned in
 * memory for good.  Code that stays registered needs a transition of its
 * own to go, which checks stacks again, so it is not pinned.
 *
 * Return: 0, or -EINVAL when @patch is not in transition.
 */
int klp_patch_force(struct klp_patch *patch)
{
	struct klp_patch *p;

	mutex_lock(&klp_mutex);
	if (patch != klp_transition_patch) {
		mutex_unlock(&klp_mutex);
		return -EINVAL;
	}
	klp_transition_force();
	if (klp_transition_target() == KLP_TRANSITION_UNPATCHED) {
		patch->forced = true;
	} else if (patch->replace) {
		/* Only the patches it replaces: older ones. */
		klp_for_each_patch(p) {
			if (p == patch)
				break;
			p->forced = true;
		}
	}
	klp_transition_try_complete();
	mutex_unlock(&klp_mutex);
	return 0;
}

/**
 * klp_patch_stack_order() - position of a patch among the enabled ones
 * @patch:	the patch
 *
 * Return: 1 for the oldest; the highest number wins a shared function.
 */
int klp_patch_stack_order(struct klp_patch *patch)
{
	struct klp_patch *p;
	int order = 0, ret = 0;

	mutex_lock(&klp_mutex);
	klp_for_each_patch(p) {
		order++;
		if (p == patch) {
			ret = order;
			break;
		}
	}
	mutex_unlock(&klp_mutex);
	return ret;
}

/**
 * klp_patch_in_transition() - is @patch the patch in transition?
 * @patch:	the patch
 *
 * Return: true while its transition runs.
 */
bool klp_patch_in_transition(struct klp_patch *patch)
{
	return READ_ONCE(klp_transition_patch) == patch;
}

/* Unpatch @mod's objects of every patch before @limit (NULL: all). */
static void klp_module_unpatch(struct module *mod, struct klp_patch *limit)
{
	struct klp_object *obj;
	struct klp_patch *patch;

	klp_for_each_patch(patch) {
		if (patch == limit)
			return;
		klp_for_each_object(patch, obj) {
			if (!klp_is_module(obj) || strcmp(obj->name, mod->name))
				continue;
			if (obj->patched) {
				if (patch != klp_transition_patch)
					klp_run_pre_unpatch(obj);
				pr_notice("reverting patch '%s' on unloading module '%s'\n",
					  klp_patch_name(patch), mod->name);
				klp_unredirect_objects(patch, obj, false);
				if (patch == klp_transition_patch)
					klp_transition_update_ranges();
				klp_run_post_unpatch(obj);
			}
			if (obj->mod)
				klp_clear_object_relocs(patch, obj);
			obj->mod = NULL;
			break;
		}
	}
}

/* Patch @obj, of @patch, for its module that is coming. */
static int klp_module_patch_object(struct klp_patch *patch,
				   struct klp_object *obj, struct module *mod)
{
	int ret;

	obj->mod = mod;
	ret = klp_resolve_object(patch, obj);
	if (ret)
		return ret;

	pr_notice("applying patch '%s' to loading module '%s'\n",
		  klp_patch_name(patch), mod->name);

	ret = klp_run_pre_patch(obj);
	if (ret) {
		pr_warn("pre-patch callback failed for object '%s'\n",
			obj->name);
		goto clear;
	}
	ret = klp_redirect_objects(patch, obj, NULL);
	if (ret) {
		pr_warn("failed to apply patch '%s' to module '%s' (%d)\n",
			klp_patch_name(patch), mod->name, ret);
		/* pre_patch succeeded: undo what it set up. */
		klp_run_post_unpatch(obj);
		goto clear;
	}
	if (patch == klp_transition_patch)
		klp_transition_update_ranges();
	else
		klp_run_post_patch(obj);
	return 0;

clear:
	klp_clear_object_relocs(patch, obj);
	return ret;
}

/* "vmlinux" is the kernel's object: a module of that name is refused. */
static bool klp_module_named_vmlinux(struct module *mod)
{
	if (strcmp(mod->name, "vmlinux") != 0)
		return false;
	pr_err("vmlinux.ko: invalid module name\n");
	return true;
}

/**
 * klp_module_coming() - patch a module that is loading
 * @mod:	the module, in MODULE_STATE_COMING
 *
 * Return: 0, or a negative errno that makes the module loader refuse the
 * module (every patch applied to it so far is reverted).
 */
int klp_module_coming(struct module *mod)
{
	struct klp_patch *patch;
	struct klp_object *obj;
	int ret = 0;

	if (WARN_ON_ONCE(mod->state != MODULE_STATE_COMING) ||
	    klp_module_named_vmlinux(mod))
		return -EINVAL;

	mutex_lock(&klp_mutex);
	/* From here on, klp_enable_patch() may find the module. */
	mod->klp_alive = true;
	if (is_livepatch_module(mod))
		klp_nr_lp_modules++;

	klp_for_each_patch(patch) {
		obj = klp_find_object(patch, mod->name);
		if (!obj || !klp_is_module(obj))
			continue;
		ret = klp_module_patch_object(patch, obj, mod);
		if (ret) {
			pr_warn("patch '%s' failed for module '%s', refusing to load module '%s'\n",
				klp_patch_name(patch), mod->name, mod->name);
			obj->mod = NULL;
			mod->klp_alive = false;
			if (is_livepatch_module(mod))
				klp_nr_lp_modules--;
			klp_module_unpatch(mod, patch);
			break;
		}
	}
	mutex_unlock(&klp_mutex);
	return ret;
}

/**
 * klp_module_going() - unpatch a module that is going away
 * @mod:	the module, in MODULE_STATE_GOING (or COMING when its load
 *		failed)
 */
void klp_module_going(struct module *mod)
{
	bool last_patch = false;

	if (WARN_ON_ONCE(mod->state != MODULE_STATE_GOING &&
			 mod->state != MODULE_STATE_COMING))
		return;

	mutex_lock(&klp_mutex);
	/* Count only a module that came (a failed load may go twice). */
	if (mod->klp_alive && is_livepatch_module(mod))
		last_patch = !--klp_nr_lp_modules;
	mod->klp_alive = false;
	klp_module_unpatch(mod, NULL);
	mutex_unlock(&klp_mutex);

	if (mod->state == MODULE_STATE_GOING)
		klp_shadow_module_gone(mod, last_patch);
}

static int __init klp_init(void)
{
	int ret;

	ret = klp_sysfs_init();
	if (ret)
		return ret;
	klp_debugfs_init();
	klp_initialized = true;
	return 0;
}
module_init(klp_init);
