#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: reversing the unpatching of a cumulative patch keeps the
#   patches stacked on top of it.  A replace patch P, then a plain patch
#   L on top (it changes /proc/cmdline); a task sleeps in P's trans_wait()
#   so that disabling P stays in transition; writing 1 to P/enabled
#   reverses that, and when P is patched again it replaces only what is
#   older than P: L keeps its directory, enabled=1, its stack_order above
#   P's, its hold on its module and /proc/cmdline; none of L's unpatch
#   callbacks run.  Then both are disabled normally.
# requires: test_klp_trans_target, test_klp_trans_patch (replace=1),
#   test_klp_layer1
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
L=test_klp_layer1
PATCHED="patched by $P"

klp_insert $T
cmdline=$(cat /proc/cmdline)
klp_log_start
klp_load $P replace=1
klp_expect "$P/replace" 1 "$(klp_attr $P replace)"
klp_load $L
klp_expect "/proc/cmdline with $L on top of $P" $L "$(cat /proc/cmdline)"

klp_trans_gate closed
klp_trans_sleep klp_sleeper_a
klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_expect "$P/transition while a task sleeps in its code" 1 \
	"$(klp_trans_transition $P)"
klp_trans_write 1 $KLP_SYSFS/$P/enabled
klp_wait_until "done with the reversed transition of $P" klp_transition_done $P

klp_expect "$P/enabled after the reversal" 1 "$(klp_attr $P enabled)"
klp_expect "patches after the reversal" "$L $P" "$(klp_test_patches)"
klp_expect "$L/enabled after the reversal" 1 "$(klp_attr $L enabled)"
klp_expect "$L/vmlinux/patched after the reversal" 1 \
	"$(klp_attr $L vmlinux/patched)"
if [ -e "$KLP_SYSFS/$P/stack_order" ]; then
	klp_expect "stack_order of $P, $L" "1 2" \
		"$(klp_attr $P stack_order) $(klp_attr $L stack_order)"
fi
klp_expect "/proc/cmdline after the reversal" $L "$(cat /proc/cmdline)"
klp_expect "refcnt of $L (held by its patch)" 1 \
	"$(cat /sys/module/$L/refcnt 2>/dev/null)"

klp_trans_gate open
klp_expect "what the sleeper returned" "$PATCHED" \
	"$(klp_trans_result klp_sleeper_a)"

klp_disable $L
klp_expect "/proc/cmdline once $L is disabled" "$cmdline" "$(cat /proc/cmdline)"
klp_disable $P
klp_remove $L
klp_remove $P
klp_remove $T

klp_trans_expect_log "% modprobe $P replace=1
$(klp_expected_enable $P)
% modprobe $L
$(klp_expected_enable $L vmlinux)
% echo closed > $KLP_TRANS_DBG/gate
% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
% echo 1 > $KLP_SYSFS/$P/enabled
livepatch: '$P': reversing transition from unpatching to patching
livepatch: '$P': starting patching transition
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete
% echo open > $KLP_TRANS_DBG/gate
$(klp_expected_disable $L vmlinux)
$(klp_expected_disable $P)
% rmmod $L
% rmmod $P
% rmmod $T"

klp_done
