#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: writing 1 to "force" completes a transition that a
#   sleeping task holds up, for patching and for unpatching; 0 is a
#   no-op, and 1 is refused when the patch is not in transition.  A
#   forced task keeps running the code it was in.  After a forced
#   unpatching the patch is gone but its module stays pinned: rmmod is
#   refused, even once nothing runs its code any more.  Needs a fresh
#   boot: the pinned test_klp_trans_force cannot be loaded again.
# requires: test_klp_trans_target, test_klp_trans_force
. "$(dirname "$0")/klp_transition.sh"

T=$KLP_TRANS_TARGET
P=test_klp_trans_force
PATCHED="patched by $P"

klp_trans_setup
# klp_setup removed every test module that it could.
klp_is_loaded $P &&
	klp_skip "$P is still loaded, pinned by an earlier forced transition:" \
		"this test needs a fresh boot"

klp_log_start
klp_insert $T
klp_trans_gate closed

# A forced patching.
klp_trans_sleep klp_sleeper_a
A=$(klp_trans_pid klp_sleeper_a)
klp_insert $P
klp_patch_exists $P || klp_fail "$P loaded without $KLP_SYSFS/$P"
klp_trans_expect_eventually "patch_state of this shell once it switched" 1 klp_trans_state $$
klp_expect "$P/transition while the sleeper is in the original" 1 "$(klp_trans_transition $P)"
klp_trans_write 0 $KLP_SYSFS/$P/force
klp_expect "$P/transition after writing 0 to force" 1 "$(klp_trans_transition $P)"
klp_expect "patch_state of the sleeper after writing 0 to force" 0 "$(klp_trans_state "$A")"
klp_trans_write 1 $KLP_SYSFS/$P/force
klp_wait_until "done with the forced patching of $P" klp_transition_done $P
klp_expect "$P/enabled after the forced patching" 1 "$(klp_attr $P enabled)"
klp_expect "patch_state of the forced sleeper" -1 "$(klp_trans_state "$A")"
klp_expect "waiters after the forced patching (the sleeper still sleeps)" 1 "$(klp_trans_waiters)"
klp_trans_write_refused 1 $KLP_SYSFS/$P/force

# A forced unpatching, with a sleeper in the patch module's code.
klp_trans_sleep klp_sleeper_b
klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_trans_expect_eventually "patch_state of this shell once it switched back" 0 klp_trans_state $$
klp_expect "$P/transition while the sleeper is in the patch" 1 "$(klp_trans_transition $P)"
klp_trans_write 1 $KLP_SYSFS/$P/force
klp_wait_until "rid of $KLP_SYSFS/$P after the forced unpatching" klp_patch_gone $P
klp_expect "waiters after the forced unpatching (both still sleep)" 2 "$(klp_trans_waiters)"

rmmod_pinned() {
	klp_log "% rmmod $P"
	if rmmod $P >/dev/null 2>&1; then
		klp_expect "rmmod $P $1" refused removed
	else
		klp_expect "rmmod $P $1" refused "refused"
	fi
	klp_expect "$P still loaded $1" yes "$(klp_is_loaded $P && echo yes || echo no)"
}
rmmod_pinned "while a task sleeps in its code"

klp_trans_gate open
klp_expect "what the forced sleeper in the original returned" original \
	"$(klp_trans_result klp_sleeper_a)"
klp_expect "what the forced sleeper in the patch returned" "$PATCHED" \
	"$(klp_trans_result klp_sleeper_b)"
rmmod_pinned "once nothing runs its code"

klp_remove $T

klp_trans_expect_log "% modprobe $T
% echo closed > $KLP_TRANS_DBG/gate
% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
% echo 0 > $KLP_SYSFS/$P/force
% echo 1 > $KLP_SYSFS/$P/force
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete
% echo 1 > $KLP_SYSFS/$P/force
% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
% echo 1 > $KLP_SYSFS/$P/force
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete
% rmmod $P
% echo open > $KLP_TRANS_DBG/gate
% rmmod $P
% rmmod $T"

klp_done
