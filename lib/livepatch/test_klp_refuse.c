// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_refuse - a livepatch with the one defect named by defect=...:
 *
 *   unknown_func         a vmlinux function that does not exist
 *   module_func_missing  a function that test_klp_target does not have
 *                        (noticed only while test_klp_target is loaded)
 *   long_object_name     an object name longer than any module name
 *   long_func_name       a function name longer than KSYM_NAME_LEN
 *   null_funcs           an object without a funcs array
 *   no_new_func          a function without its replacement
 *   no_old_name          a replacement without the name of what it replaces
 *   no_objects           a patch without an objs array
 *   notrace_func         test_klp_target's notrace tgt_untraceable()
 *   pre_patch_fails      a vmlinux pre_patch callback returning -EDOM
 *   duplicate_func       the same function twice in one object
 *   enable_twice         a valid patch passed to klp_enable_patch() twice;
 *                        the module loads and parameter second_ret holds
 *                        what the second call returned
 *
 * and the hostile ones of test-hostile-modules.sh:
 *
 *   duplicate_object     test_klp_target listed as two objects
 *   duplicate_vmlinux    vmlinux listed as two objects (other functions)
 *   vmlinux_named        the vmlinux object named "vmlinux" (not NULL)
 *   empty_object_name    a module object named ""
 *   empty_func_name      a vmlinux function named ""
 *   sympos_alias         tgt_answer under old_sympos 0 and 1: one address
 *   huge_sympos          cmdline_proc_show with old_sympos ULONG_MAX
 *   huge_sympos_module   tgt_answer with old_sympos ULONG_MAX (refused
 *                        when test_klp_target is or becomes loaded)
 *   target_pre_patch_fails  test_klp_target's pre_patch returns -EDOM
 *                        (refuses test_klp_target when it loads later)
 *   duplicate_state      state id 0x6b6c7053 listed twice
 *   no_mod               a patch whose mod field is NULL
 *
 * Parameter replace=1 makes any of them an atomic replace patch.
 *
 * Without defect= the patch is valid: it replaces cmdline_proc_show().
 * An unknown defect name fails the load with EBADRQC, an errno no
 * livepatch refusal gives.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>

static char *defect = "";
module_param(defect, charp, 0444);
MODULE_PARM_DESC(defect, "the defect of the patch (see the source)");

static bool replace;
module_param(replace, bool, 0444);
MODULE_PARM_DESC(replace, "register as an atomic replace patch (default: N)");

static int second_ret;
module_param(second_ret, int, 0444);
MODULE_PARM_DESC(second_ret, "defect=enable_twice: result of the second klp_enable_patch()");

static int refuse_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, KBUILD_MODNAME ": patched cmdline_proc_show\n");
	return 0;
}

static const char *refuse_tgt_func(void)
{
	return "patched by " KBUILD_MODNAME;
}

static int refuse_pre_patch(struct klp_object *obj)
{
	return -EDOM;
}

static char long_object_name[MODULE_NAME_LEN + 8];
static char long_func_name[KSYM_NAME_LEN + 8];

/* The valid patch that each defect spoils; spare zeroed entries at the end. */
static struct klp_func vmlinux_funcs[3] = {
	{ .old_name = "cmdline_proc_show", .new_func = refuse_cmdline_proc_show },
};

static struct klp_func target_funcs[3];

static struct klp_func other_vmlinux_funcs[] = {
	{ .old_name = "version_proc_show", .new_func = refuse_cmdline_proc_show },
	{ }
};

static struct klp_object refuse_objs[4] = {
	{ .name = NULL /* vmlinux */, .funcs = vmlinux_funcs },
};

/* The state of test_klp_state_*.c (test_klp_state.h), listed twice. */
static struct klp_state refuse_states[3] = {
	{ .id = 0x6b6c7053UL, .version = 1 },
};

static struct klp_patch refuse_patch = {
	.mod = THIS_MODULE,
	.objs = refuse_objs,
};

/* Add test_klp_target as the second object, patching @func. */
static void refuse_add_target(const char *name, struct klp_func *funcs,
			      const char *func)
{
	refuse_objs[1].name = name;
	refuse_objs[1].funcs = funcs;
	target_funcs[0].old_name = func;
	target_funcs[0].new_func = refuse_tgt_func;
}

static void unknown_func(void)
{
	vmlinux_funcs[0].old_name = "test_klp_no_such_function";
}

static void module_func_missing(void)
{
	refuse_add_target("test_klp_target", target_funcs, "tgt_no_such_function");
}

static void long_object(void)
{
	memset(long_object_name, 'm', sizeof(long_object_name) - 1);
	refuse_add_target(long_object_name, target_funcs, "tgt_answer");
}

static void long_func(void)
{
	memset(long_func_name, 'f', sizeof(long_func_name) - 1);
	vmlinux_funcs[0].old_name = long_func_name;
}

static void null_funcs(void)
{
	refuse_add_target("test_klp_target", NULL, "tgt_answer");
}

static void no_new_func(void)
{
	vmlinux_funcs[0].new_func = NULL;
}

static void no_old_name(void)
{
	vmlinux_funcs[0].old_name = NULL;
}

static void no_objects(void)
{
	refuse_patch.objs = NULL;
}

static void notrace_func(void)
{
	refuse_add_target("test_klp_target", target_funcs, "tgt_untraceable");
}

static void pre_patch_fails(void)
{
	refuse_objs[0].callbacks.pre_patch = refuse_pre_patch;
}

static void duplicate_func(void)
{
	vmlinux_funcs[1] = vmlinux_funcs[0];
}

static void duplicate_object(void)
{
	refuse_add_target("test_klp_target", target_funcs, "tgt_answer");
	refuse_objs[2] = refuse_objs[1];
}

static void duplicate_vmlinux(void)
{
	refuse_objs[1].funcs = other_vmlinux_funcs;
}

static void vmlinux_named(void)
{
	refuse_objs[0].name = "vmlinux";
}

static void empty_object_name(void)
{
	refuse_add_target("", target_funcs, "tgt_answer");
}

static void empty_func_name(void)
{
	vmlinux_funcs[0].old_name = "";
}

static void sympos_alias(void)
{
	refuse_add_target("test_klp_target", target_funcs, "tgt_answer");
	target_funcs[1] = target_funcs[0];
	target_funcs[1].old_sympos = 1;
}

static void huge_sympos(void)
{
	vmlinux_funcs[0].old_sympos = ULONG_MAX;
}

static void huge_sympos_module(void)
{
	refuse_add_target("test_klp_target", target_funcs, "tgt_answer");
	target_funcs[0].old_sympos = ULONG_MAX;
}

static void target_pre_patch_fails(void)
{
	refuse_add_target("test_klp_target", target_funcs, "tgt_answer");
	refuse_objs[1].callbacks.pre_patch = refuse_pre_patch;
}

static void duplicate_state(void)
{
	refuse_states[1] = refuse_states[0];
	refuse_patch.states = refuse_states;
}

static void no_mod(void)
{
	refuse_patch.mod = NULL;
}

static void valid(void)
{
}

static const struct {
	const char *name;
	void (*spoil)(void);
} refuse_defects[] = {
	{ "",			valid },
	{ "enable_twice",	valid },
	{ "unknown_func",	unknown_func },
	{ "module_func_missing", module_func_missing },
	{ "long_object_name",	long_object },
	{ "long_func_name",	long_func },
	{ "null_funcs",		null_funcs },
	{ "no_new_func",	no_new_func },
	{ "no_old_name",	no_old_name },
	{ "no_objects",		no_objects },
	{ "notrace_func",	notrace_func },
	{ "pre_patch_fails",	pre_patch_fails },
	{ "duplicate_func",	duplicate_func },
	{ "duplicate_object",	duplicate_object },
	{ "duplicate_vmlinux",	duplicate_vmlinux },
	{ "vmlinux_named",	vmlinux_named },
	{ "empty_object_name",	empty_object_name },
	{ "empty_func_name",	empty_func_name },
	{ "sympos_alias",	sympos_alias },
	{ "huge_sympos",	huge_sympos },
	{ "huge_sympos_module",	huge_sympos_module },
	{ "target_pre_patch_fails", target_pre_patch_fails },
	{ "duplicate_state",	duplicate_state },
	{ "no_mod",		no_mod },
};

static int __init refuse_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(refuse_defects); i++)
		if (!strcmp(defect, refuse_defects[i].name))
			break;
	if (i == ARRAY_SIZE(refuse_defects)) {
		pr_err("unknown defect '%s'\n", defect);
		return -EBADRQC;
	}
	refuse_patch.replace = replace;
	refuse_defects[i].spoil();

	ret = klp_enable_patch(&refuse_patch);
	if (ret || strcmp(defect, "enable_twice"))
		return ret;

	/* The patch is live now: whatever the second call does, stay. */
	second_ret = klp_enable_patch(&refuse_patch);
	return 0;
}

static void __exit refuse_exit(void)
{
}

module_init(refuse_init);
module_exit(refuse_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch kselftests: patches that must be refused");
