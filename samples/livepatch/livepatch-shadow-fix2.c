// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shadow variable demo: a cumulative patch that takes over shadow variables
 *
 * What it patches (in module livepatch_shadow_mod):
 *   shmod_reading_new()      as livepatch-shadow-fix1 does: the note goes
 *                            into shadow variable SHMOD_SV_NOTE
 *   shmod_reading_free()     prints the note and how often the reading was
 *                            checked, frees both shadow variables
 *   shmod_reading_expired()  counts the checks of each reading in a second
 *                            shadow variable, SHMOD_SV_CHECKS
 *
 *   The patch is cumulative (.replace = true): it carries every change of
 *   fix1 and replaces it, or any other enabled patch, in one transition.
 *   It reuses fix1's shadow variable id and layout, so readings made while
 *   fix1 was active keep their notes; and it declares fix1's state
 *   SHMOD_STATE_NOTES, without which the core would refuse to let it
 *   replace fix1.
 *
 * Try it:
 *   insmod livepatch-shadow-mod.ko
 *   insmod livepatch-shadow-fix1.ko
 *   insmod livepatch-shadow-fix2.ko
 *   cat /sys/kernel/livepatch/livepatch_shadow_fix2/replace    # 1
 *   ls /sys/kernel/livepatch     # fix1's directory goes once the
 *                                # transition completed
 *   dmesg -w
 *     "taking over the notes of an earlier patch" (pre_patch)
 *     "freed reading ..., note: ..., expiry checks: N"; readings made
 *     under fix1 show their note too, with fewer checks counted
 *   rmmod livepatch_shadow_fix1  # the replaced patch may go now; none of
 *                                # its unpatch callbacks ran, so the notes
 *                                # stayed
 *
 *   fix2 works without fix1 as well: load it straight onto the leaky
 *   module.
 *
 * Remove it:
 *   echo 0 > /sys/kernel/livepatch/livepatch_shadow_fix2/enabled
 *     # back to the original, leaky code; post_unpatch frees both kinds of
 *     # shadow variables of the readings still alive
 *   # wait until /sys/kernel/livepatch/livepatch_shadow_fix2 disappears
 *   rmmod livepatch_shadow_fix2
 *
 * See Documentation/livepatch/cumulative-patches.rst and
 * Documentation/livepatch/shadow-vars.rst.
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

/* Same id and data (a char *) as in livepatch-shadow-fix1.c. */
#define SHMOD_SV_NOTE		1
/* New in fix2: data is an unsigned int, the number of expiry checks. */
#define SHMOD_SV_CHECKS		2

/* Same id as fix1's state: this patch takes over the notes. */
#define SHMOD_STATE_NOTES	1

static int fix2_note_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	char **slot = shadow_data;

	*slot = ctor_data;
	return 0;
}

static void fix2_note_dtor(void *obj, void *shadow_data)
{
	char **slot = shadow_data;

	kfree(*slot);
}

static struct shmod_reading *fix2_reading_new(unsigned long lifetime)
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
	if (!klp_shadow_alloc(r, SHMOD_SV_NOTE, sizeof(note), GFP_KERNEL,
			      fix2_note_ctor, note))
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

static bool fix2_reading_expired(struct shmod_reading *r)
{
	unsigned int *checks;

	/*
	 * Created on first use, zeroed (no constructor).  Readings made
	 * before this patch get their counter late: it counts from here.
	 */
	checks = klp_shadow_get_or_alloc(r, SHMOD_SV_CHECKS, sizeof(*checks),
					 GFP_KERNEL, NULL, NULL);
	if (checks)
		(*checks)++;

	return time_after(jiffies, r->expires);
}

static void fix2_reading_free(struct shmod_reading *r)
{
	unsigned int *checks = klp_shadow_get(r, SHMOD_SV_CHECKS);
	char **note = klp_shadow_get(r, SHMOD_SV_NOTE);

	pr_info("freed reading %08x, note: %s, expiry checks: %u\n",
		r->value, note ? *note : "(lost)", checks ? *checks : 0);

	klp_shadow_free(r, SHMOD_SV_CHECKS, NULL);
	klp_shadow_free(r, SHMOD_SV_NOTE, fix2_note_dtor);
	kfree(r);
}

/*
 * klp_get_prev_state() may only be asked while this patch's own transition
 * is being set up, so not when the target module loads later (state
 * COMING): then there is no earlier patch to take over from anyway.
 */
static int fix2_pre_patch(struct klp_object *obj)
{
	if (obj->mod->state != MODULE_STATE_COMING &&
	    klp_get_prev_state(SHMOD_STATE_NOTES))
		pr_info("taking over the notes of an earlier patch\n");
	return 0;
}

/* Disabled: free what the original code would leak or never free. */
static void fix2_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SHMOD_SV_CHECKS, NULL);
	klp_shadow_free_all(SHMOD_SV_NOTE, fix2_note_dtor);
	pr_info("freed the shadow variables of the remaining readings\n");
}

static struct klp_func fix2_funcs[] = {
	{
		.old_name = "shmod_reading_new",
		.new_func = fix2_reading_new,
	},
	{
		.old_name = "shmod_reading_free",
		.new_func = fix2_reading_free,
	},
	{
		.old_name = "shmod_reading_expired",
		.new_func = fix2_reading_expired,
	},
	{ }
};

static struct klp_object fix2_objs[] = {
	{
		.name = "livepatch_shadow_mod",
		.funcs = fix2_funcs,
		.callbacks = {
			.pre_patch = fix2_pre_patch,
			.post_unpatch = fix2_post_unpatch,
		},
	},
	{ }
};

static struct klp_state fix2_states[] = {
	{
		.id = SHMOD_STATE_NOTES,
		.version = 1,
	},
	{ }
};

static struct klp_patch fix2_patch = {
	.mod = THIS_MODULE,
	.objs = fix2_objs,
	.states = fix2_states,
	.replace = true,
};

static int __init livepatch_shadow_fix2_init(void)
{
	return klp_enable_patch(&fix2_patch);
}

static void __exit livepatch_shadow_fix2_exit(void)
{
}

module_init(livepatch_shadow_fix2_init);
module_exit(livepatch_shadow_fix2_exit);
MODULE_DESCRIPTION("Live patch shadow variable demo: cumulative fix with a counter");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
