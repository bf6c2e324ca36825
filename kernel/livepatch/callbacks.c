// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running a patch object's pre/post (un)patch callbacks
 *
 * The symmetry rules of Documentation/livepatch/callbacks.rst live here:
 * post_unpatch runs only for an object whose pre_patch succeeded, and
 * pre_unpatch only for one whose post_patch ran.  Each call is made at
 * most once per arming, so the life cycle code may call these freely.
 */

#include "internal.h"

/**
 * klp_run_pre_patch() - run the pre_patch callback of a loaded object
 * @obj:	the object
 *
 * Return: 0, or the callback's negative errno (post_unpatch is then not
 * owed).
 */
int klp_run_pre_patch(struct klp_object *obj)
{
	int ret = 0;

	if (obj->callbacks.pre_patch)
		ret = obj->callbacks.pre_patch(obj);
	obj->callbacks.post_unpatch_enabled = !ret;
	return ret;
}

/**
 * klp_run_post_patch() - run the post_patch callback after patching
 * @obj:	the object
 */
void klp_run_post_patch(struct klp_object *obj)
{
	if (!obj->callbacks.post_unpatch_enabled)
		return;
	if (obj->callbacks.post_patch)
		obj->callbacks.post_patch(obj);
	obj->post_patch_ran = true;
}

/**
 * klp_run_pre_unpatch() - run the pre_unpatch callback, if post_patch ran
 * @obj:	the object
 */
void klp_run_pre_unpatch(struct klp_object *obj)
{
	if (!obj->post_patch_ran)
		return;
	obj->post_patch_ran = false;
	if (obj->callbacks.pre_unpatch)
		obj->callbacks.pre_unpatch(obj);
}

/**
 * klp_run_post_unpatch() - run the post_unpatch callback, if pre_patch ran
 * @obj:	the object
 */
void klp_run_post_unpatch(struct klp_object *obj)
{
	obj->post_patch_ran = false;
	if (!obj->callbacks.post_unpatch_enabled)
		return;
	obj->callbacks.post_unpatch_enabled = false;
	if (obj->callbacks.post_unpatch)
		obj->callbacks.post_unpatch(obj);
}
