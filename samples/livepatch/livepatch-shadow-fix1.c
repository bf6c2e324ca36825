// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shadow variable demo: fix a leak with a shadow variable
 *
 * What it patches (in module livepatch_shadow_mod, see
 * livepatch-shadow-mod.c for the bug):
 *   shmod_reading_new()   keeps the note in a shadow variable attached to
 *                         the reading, instead of dropping the pointer
 *   shmod_reading_free()  prints the note and frees it with the reading
 *
 *   A shadow variable is extra data that the live patch core keeps for an
 *   existing object, looked up by <object address, id>.  It gives an
 *   object a field that its structure lacks, without changing the
 *   structure's size or layout.
 *
 * Try it:
 *   insmod livepatch-shadow-mod.ko
 *   insmod livepatch-shadow-fix1.ko
 *   dmesg -w
 *     new readings: "new reading ..., note kept in a shadow variable"
 *     freed readings made since the fix: "freed reading ..., note: ..."
 *     freed readings made before it: "... its note was lost": a live patch
 *     cannot recover memory whose address nobody kept
 *
 * Remove it:
 *   echo 0 > /sys/kernel/livepatch/livepatch_shadow_fix1/enabled
 *     # post_unpatch frees the notes of the readings still alive: the
 *     # original shmod_reading_free() would leak them
 *   # wait until /sys/kernel/livepatch/livepatch_shadow_fix1 disappears
 *   rmmod livepatch_shadow_fix1
 *
 *   Or load livepatch-shadow-fix2.ko, which replaces this patch and takes
 *   over its shadow variables; then only "rmmod livepatch_shadow_fix1" is
 *   needed, once its directory is gone.
 *
 * See Documentation/livepatch/shadow-vars.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>

/* Must stay identical to the definition in livepatch-shadow-mod.c. */
struct shmod_reading {
	struct list_head node;
	unsigned long expires;	/* jiffies */
	u32 value;
};

/*
 * The shadow variable: id SHMOD_SV_NOTE, data a char * to the note.  Any
 * later patch that reads these variables must use the same id and the
 * same data layout; livepatch-shadow-fix2.c does.
 */
#define SHMOD_SV_NOTE		1

/*
 * This patch owns the notes: the state tells the live patch core so, and
 * a patch that replaces this one must declare it too (at the same or a
 * higher version) or it is refused.  See system-state.rst.
 */
#define SHMOD_STATE_NOTES	1

/* Called under a spinlock before the variable is visible: no sleeping. */
static int fix1_note_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	char **slot = shadow_data;

	*slot = ctor_data;
	return 0;
}

static void fix1_note_dtor(void *obj, void *shadow_data)
{
	char **slot = shadow_data;

	kfree(*slot);
}

static struct shmod_reading *fix1_reading_new(unsigned long lifetime)
{
	struct shmod_reading *r;
	char *note;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->expires = jiffies + lifetime;
	r->value = get_random_u32();

	note = kasprintf(GFP_KERNEL, "lifetime %lu ms", lifetime * 1000 / HZ);
	if (!note)
		goto free_reading;

	/* The fix: remember the note next to the reading. */
	if (!klp_shadow_alloc(r, SHMOD_SV_NOTE, sizeof(note), GFP_KERNEL,
			      fix1_note_ctor, note))
		goto free_note;

	pr_info("new reading %08x, note kept in a shadow variable\n",
		r->value);
	return r;

free_note:
	kfree(note);
free_reading:
	kfree(r);
	return NULL;
}

static void fix1_reading_free(struct shmod_reading *r)
{
	char **note = klp_shadow_get(r, SHMOD_SV_NOTE);

	if (note)
		pr_info("freed reading %08x, note: %s\n", r->value, *note);
	else
		pr_info("freed reading %08x, made before the fix: its note was lost\n",
			r->value);

	/* Detaches the variable and frees the note (the destructor). */
	klp_shadow_free(r, SHMOD_SV_NOTE, fix1_note_dtor);
	kfree(r);
}

/*
 * Disabled (not replaced): the original code comes back and would leak
 * the notes of the readings still alive.  Free them all now; no task runs
 * the patched code any more.  A patch that replaces this one skips this
 * callback and keeps the variables.
 */
static void fix1_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SHMOD_SV_NOTE, fix1_note_dtor);
	pr_info("freed the notes of the remaining readings\n");
}

static struct klp_func fix1_funcs[] = {
	{
		.old_name = "shmod_reading_new",
		.new_func = fix1_reading_new,
	},
	{
		.old_name = "shmod_reading_free",
		.new_func = fix1_reading_free,
	},
	{ }
};

static struct klp_object fix1_objs[] = {
	{
		.name = "livepatch_shadow_mod",
		.funcs = fix1_funcs,
		.callbacks = {
			.post_unpatch = fix1_post_unpatch,
		},
	},
	{ }
};

static struct klp_state fix1_states[] = {
	{
		.id = SHMOD_STATE_NOTES,
		.version = 1,
	},
	{ }
};

static struct klp_patch fix1_patch = {
	.mod = THIS_MODULE,
	.objs = fix1_objs,
	.states = fix1_states,
};

static int __init livepatch_shadow_fix1_init(void)
{
	return klp_enable_patch(&fix1_patch);
}

static void __exit livepatch_shadow_fix1_exit(void)
{
}

module_init(livepatch_shadow_fix1_init);
module_exit(livepatch_shadow_fix1_exit);
MODULE_DESCRIPTION("Live patch shadow variable demo: fix the leak of livepatch-shadow-mod");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
