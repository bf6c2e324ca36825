// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * System states handed from one patch to the next
 *
 * A patch lists the changes of system state it owns (struct klp_state).
 * A later patch that replaces it must own each of those states too, at
 * the same or a higher version, or it would leave a change behind that no
 * patch knows how to undo.  See Documentation/livepatch/system-state.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "internal.h"

#define klp_for_each_state(patch, s) \
	for ((s) = (patch)->states; (s) && (s)->id; (s)++)

/**
 * klp_get_state() - find a state of a patch
 * @patch:	a patch (usually the caller's own)
 * @id:		the state's id
 *
 * Return: the state, or NULL when @patch does not own @id.
 */
struct klp_state *klp_get_state(struct klp_patch *patch, unsigned long id)
{
	struct klp_state *state;

	klp_for_each_state(patch, state)
		if (state->id == id)
			return state;
	return NULL;
}
EXPORT_SYMBOL_GPL(klp_get_state);

/**
 * klp_get_prev_state() - find a state installed by an earlier patch
 * @id:		the state's id
 *
 * Meant for the callbacks of the patch in transition: looks at the
 * patches enabled before it.
 *
 * Return: the state of the newest earlier patch that owns @id, or NULL.
 */
struct klp_state *klp_get_prev_state(unsigned long id)
{
	struct klp_state *found = NULL, *state;
	struct klp_patch *patch;

	if (WARN_ON_ONCE(!klp_transition_patch))
		return NULL;

	klp_for_each_patch(patch) {
		if (patch == klp_transition_patch)
			break;
		state = klp_get_state(patch, id);
		if (state)
			found = state;
	}
	return found;
}
EXPORT_SYMBOL_GPL(klp_get_prev_state);

/**
 * klp_states_compatible() - may @patch join the enabled patches?
 * @patch:	the new patch
 *
 * Return: false if a replacing @patch misses a state of an enabled patch,
 * or if @patch would downgrade one.
 */
bool klp_states_compatible(struct klp_patch *patch)
{
	struct klp_state *old, *new;
	struct klp_patch *enabled;

	lockdep_assert_held(&klp_mutex);

	klp_for_each_patch(enabled) {
		klp_for_each_state(enabled, old) {
			new = klp_get_state(patch, old->id);
			if (!new) {
				if (patch->replace)
					return false;
				continue;
			}
			if (new->version < old->version)
				return false;
		}
	}
	return true;
}

/**
 * klp_states_check() - validate the states array of a new patch
 * @patch:	the new patch
 *
 * Return: 0, or -EINVAL when an id appears twice.
 */
int klp_states_check(struct klp_patch *patch)
{
	struct klp_state *a, *b;

	klp_for_each_state(patch, a) {
		for (b = patch->states; b != a; b++) {
			if (b->id == a->id) {
				pr_err("'%s': state id %lu appears twice\n",
				       klp_patch_name(patch), a->id);
				return -EINVAL;
			}
		}
	}
	return 0;
}
