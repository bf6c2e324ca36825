#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: API misuse that a careful livepatch refuses cleanly: a
#   patch that names one function twice fails with EINVAL and leaves
#   nothing behind; a second klp_enable_patch() of a patch that is already
#   enabled fails with an errno and leaves the patch as it was.
# requires: a livepatch that checks a patch before publishing it in sysfs.
#   Upstream 6.12 does not: a duplicate function fails only after sysfs
#   has warned about the duplicate name with a stack dump, and a second
#   klp_enable_patch() re-initializes the live patch.  This test runs only
#   on this tree's livepatch, recognized by /sys/kernel/debug/livepatch/,
#   which upstream does not have; elsewhere it is skipped.
# requires: test_klp_refuse
. "$(dirname "$0")/klp_common.sh"
klp_setup

P=test_klp_refuse

[ -d /sys/kernel/debug/livepatch ] ||
	klp_skip "this livepatch does not check patches for duplicate functions" \
		"and double registration" \
		"(no /sys/kernel/debug/livepatch: not this tree's livepatch)"

cmdline=$(cat /proc/cmdline)

klp_say "--- a function named twice"
klp_load_refused EINVAL $P defect=duplicate_func
klp_expect "/proc/cmdline" "$cmdline" "$(cat /proc/cmdline)"

klp_say "--- klp_enable_patch() twice"
klp_load $P defect=enable_twice
second=$(klp_param $P second_ret)
klp_expect "the second klp_enable_patch() fails" yes \
	"$([ "$second" -lt 0 ] 2>/dev/null && echo yes || echo "no, it returned '$second'")"
klp_say "it returned $second"
klp_expect "patches in $KLP_SYSFS" $P "$(klp_test_patches)"
klp_expect "$P/enabled" 1 "$(klp_attr $P enabled)"
klp_expect "/proc/cmdline" "$P: patched cmdline_proc_show" "$(cat /proc/cmdline)"
klp_disable $P
klp_expect "/proc/cmdline once disabled" "$cmdline" "$(cat /proc/cmdline)"
klp_remove $P

klp_done
