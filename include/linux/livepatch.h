/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel live patching: the interface for livepatch modules and for the
 * parts of the kernel that cooperate with it (module loader, scheduler,
 * fork and the exit-to-user path).
 *
 * A livepatch module describes its changes with static arrays of
 * struct klp_object (one per patched object: vmlinux or a module), each
 * with an array of struct klp_func, and hands the struct klp_patch to
 * klp_enable_patch() from its init function.  Every array ends with a
 * zeroed entry.  Fields below the "private" marker of each structure
 * belong to the livepatch core; authors leave them zero.
 *
 * See Documentation/livepatch/livepatch.rst.
 */

#ifndef _LINUX_LIVEPATCH_H_
#define _LINUX_LIVEPATCH_H_

#include <linux/completion.h>
#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/kobject.h>
#include <linux/livepatch_sched.h>

#ifdef CONFIG_LIVEPATCH

/* Values of task_struct::patch_state, also shown in /proc/<pid>/patch_state */
#define KLP_TRANSITION_IDLE		-1
#define KLP_TRANSITION_UNPATCHED	 0
#define KLP_TRANSITION_PATCHED		 1

struct klp_object;
struct klp_site;

/**
 * struct klp_func - one function to replace
 * @old_name:	name of the function to replace, as kallsyms knows it
 * @new_func:	the replacement; it must have the same prototype
 * @old_sympos:	which of several same-named symbols of the object is meant:
 *		0 means the name must be unique in the object, n > 0 picks the
 *		n-th occurrence in kallsyms order
 * @old_func:	private: the old function, once resolved (tools read it)
 * @old_size:	private: size of the old function
 * @new_size:	private: size of the new function
 * @site:	private: the redirection site (ftrace location) it patches
 * @stack_node:	private: entry on the site's stack of functions, newest first
 * @node:	private: entry on the object's list of functions
 * @kobj:	private: sysfs directory "<old_name>,<sympos>"
 * @nop:	private: an atomic-replace entry that restores the old code
 * @patched:	private: @stack_node is on the site's stack
 * @transition:	private: the function changes in the running transition
 */
struct klp_func {
	/* set by the patch author */
	const char *old_name;
	void *new_func;
	unsigned long old_sympos;

	/* private */
	void *old_func;
	unsigned long old_size;
	unsigned long new_size;
	struct klp_site *site;
	struct list_head stack_node;
	struct list_head node;
	struct kobject kobj;
	bool transition;
	bool patched;
	bool nop;
};

/**
 * struct klp_callbacks - hooks run around (un)patching of one object
 * @pre_patch:		before the object is patched; a negative errno refuses
 *			the patch (or the load of the module it targets)
 * @post_patch:		after the patching transition completed
 * @pre_unpatch:	before the unpatching transition starts
 * @post_unpatch:	after the object was unpatched
 * @post_unpatch_enabled: private: pre_patch succeeded (or there is none),
 *			so post_unpatch is owed
 *
 * Callbacks run only for objects that are loaded.  post_unpatch runs only
 * where pre_patch ran and succeeded; pre_unpatch only where post_patch ran.
 * See Documentation/livepatch/callbacks.rst.
 */
struct klp_callbacks {
	/* set by the patch author */
	int (*pre_patch)(struct klp_object *object);
	void (*post_patch)(struct klp_object *object);
	void (*pre_unpatch)(struct klp_object *object);
	void (*post_unpatch)(struct klp_object *object);

	/* private */
	bool post_unpatch_enabled;
};

/**
 * struct klp_object - the functions of one patched object
 * @name:	module name, or NULL for vmlinux
 * @funcs:	functions to replace, ended by a zeroed entry
 * @callbacks:	optional hooks, see struct klp_callbacks
 * @mod:	private: the module while it is loaded and known to livepatch,
 *		NULL for vmlinux (authors may read ->name and ->state)
 * @kobj:	private: sysfs directory "vmlinux" or the module name
 * @func_list:	private: the object's functions, static and no-op ones
 * @node:	private: entry on the patch's list of objects
 * @dynamic:	private: allocated by the core for atomic replace
 * @patched:	private: the object's functions are redirected
 * @post_patch_ran: private: post_patch ran, pre_unpatch is owed
 */
struct klp_object {
	/* set by the patch author */
	const char *name;
	struct klp_func *funcs;
	struct klp_callbacks callbacks;

	/* private */
	struct module *mod;
	struct kobject kobj;
	struct list_head func_list;
	struct list_head node;
	bool dynamic;
	bool patched;
	bool post_patch_ran;
};

/**
 * struct klp_state - a change of system state a patch owns
 * @id:		non-zero identifier, unique in the patch
 * @version:	version of the change; a cumulative patch must carry every
 *		state of the patches it replaces, at the same or a higher version
 * @data:	free for the patch's own use (callbacks usually set it)
 */
struct klp_state {
	unsigned long id;
	void *data;
	unsigned int version;
};

/**
 * struct klp_patch - a live patch
 * @mod:	the livepatch module (THIS_MODULE)
 * @objs:	patched objects, ended by a zeroed entry
 * @states:	optional system states, ended by an entry with id 0
 * @replace:	replace every patch enabled before this one (cumulative patch)
 * @kobj:	private: /sys/kernel/livepatch/<module name>
 * @list:	private: entry on the list of registered patches
 * @obj_list:	private: the patch's objects, static and dynamic ones
 * @enabled:	private: the patch is enabled or being enabled
 * @forced:	private: a forced transition touched it; its module stays
 * @timeout_ms:	private: reverse a transition of this patch that stalls
 *		this long (sysfs transition_timeout_ms); -1: the default
 * @free_work:	private: releases the patch outside sysfs callbacks
 * @finish:	private: completed when @kobj was released
 */
struct klp_patch {
	/* set by the patch author */
	struct module *mod;
	struct klp_object *objs;
	struct klp_state *states;
	bool replace;

	/* private */
	struct kobject kobj;
	struct list_head list;
	struct list_head obj_list;
	bool enabled;
	bool forced;
	int timeout_ms;
	struct work_struct free_work;
	struct completion finish;
};

/*
 * Walks over a patch's objects and an object's functions.  The _static
 * ones walk the arrays the author wrote, up to their zeroed terminator,
 * and work before klp_enable_patch(); the others walk the lists the core
 * builds from them once the patch is registered, which also hold the
 * entries the core adds for an atomic replace.
 */
#define klp_for_each_object_static(patch, obj) \
	for (obj = (patch)->objs; obj->funcs || obj->name; obj++)

#define klp_for_each_object(patch, obj) \
	list_for_each_entry(obj, &(patch)->obj_list, node)

#define klp_for_each_object_safe(patch, obj, tmp) \
	list_for_each_entry_safe(obj, tmp, &(patch)->obj_list, node)

#define klp_for_each_func_static(obj, func) \
	for (func = (obj)->funcs; \
	     func->old_name || func->new_func || func->old_sympos; \
	     func++)

#define klp_for_each_func(obj, func) \
	list_for_each_entry(func, &(obj)->func_list, node)

#define klp_for_each_func_safe(obj, func, tmp) \
	list_for_each_entry_safe(func, tmp, &(obj)->func_list, node)

int klp_enable_patch(struct klp_patch *patch);

/* Called by fork, the entry code and the idle loop. */
void klp_copy_process(struct task_struct *child);
void klp_update_patch_state(struct task_struct *task);

/* Called by the module loader. */
int klp_module_coming(struct module *mod);
void klp_module_going(struct module *mod);

/**
 * klp_patch_pending() - does @task still have to change its patch state?
 * @task:	the task to ask about
 *
 * Return: true while @task is part of a transition and not yet switched.
 */
static inline bool klp_patch_pending(struct task_struct *task)
{
	return test_tsk_thread_flag(task, TIF_PATCH_PENDING);
}

/**
 * klp_have_reliable_stack() - can the consistency model inspect stacks?
 *
 * Return: true when stack_trace_save_tsk_reliable() is available.
 */
static inline bool klp_have_reliable_stack(void)
{
	return IS_ENABLED(CONFIG_HAVE_RELIABLE_STACKTRACE) &&
	       IS_ENABLED(CONFIG_STACKTRACE);
}

typedef int (*klp_shadow_ctor_t)(void *obj, void *shadow_data,
				 void *ctor_data);
typedef void (*klp_shadow_dtor_t)(void *obj, void *shadow_data);

void *klp_shadow_get(void *obj, unsigned long id);
void *klp_shadow_alloc(void *obj, unsigned long id, size_t size,
		       gfp_t gfp_flags, klp_shadow_ctor_t ctor,
		       void *ctor_data);
void *klp_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			      gfp_t gfp_flags, klp_shadow_ctor_t ctor,
			      void *ctor_data);
void klp_shadow_free(void *obj, unsigned long id, klp_shadow_dtor_t dtor);
void klp_shadow_free_all(unsigned long id, klp_shadow_dtor_t dtor);

struct klp_state *klp_get_prev_state(unsigned long id);
struct klp_state *klp_get_state(struct klp_patch *patch, unsigned long id);

/* The module loader: .klp.rela sections of a livepatch module. */
int klp_apply_section_relocs(struct module *pmod, Elf_Shdr *sechdrs,
			     const char *shstrtab, const char *strtab,
			     unsigned int symindex, unsigned int secindex,
			     const char *objname);

#else /* CONFIG_LIVEPATCH is not set */

/* What the rest of the kernel calls, as no-ops. */
static inline void klp_copy_process(struct task_struct *child) {}
static inline bool klp_patch_pending(struct task_struct *task) { return false; }
static inline void klp_update_patch_state(struct task_struct *task) {}
static inline int klp_module_coming(struct module *mod) { return 0; }
static inline void klp_module_going(struct module *mod) {}

/* Without livepatch, no module carries such sections that it needs. */
static inline int klp_apply_section_relocs(struct module *pmod,
					   Elf_Shdr *sechdrs,
					   const char *shstrtab,
					   const char *strtab,
					   unsigned int symindex,
					   unsigned int secindex,
					   const char *objname)
{
	return 0;
}

#endif /* !CONFIG_LIVEPATCH */

#endif /* _LINUX_LIVEPATCH_H_ */
