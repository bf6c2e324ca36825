#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: malformed patches are refused: for each row of the table
#   below, loading the module fails with the errno of the row, and
#   neither the module nor a /sys/kernel/livepatch directory remains;
#   nothing patched stays patched.  A second copy of an enabled patch
#   module is refused by the module loader (EEXIST) and leaves the first
#   alone.  A valid patch loads afterwards.  The wording of the kernel's
#   log lines for these differs between implementations: not checked.
# requires: test_klp_target, test_klp_refuse, test_klp_sympos,
#   test_klp_notlp, test_klp_basic, and test_klp_rela_badsym.ko converted
#   by klp_rela.py at install time
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
BADSYM=$KLP_DIR/test_klp_rela_badsym.ko

# errno | module or .ko file | parameters | the defect
ROWS=(
"EINVAL|test_klp_refuse|defect=unknown_func|a vmlinux function that does not exist"
"EINVAL|test_klp_refuse|defect=module_func_missing|"\
"a function the (loaded) module object does not have"
"EINVAL|test_klp_refuse|defect=long_object_name|an object name longer than a module name"
"EINVAL|test_klp_refuse|defect=long_func_name|a function name longer than KSYM_NAME_LEN"
"EINVAL|test_klp_refuse|defect=null_funcs|an object with a NULL funcs array"
"EINVAL|test_klp_refuse|defect=no_new_func|a function with a NULL new_func"
"EINVAL|test_klp_refuse|defect=no_old_name|a function with a NULL old_name"
"EINVAL|test_klp_refuse|defect=no_objects|a patch with a NULL objs array"
"EINVAL|test_klp_refuse|defect=notrace_func|a notrace function"
"EDOM|test_klp_refuse|defect=pre_patch_fails|a pre_patch callback failing with -EDOM"
"EINVAL|test_klp_sympos|pos=0|an ambiguous name without old_sympos"
"EINVAL|test_klp_sympos|pos=3|an old_sympos past the last symbol of that name"
"EINVAL|test_klp_notlp||a module without MODULE_INFO(livepatch)"
"EINVAL|$BADSYM||a malformed .klp.sym symbol name"
)

[ -f "$BADSYM" ] ||
	klp_fail "no $BADSYM: the kselftest Makefile makes it from \$KDIR/lib/livepatch"

klp_insert $T
cmdline=$(cat /proc/cmdline)
answer=$(klp_param $T answer)
twins=$(klp_param $T twins)
untraceable=$(klp_param $T untraceable)

for row in "${ROWS[@]}"; do
	IFS='|' read -r errno mod params defect <<< "$row"
	klp_say "--- $defect"
	# shellcheck disable=SC2086 # no parameter, or one
	klp_load_refused "$errno" "$mod" $params
	klp_expect "patches left in $KLP_SYSFS" "" \
		"$(klp_test_patches)"
	klp_expect "/proc/cmdline" "$cmdline" "$(cat /proc/cmdline)"
	klp_expect "$T answer, twins, untraceable" "$answer|$twins|$untraceable" \
		"$(klp_param $T answer)|$(klp_param $T twins)|$(klp_param $T untraceable)"
done

klp_say "--- the same patch module loaded twice"
P=test_klp_basic
klp_load $P
out=$(insmod "$(modinfo -n $P)" 2>&1)
klp_expect "a second insmod of $P is refused with" EEXIST "$(klp_errno "$out")"
klp_expect "patches in $KLP_SYSFS" $P "$(klp_test_patches)"
klp_expect "$P/enabled" 1 "$(klp_attr $P enabled)"
klp_expect "/proc/cmdline" "$P: patched cmdline_proc_show" "$(cat /proc/cmdline)"
klp_disable $P
klp_remove $P

klp_say "--- a valid patch, after all that"
P=test_klp_refuse
klp_load $P
klp_expect "/proc/cmdline with the valid $P" "$P: patched cmdline_proc_show" \
	"$(cat /proc/cmdline)"
klp_disable $P
klp_remove $P
klp_expect "/proc/cmdline at the end" "$cmdline" "$(cat /proc/cmdline)"

klp_done
