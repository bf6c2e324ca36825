#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: hostile patches are refused cleanly, one case per
#   malformed struct klp_patch (test_klp_refuse defect=..., see its
#   source), failing callback or sympos (the calls below): the load
#   (modprobe of the patch, or of test_klp_target when the patch was for
#   it) fails with the errno of the case; the kernel logs one
#   "livepatch:" line naming the patch, object and function (or the
#   lines the interface prescribes, for failing callbacks); no kernel
#   report (WARNING, BUG, stack dump); the refused module is not loaded;
#   the test patches in /sys/kernel/livepatch and ftrace's
#   enabled_functions are as before; and a valid patch loads, works and
#   goes afterwards.  Prints a table: case, expected errno, got, result,
#   and the number of distinct hostile inputs.  HOSTILE_CASES="<glob>..."
#   runs only the cases whose names match.
# requires: test_klp_target, test_klp_refuse, test_klp_basic and
#   test_klp_state_1.  On upstream 6.12 (no /sys/kernel/debug/livepatch)
#   each case expects upstream's own behaviour, which
#   Documentation/livepatch/differences.rst explains where it differs;
#   cases that make upstream warn or dump the stack are not run there
#   (the harness fails a run on any such report).
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_hostile.sh"
klp_setup

klp_insert $T

klp_say "=== patches that klp_enable_patch() must refuse"
refuse_case duplicate_object EINVAL \
	skip:"oopses (kobject initialized twice, then a GPF in __klp_free_objects)" \
	"1|'$R': object '$T' appears twice" refuse $R defect=duplicate_object
refuse_case duplicate_vmlinux EINVAL \
	skip:"sysfs dumps the stack; EEXIST, which modprobe takes for success" \
	"1|'$R': object 'vmlinux' appears twice" refuse $R defect=duplicate_vmlinux
refuse_case vmlinux_named_object EINVAL loads \
	"1|'$R': object name 'vmlinux' is not a module name" refuse \
	$R defect=vmlinux_named
refuse_case empty_object_name EINVAL skip:"EINVAL after a WARNING in kobject_add_internal()" \
	"1|'$R': object name '' is not a module name" refuse \
	$R defect=empty_object_name
refuse_case empty_function_name EINVAL EINVAL \
	"1|'$R': object 'vmlinux': function '' (sympos 0) not found" refuse \
	$R defect=empty_func_name
refuse_case sympos_0_and_1_one_address EINVAL \
	skip:"sysfs dumps the stack; EEXIST, which modprobe takes for success" \
	"1|'$R': object '$T': function 'tgt_answer,1' appears twice" refuse \
	$R defect=sympos_alias
log="1|'$R': object 'vmlinux': function 'cmdline_proc_show'"
log+=" (sympos $ULONG_MAX) has no such position"
refuse_case huge_sympos_vmlinux EINVAL EINVAL "$log" \
	refuse $R defect=huge_sympos
refuse_case huge_sympos_module EINVAL EINVAL \
	"1|'$R': object '$T': function 'tgt_answer' (sympos $ULONG_MAX) has no such position" \
	refuse $R defect=huge_sympos_module
refuse_case duplicate_state_id EINVAL loads \
	"1|'$R': state id 1802268755 appears twice" refuse \
	$R defect=duplicate_state
refuse_case patch_without_module EINVAL EINVAL \
	"1|patch->mod is NULL" refuse $R defect=no_mod
refuse_case patch_without_objects EINVAL EINVAL \
	"1|'$R': patch has no objects array" refuse $R defect=no_objects

klp_say "=== refused at a replace, or when the module comes"
over_case duplicate_state_id_replacing test_klp_state_1 EINVAL loads \
	"1|'$R': state id 1802268755 appears twice" \
	defect=duplicate_state replace=1
over_case pre_patch_fails_replacing test_klp_basic EDOM EDOM \
	"=livepatch: enabling patch '$R'
livepatch: '$R': initializing patching transition
livepatch: pre-patch callback failed for object 'vmlinux'
livepatch: failed to enable patch '$R'
livepatch: '$R': canceling patching transition, going to unpatch
livepatch: '$R': completing unpatching transition
livepatch: '$R': unpatching complete" \
	defect=pre_patch_fails replace=1
later_case pre_patch_fails_module_coming EDOM EDOM \
	"=livepatch: applying patch '$R' to loading module '$T'
livepatch: pre-patch callback failed for object '$T'
livepatch: patch '$R' failed for module '$T', refusing to load module '$T'" \
	defect=target_pre_patch_fails
log="2|livepatch: '$R': object '$T': function 'tgt_answer'"
log+=" (sympos $ULONG_MAX) has no such position"
log+="|livepatch: patch '$R' failed for module '$T', refusing to load module '$T'"
later_case huge_sympos_module_coming EINVAL EINVAL "$log" \
	defect=huge_sympos_module

klp_remove $T
hostile_done "hostile patch modules"
