#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: writing the opposite value to "enabled" while a transition
#   is pending reverses it.  Patching reversed: a task still in the
#   original trans_wait() no longer holds it up, one that switched and
#   sleeps in the patched trans_wait() does, until released; then the
#   patch is unpatched and gone.  Unpatching reversed: the other way
#   round, and the patch ends up enabled.  Each sleeper returns through
#   the version it entered; the kernel logs the reversals (debug level).
# requires: test_klp_trans_target, test_klp_trans_patch
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
PATCHED="patched by $P"

klp_log_start
klp_insert $T
klp_trans_gate closed

# Patching, reversed while a sleeper is in each version.
klp_trans_sleep klp_sleeper_a
A=$(klp_trans_pid klp_sleeper_a)
klp_insert $P
klp_patch_exists $P || klp_fail "$P loaded without $KLP_SYSFS/$P"
klp_trans_expect_eventually "patch_state of this shell once it switched" 1 klp_trans_state $$
klp_trans_sleep klp_sleeper_b
B=$(klp_trans_pid klp_sleeper_b)
klp_expect "patch_state of the sleeper in the original" 0 "$(klp_trans_state "$A")"
klp_expect "patch_state of the sleeper in the patch" 1 "$(klp_trans_state "$B")"
klp_expect "$P/transition before the reversal" 1 "$(klp_trans_transition $P)"

klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_expect "$P/enabled after the reversal" 0 "$(klp_attr $P enabled)"
klp_trans_expect_eventually "patch_state of this shell once it switched back" 0 klp_trans_state $$
klp_expect "$P/transition while a sleeper is in the patch" 1 "$(klp_trans_transition $P)"
klp_expect "patch_state of the sleeper in the original (now the target)" 0 "$(klp_trans_state "$A")"
klp_expect "patch_state of the sleeper in the patch" 1 "$(klp_trans_state "$B")"
klp_trans_write_refused 0 $KLP_SYSFS/$P/enabled

klp_trans_gate open
klp_expect "what the sleeper in the original returned" original "$(klp_trans_result klp_sleeper_a)"
klp_expect "what the sleeper in the patch returned" "$PATCHED" "$(klp_trans_result klp_sleeper_b)"
klp_wait_until "rid of $KLP_SYSFS/$P" klp_patch_gone $P
klp_expect "patch_state of this shell after the reversed patching" -1 "$(klp_trans_state $$)"
klp_remove $P

# Unpatching, reversed while a sleeper is in each version.
klp_load $P
klp_trans_gate closed
klp_trans_sleep klp_sleeper_c
C=$(klp_trans_pid klp_sleeper_c)
klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_trans_expect_eventually "patch_state of this shell once it switched" 0 klp_trans_state $$
klp_trans_sleep klp_sleeper_d
D=$(klp_trans_pid klp_sleeper_d)
klp_expect "patch_state of the sleeper in the patch" 1 "$(klp_trans_state "$C")"
klp_expect "patch_state of the sleeper in the original" 0 "$(klp_trans_state "$D")"

klp_trans_write 1 $KLP_SYSFS/$P/enabled
klp_expect "$P/enabled after the reversal" 1 "$(klp_attr $P enabled)"
klp_trans_expect_eventually "patch_state of this shell once it switched back" 1 klp_trans_state $$
klp_expect "$P/transition while a sleeper is in the original" 1 "$(klp_trans_transition $P)"
klp_expect "patch_state of the sleeper in the patch (now the target)" 1 "$(klp_trans_state "$C")"
klp_expect "patch_state of the sleeper in the original" 0 "$(klp_trans_state "$D")"

klp_trans_gate open
klp_expect "what the sleeper in the patch returned" "$PATCHED" "$(klp_trans_result klp_sleeper_c)"
klp_expect "what the sleeper in the original returned" original "$(klp_trans_result klp_sleeper_d)"
klp_wait_until "done with the transition of $P" klp_transition_done $P
klp_expect "$P/enabled after the reversed unpatching" 1 "$(klp_attr $P enabled)"
klp_expect "patch_state of this shell after the reversed unpatching" -1 "$(klp_trans_state $$)"
klp_expect "$P/$T/patched after the reversed unpatching" 1 "$(klp_attr $P $T/patched)"

klp_disable $P
klp_remove $P
klp_remove $T

klp_trans_expect_log "% modprobe $T
% echo closed > $KLP_TRANS_DBG/gate
% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': reversing transition from patching to unpatching
livepatch: '$P': starting unpatching transition
% echo 0 > $KLP_SYSFS/$P/enabled
% echo open > $KLP_TRANS_DBG/gate
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete
% rmmod $P
% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete
% echo closed > $KLP_TRANS_DBG/gate
% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
% echo 1 > $KLP_SYSFS/$P/enabled
livepatch: '$P': reversing transition from unpatching to patching
livepatch: '$P': starting patching transition
% echo open > $KLP_TRANS_DBG/gate
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete
% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete
% rmmod $P
% rmmod $T"

klp_done
