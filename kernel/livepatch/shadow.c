// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Data attached to existing objects
 *
 * A patch cannot add a field to a structure that the running kernel
 * already allocates.  It attaches a shadow variable instead: a block of
 * data keyed by <object address, id>, found again through a hash table.
 * Who frees them: the code that allocated them, usually in a
 * post_unpatch callback or module exit with klp_shadow_free_all().  A
 * cumulative patch may take over the variables of the patches it
 * replaces, so variables allocated by livepatch modules belong to all of
 * them together: what is left when the last livepatch module is removed
 * is freed then.  A variable allocated by any other module is freed when
 * that module is removed.  Either way without destructor (it was in a
 * module that is gone), and with a warning: nothing leaks.
 * See Documentation/livepatch/shadow-vars.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "internal.h"

/**
 * struct klp_shadow - a shadow variable
 * @node:	entry in klp_shadow_table (RCU)
 * @rcu:	frees the variable after concurrent lookups finished
 * @obj:	the object it is attached to
 * @id:		which of the object's variables it is
 * @owner:	the module that allocated it, if not a livepatch module;
 *		only compared, never dereferenced
 * @patch_owned: allocated by a livepatch module
 * @data:	the data handed to users
 */
struct klp_shadow {
	struct hlist_node node;
	struct rcu_head rcu;
	void *obj;
	unsigned long id;
	struct module *owner;
	bool patch_owned;
	char data[];
};

/* 4096 buckets: lookups stay short with tens of thousands of variables */
#define KLP_SHADOW_HASH_BITS	12

static DEFINE_HASHTABLE(klp_shadow_table, KLP_SHADOW_HASH_BITS);

/*
 * klp_shadow_lock serializes changes of klp_shadow_table and the ctor and
 * dtor calls, so that a variable is visible only once constructed and an
 * <obj, id> pair exists at most once.  Lookups run under RCU.  A leaf
 * lock, taken with interrupts disabled: shadow variables may be used from
 * any context with GFP_ATOMIC.
 */
static DEFINE_SPINLOCK(klp_shadow_lock);

/* Variables owned by modules, klp_shadow_lock: skips needless walks. */
static unsigned int klp_shadow_nr_owned;

static void klp_shadow_set_owner(struct klp_shadow *shadow, unsigned long ip)
{
	struct module *mod;

	preempt_disable();
	mod = __module_address(ip);
	if (mod && is_livepatch_module(mod))
		shadow->patch_owned = true;
	else
		shadow->owner = mod;
	preempt_enable();
}

static struct klp_shadow *klp_shadow_find(void *obj, unsigned long id)
{
	struct klp_shadow *shadow;

	hash_for_each_possible_rcu(klp_shadow_table, shadow, node,
				   (unsigned long)obj) {
		if (shadow->obj == obj && shadow->id == id)
			return shadow;
	}
	return NULL;
}

/**
 * klp_shadow_get() - find a shadow variable
 * @obj:	the object it is attached to
 * @id:		its id
 *
 * Return: the variable's data, or NULL when there is none.
 */
void *klp_shadow_get(void *obj, unsigned long id)
{
	struct klp_shadow *shadow;
	void *data = NULL;

	rcu_read_lock();
	shadow = klp_shadow_find(obj, id);
	if (shadow)
		data = shadow->data;
	rcu_read_unlock();
	return data;
}
EXPORT_SYMBOL_GPL(klp_shadow_get);

static void *klp_shadow_create(void *obj, unsigned long id, size_t size,
			       gfp_t gfp_flags, klp_shadow_ctor_t ctor,
			       void *ctor_data, bool warn_on_exist,
			       unsigned long caller)
{
	struct klp_shadow *new, *old;
	unsigned long flags;
	void *data;
	int ret;

	data = klp_shadow_get(obj, id);
	if (data)
		goto exists;

	/* Allocate outside the lock: @gfp_flags may sleep. */
	new = kzalloc(struct_size(new, data, size), gfp_flags);
	if (!new)
		return NULL;
	new->obj = obj;
	new->id = id;
	klp_shadow_set_owner(new, caller);

	spin_lock_irqsave(&klp_shadow_lock, flags);
	old = klp_shadow_find(obj, id);
	if (unlikely(old)) {
		/* Someone else attached it meanwhile. */
		spin_unlock_irqrestore(&klp_shadow_lock, flags);
		kfree(new);
		data = old->data;
		goto exists;
	}
	if (ctor) {
		ret = ctor(obj, new->data, ctor_data);
		if (ret) {
			spin_unlock_irqrestore(&klp_shadow_lock, flags);
			pr_err("shadow variable <%p, %lx>: constructor failed (%d)\n",
			       obj, id, ret);
			kfree(new);
			return NULL;
		}
	}
	hash_add_rcu(klp_shadow_table, &new->node, (unsigned long)obj);
	if (new->owner || new->patch_owned)
		klp_shadow_nr_owned++;
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
	return new->data;

exists:
	if (warn_on_exist) {
		pr_warn("shadow variable <%p, %lx> already exists\n", obj, id);
		return NULL;
	}
	return data;
}

/**
 * klp_shadow_alloc() - attach a new shadow variable
 * @obj:	the object to attach it to
 * @id:		its id
 * @size:	size of its data
 * @gfp_flags:	allocation flags (GFP_ATOMIC in atomic context)
 * @ctor:	optional constructor, called before the variable becomes
 *		visible, under a spinlock with interrupts off: it must not sleep
 * @ctor_data:	passed to @ctor
 *
 * The data is zeroed when there is no constructor.
 *
 * Return: the new variable's data, or NULL when the variable already
 * exists (with a warning), memory is short, or @ctor failed.
 */
void *klp_shadow_alloc(void *obj, unsigned long id, size_t size,
		       gfp_t gfp_flags, klp_shadow_ctor_t ctor,
		       void *ctor_data)
{
	return klp_shadow_create(obj, id, size, gfp_flags, ctor, ctor_data,
				 true, _RET_IP_);
}
EXPORT_SYMBOL_GPL(klp_shadow_alloc);

/**
 * klp_shadow_get_or_alloc() - find a shadow variable, or attach it
 * @obj:	the object it is attached to
 * @id:		its id
 * @size:	size of its data
 * @gfp_flags:	allocation flags (GFP_ATOMIC in atomic context)
 * @ctor:	optional constructor, run only when the variable is created
 * @ctor_data:	passed to @ctor
 *
 * Concurrent callers for one <@obj, @id> all get the same variable.
 *
 * Return: the variable's data, or NULL when it could not be created.
 */
void *klp_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			      gfp_t gfp_flags, klp_shadow_ctor_t ctor,
			      void *ctor_data)
{
	return klp_shadow_create(obj, id, size, gfp_flags, ctor, ctor_data,
				 false, _RET_IP_);
}
EXPORT_SYMBOL_GPL(klp_shadow_get_or_alloc);

static void klp_shadow_remove(struct klp_shadow *shadow,
			      klp_shadow_dtor_t dtor)
{
	lockdep_assert_held(&klp_shadow_lock);

	hash_del_rcu(&shadow->node);
	if (shadow->owner || shadow->patch_owned)
		klp_shadow_nr_owned--;
	if (dtor)
		dtor(shadow->obj, shadow->data);
	kfree_rcu(shadow, rcu);
}

/**
 * klp_shadow_free() - detach and free a shadow variable
 * @obj:	the object it is attached to
 * @id:		its id
 * @dtor:	optional destructor, called under a spinlock before the
 *		variable is freed
 */
void klp_shadow_free(void *obj, unsigned long id, klp_shadow_dtor_t dtor)
{
	struct klp_shadow *shadow;
	unsigned long flags;

	spin_lock_irqsave(&klp_shadow_lock, flags);
	shadow = klp_shadow_find(obj, id);
	if (shadow)
		klp_shadow_remove(shadow, dtor);
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(klp_shadow_free);

/**
 * klp_shadow_free_all() - free the variables of one id on every object
 * @id:		the id
 * @dtor:	optional destructor, called for each under a spinlock
 */
void klp_shadow_free_all(unsigned long id, klp_shadow_dtor_t dtor)
{
	struct klp_shadow *shadow;
	struct hlist_node *tmp;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&klp_shadow_lock, flags);
	hash_for_each_safe(klp_shadow_table, bkt, tmp, shadow, node) {
		if (shadow->id == id)
			klp_shadow_remove(shadow, dtor);
	}
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(klp_shadow_free_all);

/**
 * klp_shadow_module_gone() - free what a removed module left behind
 * @mod:	the module, after its exit function ran
 * @last_patch:	it was the last livepatch module: free the variables that
 *		livepatch modules allocated too
 *
 * The destructors went with the modules: only the variables are freed.
 */
void klp_shadow_module_gone(struct module *mod, bool last_patch)
{
	struct klp_shadow *shadow;
	struct hlist_node *tmp;
	unsigned long flags;
	unsigned int n = 0;
	int bkt;

	spin_lock_irqsave(&klp_shadow_lock, flags);
	if (klp_shadow_nr_owned) {
		hash_for_each_safe(klp_shadow_table, bkt, tmp, shadow, node) {
			if (shadow->owner != mod &&
			    !(last_patch && shadow->patch_owned))
				continue;
			klp_shadow_remove(shadow, NULL);
			n++;
		}
	}
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
	if (n)
		pr_warn("'%s': freed %u shadow variable(s) left behind\n",
			mod->name, n);
}
