#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a task sleeping in a function that a patch changes keeps
#   the transition pending: while it sleeps in the original trans_wait(),
#   patching stays in transition ("transition" reads 1) and its
#   /proc/<pid>/patch_state stays 0 while other tasks switch to 1 (a new
#   task inherits 1 and runs the patched code meanwhile); once released,
#   it returns through the original, and the transition completes.  The
#   same for unpatching, with a task in the patched trans_wait().  Every
#   patch_state is -1 before and after the transitions.
# requires: test_klp_trans_target, test_klp_trans_patch
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
PATCHED="patched by $P"

klp_log_start
klp_insert $T
klp_trans_gate closed
klp_trans_sleep klp_sleeper_a
A=$(klp_trans_pid klp_sleeper_a)
sleep 600 &
S=$!
klp_trans_bg=$S
klp_expect "patch_state of the sleeper before patching" -1 "$(klp_trans_state "$A")"
klp_expect "patch_state of a sleeping bystander before patching" -1 "$(klp_trans_state $S)"
klp_expect "patch_state of this shell before patching" -1 "$(klp_trans_state $$)"

# Patching: the sleeper is in the original trans_wait().
klp_insert $P
klp_patch_exists $P || klp_fail "$P loaded without $KLP_SYSFS/$P"
klp_trans_expect_eventually "patch_state of the bystander once it switched" 1 klp_trans_state $S
klp_trans_expect_eventually "patch_state of this shell once it switched" 1 klp_trans_state $$
klp_expect "$P/transition while the sleeper is in the original" 1 "$(klp_trans_transition $P)"
klp_expect "patch_state of the sleeper (the initial state)" 0 "$(klp_trans_state "$A")"
# Longer than our kernel waits before it wakes or signals stuck tasks:
# a killable sleep must survive that.
sleep 2
klp_expect "$P/transition after the stuck tasks were signalled" 1 "$(klp_trans_transition $P)"
klp_expect "patch_state of the sleeper after the signals" 0 "$(klp_trans_state "$A")"
klp_expect "$P/enabled during the transition" 1 "$(klp_attr $P enabled)"

# A task forked by a switched one is switched too: it runs the patch,
# while the first sleeper is still in the original.
klp_trans_sleep klp_sleeper_b
B=$(klp_trans_pid klp_sleeper_b)
klp_expect "patch_state of a task forked by this shell" 1 "$(klp_trans_state "$B")"
klp_expect "$P/transition with a sleeper in each version" 1 "$(klp_trans_transition $P)"

klp_trans_gate open
klp_expect "what the sleeper in the original returned" original "$(klp_trans_result klp_sleeper_a)"
klp_expect "what the sleeper in the patch returned" "$PATCHED" "$(klp_trans_result klp_sleeper_b)"
klp_wait_until "done with the patching transition of $P" klp_transition_done $P
klp_expect "patch_state of the bystander after patching" -1 "$(klp_trans_state $S)"
klp_expect "patch_state of this shell after patching" -1 "$(klp_trans_state $$)"

# Unpatching: the sleeper is in the patched trans_wait().
klp_trans_gate closed
klp_trans_sleep klp_sleeper_c
C=$(klp_trans_pid klp_sleeper_c)
klp_expect "patch_state of the sleeper before unpatching" -1 "$(klp_trans_state "$C")"
klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_trans_expect_eventually "patch_state of the bystander once it switched back" 0 \
	klp_trans_state $S
klp_trans_expect_eventually "patch_state of this shell once it switched back" 0 klp_trans_state $$
klp_expect "$P/transition while the sleeper is in the patch" 1 "$(klp_trans_transition $P)"
klp_expect "patch_state of the sleeper (the initial state)" 1 "$(klp_trans_state "$C")"
sleep 2
klp_expect "$P/transition after the stuck tasks were signalled" 1 "$(klp_trans_transition $P)"
klp_expect "patch_state of the sleeper after the signals" 1 "$(klp_trans_state "$C")"
klp_expect "$P/enabled during the transition" 0 "$(klp_attr $P enabled)"

klp_trans_sleep klp_sleeper_d
D=$(klp_trans_pid klp_sleeper_d)
klp_expect "patch_state of a task forked by this shell" 0 "$(klp_trans_state "$D")"

klp_trans_gate open
klp_expect "what the sleeper in the patch returned" "$PATCHED" "$(klp_trans_result klp_sleeper_c)"
klp_expect "what the sleeper in the original returned" original "$(klp_trans_result klp_sleeper_d)"
klp_wait_until "rid of $KLP_SYSFS/$P" klp_patch_gone $P
klp_expect "patch_state of the bystander after unpatching" -1 "$(klp_trans_state $S)"
klp_expect "patch_state of this shell after unpatching" -1 "$(klp_trans_state $$)"
kill $S
wait $S 2>/dev/null
klp_trans_bg=

klp_remove $P
klp_remove $T

# No transition completes before its sleeper is released.
klp_trans_expect_log "% modprobe $T
% echo closed > $KLP_TRANS_DBG/gate
% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
% echo open > $KLP_TRANS_DBG/gate
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete
% echo closed > $KLP_TRANS_DBG/gate
% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
% echo open > $KLP_TRANS_DBG/gate
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete
% rmmod $P
% rmmod $T"

klp_done
