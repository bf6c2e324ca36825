#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: /sys/kernel/debug/livepatch/pending names the tasks that a
#   transition waits for, one line "pid comm patch_state reason" each,
#   the reason being the changed function on the task's stack: a task
#   sleeping in the original trans_wait() during patching, in the patched
#   one during unpatching, and after a reversal only the task that the
#   new target leaves behind; a fake signal does not change that.  Empty
#   without a transition.  Our kernel's debugfs interface: skips where it
#   is missing (upstream 6.12).
# requires: test_klp_trans_target, test_klp_trans_patch,
#   /sys/kernel/debug/livepatch/{pending,transitions}
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup
klp_trans_need_debugfs pending
klp_trans_need_debugfs transitions

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
PENDING=$KLP_DEBUGFS/pending

pending() {
	cat $PENDING 2>&1
}

# signalled: the running transition woke or signalled a task.
signalled() {
	tail -n 1 $KLP_DEBUGFS/transitions | grep -qE ' state=running .* signalled=[1-9]'
}

klp_insert $T
klp_expect "$PENDING without a transition" "" "$(pending)"
klp_trans_gate closed

# Patching: the sleeper is in the original, in the initial state 0.
klp_trans_sleep klp_sleeper_a
A=$(klp_trans_pid klp_sleeper_a)
klp_insert $P
klp_patch_exists $P || klp_fail "$P loaded without $KLP_SYSFS/$P"
klp_trans_expect_eventually "$PENDING during patching, once the others switched" \
	"$A klp_sleeper_a 0 trans_wait" pending
# After signal_delay_ms, stuck tasks get fake signals, which do not end
# a killable sleep: the task is still there, and still named.
klp_wait_until "seeing the stuck task signalled" signalled
klp_expect "$PENDING after the fake signals" "$A klp_sleeper_a 0 trans_wait" "$(pending)"
klp_expect "$P/transition after the fake signals" 1 "$(klp_trans_transition $P)"
klp_trans_gate open
klp_expect "what the sleeper returned" original "$(klp_trans_result klp_sleeper_a)"
klp_wait_until "done with the patching transition of $P" klp_transition_done $P
klp_expect "$PENDING after patching" "" "$(pending)"

# Unpatching: the sleeper is in the patch, in the initial state 1.
klp_trans_gate closed
klp_trans_sleep klp_sleeper_b
B=$(klp_trans_pid klp_sleeper_b)
klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_trans_expect_eventually "$PENDING during unpatching, once the others switched" \
	"$B klp_sleeper_b 1 trans_wait" pending

# Reversed to patching: the sleeper in the patch is done, a new one
# forked by this (switched) shell in the original is not.
klp_trans_sleep klp_sleeper_c
C=$(klp_trans_pid klp_sleeper_c)
klp_expect "patch_state of the new sleeper" 0 "$(klp_trans_state "$C")"
klp_trans_write 1 $KLP_SYSFS/$P/enabled
klp_trans_expect_eventually "$PENDING after the reversal, once the others switched" \
	"$C klp_sleeper_c 0 trans_wait" pending
klp_trans_gate open
klp_expect "what the sleeper in the patch returned" "patched by $P" \
	"$(klp_trans_result klp_sleeper_b)"
klp_expect "what the sleeper in the original returned" original "$(klp_trans_result klp_sleeper_c)"
klp_wait_until "done with the transition of $P" klp_transition_done $P
klp_expect "$PENDING after the reversed unpatching" "" "$(pending)"

klp_disable $P
klp_expect "$PENDING after unpatching" "" "$(pending)"
klp_remove $P
klp_remove $T

klp_done
