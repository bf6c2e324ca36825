// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shadow variable demo: a module that leaks memory
 *
 * What it is:
 *   A worker wakes up every second, takes a "reading" (a random number
 *   with a lifetime of a few seconds), keeps it on a list and frees the
 *   readings whose lifetime is over.  Each reading also gets a "note", a
 *   short string that is meant to live as long as the reading and to be
 *   printed when the reading is freed.
 *
 * The bug:
 *   struct shmod_reading has no field for the note.  shmod_reading_new()
 *   allocates the note and then drops the pointer, so every reading leaks
 *   its note, and shmod_reading_free() cannot print it.
 *
 *   The natural fix, a new field, is impossible in a live patch: readings
 *   already allocated have the old size, and code that is not patched
 *   knows the old layout.  livepatch-shadow-fix1 attaches the missing field
 *   as a shadow variable instead; livepatch-shadow-fix2 replaces fix1 and
 *   adds a second shadow variable, a counter.
 *
 * Try it:
 *   insmod livepatch-shadow-mod.ko
 *   dmesg -w     # "new reading ..., its note leaks", "freed reading ..."
 *   insmod livepatch-shadow-fix1.ko   # see livepatch-shadow-fix1.c
 *   insmod livepatch-shadow-fix2.ko   # see livepatch-shadow-fix2.c
 *
 * Remove it:
 *   rmmod livepatch_shadow_mod   # at any time, patched or not; the notes
 *                                # of readings made before a fix was
 *                                # loaded are lost for good
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

/* A new reading every second, each living 2 to 5 seconds. */
#define SHMOD_PERIOD		HZ
#define SHMOD_MIN_LIFETIME	(2 * HZ)
#define SHMOD_MAX_LIFETIME	(5 * HZ)

/*
 * The structure the live patches cannot change.  The fix modules repeat
 * this definition and must keep it identical.
 */
struct shmod_reading {
	struct list_head node;
	unsigned long expires;	/* jiffies */
	u32 value;
};

/* Only the worker and module exit (after the worker stopped) touch it. */
static LIST_HEAD(shmod_readings);

/*
 * The functions below are replaced by the fix modules, which name them
 * by their symbols.  noinline and __noclone keep each one a function of
 * its own under its own name: otherwise the compiler may inline it into
 * its caller, or call a copy with fewer arguments under a name such as
 * "shmod_reading_expired.isra.0", and a patch would not find it.
 */
static noinline __noclone struct shmod_reading *
shmod_reading_new(unsigned long lifetime)
{
	struct shmod_reading *r;
	char *note;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->expires = jiffies + lifetime;
	r->value = get_random_u32();

	note = kasprintf(GFP_KERNEL, "lifetime %lu ms", lifetime * 1000 / HZ);
	if (!note) {
		kfree(r);
		return NULL;
	}
	/* BUG: nowhere to keep the note, and nothing frees it. */
	pr_info("new reading %08x, its note leaks\n", r->value);
	return r;
}

static noinline __noclone void shmod_reading_free(struct shmod_reading *r)
{
	pr_info("freed reading %08x\n", r->value);
	kfree(r);
}

static noinline __noclone bool shmod_reading_expired(struct shmod_reading *r)
{
	return time_after(jiffies, r->expires);
}

static void shmod_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(shmod_work, shmod_work_fn);

static void shmod_work_fn(struct work_struct *work)
{
	struct shmod_reading *r, *tmp;
	unsigned long lifetime;

	lifetime = SHMOD_MIN_LIFETIME +
		   get_random_u32_below(SHMOD_MAX_LIFETIME -
					SHMOD_MIN_LIFETIME + 1);
	r = shmod_reading_new(lifetime);
	if (r)
		list_add_tail(&r->node, &shmod_readings);

	list_for_each_entry_safe(r, tmp, &shmod_readings, node) {
		if (!shmod_reading_expired(r))
			continue;
		list_del(&r->node);
		shmod_reading_free(r);
	}

	schedule_delayed_work(&shmod_work, SHMOD_PERIOD);
}

static int __init livepatch_shadow_mod_init(void)
{
	schedule_delayed_work(&shmod_work, SHMOD_PERIOD);
	return 0;
}

static void __exit livepatch_shadow_mod_exit(void)
{
	struct shmod_reading *r, *tmp;

	cancel_delayed_work_sync(&shmod_work);

	/* Through shmod_reading_free(): a loaded fix frees the notes too. */
	list_for_each_entry_safe(r, tmp, &shmod_readings, node) {
		list_del(&r->node);
		shmod_reading_free(r);
	}
}

module_init(livepatch_shadow_mod_init);
module_exit(livepatch_shadow_mod_exit);
MODULE_DESCRIPTION("Live patch shadow variable demo: a module that leaks memory");
MODULE_LICENSE("GPL");
