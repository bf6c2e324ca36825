// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Data attached to existing objects
 *
 * A patch cannot add a field to a structure that the running kernel
 * already allocates.  It attaches a shadow variable instead: a block of
 * data keyed by <object address, id>, found again through a hash table.
 *
 * Who frees them: the code that allocated them, usually in a
 * post_unpatch callback or module exit with klp_shadow_free_all(); a
 * cumulative patch may take over the variables of the patches it
 * replaces and free them later.  The core never frees a variable by
 * itself: only the owner knows its destructor and whether the data is
 * still linked into kernel structures.  What the core does is remember
 * which module allocated each variable, say so in one log line when that
 * module goes with variables still allocated (for livepatch modules,
 * which hand variables to each other, when the last of them goes), and
 * list every variable in /sys/kernel/debug/livepatch/shadow.
 * See Documentation/livepatch/shadow-vars.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "internal.h"

/**
 * struct klp_shadow_owner - a module that allocated shadow variables
 * @node:	entry on klp_shadow_owners
 * @rcu:	frees the record after concurrent listings finished
 * @mod:	the module while it is loaded, NULL once it went; only
 *		compared, never dereferenced
 * @nr:		its variables that are still allocated
 * @livepatch:	it is a livepatch module
 * @name:	its name, kept after it went
 *
 * A record lives while its module is loaded or any of its variables is.
 */
struct klp_shadow_owner {
	struct list_head node;
	struct rcu_head rcu;
	struct module *mod;
	unsigned long nr;
	bool livepatch;
	char name[MODULE_NAME_LEN];
};

/**
 * struct klp_shadow - a shadow variable
 * @node:	entry in klp_shadow_table (RCU)
 * @rcu:	frees the variable after concurrent lookups finished
 * @obj:	the object it is attached to
 * @id:		which of the object's variables it is
 * @owner:	the module that allocated it, NULL for vmlinux
 * @size:	size of @data
 * @data:	the data handed to users
 */
struct klp_shadow {
	struct hlist_node node;
	struct rcu_head rcu;
	void *obj;
	unsigned long id;
	struct klp_shadow_owner *owner;
	size_t size;
	char data[];
};

/* 4096 buckets: lookups stay short with tens of thousands of variables */
#define KLP_SHADOW_HASH_BITS	12

static DEFINE_HASHTABLE(klp_shadow_table, KLP_SHADOW_HASH_BITS);

/*
 * klp_shadow_lock serializes changes of klp_shadow_table and of the owner
 * records, and the ctor and dtor calls, so that a variable is visible
 * only once constructed and an <obj, id> pair exists at most once.
 * Lookups and the debugfs listing run under RCU.  A leaf lock, taken
 * with interrupts disabled: shadow variables may be used from any
 * context with GFP_ATOMIC.
 */
static DEFINE_SPINLOCK(klp_shadow_lock);

/* Modules that own variables (RCU for the listing), klp_shadow_lock. */
static LIST_HEAD(klp_shadow_owners);

/* Variables owned by livepatch modules, klp_shadow_lock. */
static unsigned long klp_shadow_nr_livepatch;

/* The module whose code is at @ip, or NULL; the pointer is only compared. */
static struct module *klp_shadow_caller(unsigned long ip)
{
	struct module *mod;

	preempt_disable();
	mod = __module_address(ip);
	preempt_enable();
	return mod;
}

static struct klp_shadow_owner *klp_shadow_owner_find(struct module *mod)
{
	struct klp_shadow_owner *owner;

	lockdep_assert_held(&klp_shadow_lock);

	list_for_each_entry(owner, &klp_shadow_owners, node)
		if (owner->mod == mod)
			return owner;
	return NULL;
}

/* Forget a record that no module and no variable needs any more. */
static void klp_shadow_owner_put(struct klp_shadow_owner *owner)
{
	lockdep_assert_held(&klp_shadow_lock);

	if (owner->mod || owner->nr)
		return;
	list_del_rcu(&owner->node);
	kfree_rcu(owner, rcu);
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

/* A new record for @mod, the caller of a first allocation; no lock held. */
static struct klp_shadow_owner *klp_shadow_owner_new(struct module *mod,
						     gfp_t gfp_flags)
{
	struct klp_shadow_owner *owner;

	owner = klp_fault_alloc(KLP_FAULT_SHADOW_OWNER,
				kzalloc(sizeof(*owner), gfp_flags));
	if (!owner)
		return NULL;
	owner->mod = mod;
	owner->livepatch = is_livepatch_module(mod);
	strscpy(owner->name, mod->name);
	return owner;
}

static void *klp_shadow_create(void *obj, unsigned long id, size_t size,
			       gfp_t gfp_flags, klp_shadow_ctor_t ctor,
			       void *ctor_data, bool warn_on_exist,
			       unsigned long caller)
{
	struct klp_shadow_owner *owner, *spare = NULL;
	struct klp_shadow *new, *old;
	struct module *mod;
	unsigned long flags;
	void *data;
	int ret;

	data = klp_shadow_get(obj, id);
	if (data)
		goto exists;

	/*
	 * Allocate outside the lock: @gfp_flags may sleep.  The caller's
	 * module runs this call, so it cannot go meanwhile.
	 */
	new = klp_fault_alloc(KLP_FAULT_SHADOW_DATA,
			      kzalloc(struct_size(new, data, size), gfp_flags));
	if (!new)
		return NULL;
	new->obj = obj;
	new->id = id;
	new->size = size;
	mod = klp_shadow_caller(caller);

	spin_lock_irqsave(&klp_shadow_lock, flags);
	owner = mod ? klp_shadow_owner_find(mod) : NULL;
	if (mod && !owner) {
		spin_unlock_irqrestore(&klp_shadow_lock, flags);
		spare = klp_shadow_owner_new(mod, gfp_flags);
		if (!spare) {
			kfree(new);
			return NULL;
		}
		spin_lock_irqsave(&klp_shadow_lock, flags);
		owner = klp_shadow_owner_find(mod);
		if (!owner) {
			owner = spare;
			spare = NULL;
			list_add_rcu(&owner->node, &klp_shadow_owners);
		}
	}

	old = klp_shadow_find(obj, id);
	if (unlikely(old)) {
		/* Someone else attached it meanwhile. */
		spin_unlock_irqrestore(&klp_shadow_lock, flags);
		kfree(spare);
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
			kfree(spare);
			kfree(new);
			return NULL;
		}
	}
	new->owner = owner;
	if (owner) {
		owner->nr++;
		if (owner->livepatch)
			klp_shadow_nr_livepatch++;
	}
	hash_add_rcu(klp_shadow_table, &new->node, (unsigned long)obj);
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
	kfree(spare);
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
	struct klp_shadow_owner *owner = shadow->owner;

	lockdep_assert_held(&klp_shadow_lock);

	hash_del_rcu(&shadow->node);
	if (owner) {
		owner->nr--;
		if (owner->livepatch)
			klp_shadow_nr_livepatch--;
		klp_shadow_owner_put(owner);
	}
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
 * klp_shadow_module_gone() - report what a removed module left allocated
 * @mod:	the module, after its exit function ran (or its init failed)
 * @last_patch:	it was the last livepatch module loaded
 *
 * Nothing is freed: the variables stay usable by whoever takes them over
 * (a later patch, or the module when it loads again), and they stay
 * listed in debugfs.  A plain module's leftovers are reported when it
 * goes; livepatch modules hand variables to one another, so theirs are
 * reported when the last of them goes.
 */
void klp_shadow_module_gone(struct module *mod, bool last_patch)
{
	struct klp_shadow_owner *owner;
	unsigned long flags, mine = 0, patches = 0;

	spin_lock_irqsave(&klp_shadow_lock, flags);
	owner = klp_shadow_owner_find(mod);
	if (owner) {
		/* Pairs with the READ_ONCE() in klp_shadow_show(). */
		WRITE_ONCE(owner->mod, NULL);
		mine = owner->nr;
		klp_shadow_owner_put(owner);
	}
	if (last_patch)
		patches = klp_shadow_nr_livepatch;
	spin_unlock_irqrestore(&klp_shadow_lock, flags);

	if (is_livepatch_module(mod)) {
		if (patches)
			pr_warn("'%s': last livepatch module gone, %lu shadow variable(s) of livepatch modules left allocated\n",
				mod->name, patches);
	} else if (mine) {
		pr_warn("'%s': %lu shadow variable(s) left allocated\n",
			mod->name, mine);
	}
}

/**
 * klp_shadow_show() - list every shadow variable
 * @m:		the seq_file to print to
 *
 * One line per variable: the module that allocated it ("vmlinux" for
 * built-in code), whether that module is still loaded, the object
 * (hashed pointer), the id and the size of the data.
 */
void klp_shadow_show(struct seq_file *m)
{
	struct klp_shadow_owner *owner;
	struct klp_shadow *shadow;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(klp_shadow_table, bkt, shadow, node) {
		owner = shadow->owner;
		seq_printf(m, "owner=%s state=%s obj=%p id=%#lx size=%zu\n",
			   owner ? owner->name : "vmlinux",
			   !owner || READ_ONCE(owner->mod) ? "loaded" : "removed",
			   shadow->obj, shadow->id, shadow->size);
	}
	rcu_read_unlock();
}
