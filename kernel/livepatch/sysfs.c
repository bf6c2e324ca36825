// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /sys/kernel/livepatch, what administrators see and write
 *
 *   /sys/kernel/livepatch/<patch>/{enabled,transition,force,replace,stack_order,
 *                                  transition_timeout_ms}
 *   /sys/kernel/livepatch/<patch>/<object>/patched
 *   /sys/kernel/livepatch/<patch>/<object>/<function>,<sympos>/
 *
 * See Documentation/ABI/testing/sysfs-kernel-livepatch.  The kobjects are
 * embedded in the patch structures; their release functions free what
 * the core allocated (atomic-replace entries) and tell the core when a
 * patch's directory is gone, so that its module may be released.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "internal.h"

static struct kobject *klp_root_kobj;

static struct klp_patch *to_patch(struct kobject *kobj)
{
	return container_of(kobj, struct klp_patch, kobj);
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_patch(kobj)->enabled));
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool enable;
	int ret;

	ret = kstrtobool(buf, &enable);
	if (ret)
		return ret;
	ret = klp_patch_set_enabled(to_patch(kobj), enable);
	return ret ? ret : count;
}

static ssize_t transition_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  klp_patch_in_transition(to_patch(kobj)));
}

static ssize_t force_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	bool force;
	int ret;

	ret = kstrtobool(buf, &force);
	if (ret)
		return ret;
	if (!force)
		return count;
	ret = klp_patch_force(to_patch(kobj));
	return ret ? ret : count;
}

static ssize_t replace_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_patch(kobj)->replace);
}

static ssize_t stack_order_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", klp_patch_stack_order(to_patch(kobj)));
}

static ssize_t transition_timeout_ms_show(struct kobject *kobj,
					  struct kobj_attribute *attr,
					  char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_patch(kobj)->timeout_ms));
}

static ssize_t transition_timeout_ms_store(struct kobject *kobj,
					   struct kobj_attribute *attr,
					   const char *buf, size_t count)
{
	int ms, ret;

	ret = kstrtoint(buf, 0, &ms);
	if (ret)
		return ret;
	if (ms < -1)
		return -EINVAL;
	/* Read when a transition of the patch starts or reverses. */
	WRITE_ONCE(to_patch(kobj)->timeout_ms, ms);
	return count;
}

static struct kobj_attribute enabled_attr = __ATTR_RW_MODE(enabled, 0644);
static struct kobj_attribute transition_attr = __ATTR_RO(transition);
static struct kobj_attribute force_attr = __ATTR_WO(force);
static struct kobj_attribute replace_attr = __ATTR_RO(replace);
static struct kobj_attribute stack_order_attr = __ATTR_RO(stack_order);
static struct kobj_attribute transition_timeout_ms_attr =
	__ATTR_RW_MODE(transition_timeout_ms, 0644);

static struct attribute *klp_patch_attrs[] = {
	&enabled_attr.attr,
	&transition_attr.attr,
	&force_attr.attr,
	&replace_attr.attr,
	&stack_order_attr.attr,
	&transition_timeout_ms_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(klp_patch);

static ssize_t patched_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct klp_object *obj = container_of(kobj, struct klp_object, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(obj->patched));
}

static struct kobj_attribute patched_attr = __ATTR_RO(patched);

static struct attribute *klp_object_attrs[] = {
	&patched_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(klp_object);

static void klp_patch_release(struct kobject *kobj)
{
	complete(&to_patch(kobj)->finish);
}

static void klp_object_release(struct kobject *kobj)
{
	struct klp_object *obj = container_of(kobj, struct klp_object, kobj);

	if (obj->dynamic) {
		kfree(obj->name);
		kfree(obj);
	}
}

static void klp_func_release(struct kobject *kobj)
{
	struct klp_func *func = container_of(kobj, struct klp_func, kobj);

	if (func->nop) {
		kfree(func->old_name);
		kfree(func);
	}
}

static const struct kobj_type klp_ktype_patch = {
	.release = klp_patch_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = klp_patch_groups,
};

static const struct kobj_type klp_ktype_object = {
	.release = klp_object_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = klp_object_groups,
};

static const struct kobj_type klp_ktype_func = {
	.release = klp_func_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

/**
 * klp_sysfs_init_patch() - prepare the kobjects of a patch
 * @patch:	the patch
 *
 * After this, klp_sysfs_put_*() release each part whether or not it was
 * added to sysfs.
 */
void klp_sysfs_init_patch(struct klp_patch *patch)
{
	init_completion(&patch->finish);
	kobject_init(&patch->kobj, &klp_ktype_patch);
}

/**
 * klp_sysfs_init_object() - prepare the kobject of an object
 * @obj:	the object
 */
void klp_sysfs_init_object(struct klp_object *obj)
{
	kobject_init(&obj->kobj, &klp_ktype_object);
}

/**
 * klp_sysfs_init_func() - prepare the kobject of a function
 * @func:	the function
 */
void klp_sysfs_init_func(struct klp_func *func)
{
	kobject_init(&func->kobj, &klp_ktype_func);
}

/**
 * klp_sysfs_add_patch() - show a patch, its objects and functions
 * @patch:	a fully initialized patch
 *
 * Return: 0 or a negative errno; the caller then puts every part.
 */
int klp_sysfs_add_patch(struct klp_patch *patch)
{
	struct klp_object *obj;
	struct klp_func *func;
	int ret;

	ret = klp_fault(KLP_FAULT_SYSFS_PATCH) ?:
	      kobject_add(&patch->kobj, klp_root_kobj, "%s",
			  klp_patch_name(patch));
	if (ret) {
		pr_err("'%s': cannot add its sysfs directory (%d)\n",
		       klp_patch_name(patch), ret);
		return ret;
	}

	klp_for_each_object(patch, obj) {
		ret = klp_fault(KLP_FAULT_SYSFS_OBJECT) ?:
		      kobject_add(&obj->kobj, &patch->kobj, "%s",
				  klp_object_name(obj));
		if (ret) {
			pr_err("'%s': cannot add the sysfs directory of object '%s' (%d)\n",
			       klp_patch_name(patch), klp_object_name(obj),
			       ret);
			return ret;
		}
		klp_for_each_func(obj, func) {
			ret = klp_fault(KLP_FAULT_SYSFS_FUNC) ?:
			      kobject_add(&func->kobj, &obj->kobj, "%s,%lu",
					  func->old_name,
					  func->old_sympos ? func->old_sympos : 1);
			if (ret) {
				pr_err("'%s': cannot add the sysfs directory of function '%s' of object '%s' (%d)\n",
				       klp_patch_name(patch), func->old_name,
				       klp_object_name(obj), ret);
				return ret;
			}
		}
	}
	return 0;
}

/**
 * klp_sysfs_put_func() - drop a function's kobject
 * @func:	the function; freed here if the core allocated it
 */
void klp_sysfs_put_func(struct klp_func *func)
{
	kobject_put(&func->kobj);
}

/**
 * klp_sysfs_put_object() - drop an object's kobject
 * @obj:	the object; freed here if the core allocated it
 */
void klp_sysfs_put_object(struct klp_object *obj)
{
	kobject_put(&obj->kobj);
}

/**
 * klp_sysfs_put_patch() - drop a patch's kobject
 * @patch:	the patch; patch->finish completes once the kobject is gone
 *
 * Must not be called from a sysfs callback of the patch itself: removing
 * the directory waits for those callbacks to return.
 */
void klp_sysfs_put_patch(struct klp_patch *patch)
{
	kobject_put(&patch->kobj);
}

/**
 * klp_sysfs_init() - create /sys/kernel/livepatch
 *
 * Return: 0 or -ENOMEM.
 */
int __init klp_sysfs_init(void)
{
	klp_root_kobj = kobject_create_and_add("livepatch", kernel_kobj);
	return klp_root_kobj ? 0 : -ENOMEM;
}
