#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a function on the fast path (its ftrace site a jump to the
#   new function) goes back to the handler for the whole of a transition
#   that changes it.  While a sleeper holds the unpatching transition, a
#   CPU-bound kthread that switched itself in cond_resched() runs the
#   original version from then on, although other tasks still run the
#   new one, and the site is no jump; after the transition it is no jump
#   either (nothing is patched), and patching again makes it one.
# requires: test_klp_trans_target, test_klp_trans_patch, tracefs; our
#   kernel's debugfs (skips on upstream 6.12, which has no fast path)
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup
klp_trans_need_debugfs transitions

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
SPIN=$KLP_TRANS_DBG/spin
TRACING=/sys/kernel/tracing
mountpoint -q $TRACING || mount -t tracefs nodev $TRACING 2>/dev/null
[ -f $TRACING/enabled_functions ] || klp_skip "no $TRACING/enabled_functions"
[ -f $KLP_DEBUGFS/fast ] ||
	klp_fail "no $KLP_DEBUGFS/fast: this kernel has no livepatch fast path"

spin_field() {
	sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" "$SPIN" 2>/dev/null
}

spin_calls_above() {
	[ "$(spin_field calls)" -gt "$1" ] 2>/dev/null
}

# jumps FUNC: ftrace made FUNC's site a jump.
jumps() {
	grep -q "^$1 .*jmp: " $TRACING/enabled_functions
}

yes_no() {
	"$@" && echo yes || echo no
}

klp_insert $T
klp_trans_write 1 "$SPIN"
klp_wait_until "seeing klp_trans_spin call trans_spin_step()" spin_calls_above 0

klp_say "patching: trans_spin_step() becomes a jump"
klp_load $P
klp_wait_until "trans_spin_step a jump" jumps trans_spin_step
n=$(spin_field calls)
klp_wait_until "seeing more calls of the kthread" spin_calls_above "$n"
klp_expect "version of the kthread's calls through the jump" patched "$(spin_field last)"

klp_say "unpatching, held by a sleeper in the new trans_wait()"
klp_trans_gate closed
klp_trans_sleep holder
klp_trans_write 0 "$KLP_SYSFS/$P/enabled"
klp_expect "$P in transition" 1 "$(klp_trans_transition $P)"
klp_expect "trans_spin_step a jump once the transition started" no \
	"$(yes_no jumps trans_spin_step)"
klp_expect "trans_spin_step on the fast path during the transition" no \
	"$(yes_no grep -q '^trans_spin_step ' $KLP_DEBUGFS/fast)"
K=$(spin_field pid)
klp_trans_expect_eventually "patch state of the kthread (switched in cond_resched())" 0 \
	klp_trans_state "$K"
n=$(spin_field calls)
klp_wait_until "seeing more calls of the kthread" spin_calls_above "$n"
klp_expect "version of the kthread's last call once it switched" original "$(spin_field last)"
klp_expect "$P still in transition (the holder has not switched)" 1 \
	"$(klp_trans_transition $P)"
klp_expect "patch state of the holder" 1 "$(klp_trans_state "$(klp_trans_pid holder)")"
klp_expect "trans_spin_step a jump later in the transition" no \
	"$(yes_no jumps trans_spin_step)"

klp_say "the holder leaves: the transition completes"
klp_trans_gate open
klp_expect "what the holder read" "patched by $P" "$(klp_trans_result holder)"
klp_wait_until "$P gone" klp_patch_gone $P
klp_expect "trans_spin_step a jump once unpatched" no "$(yes_no jumps trans_spin_step)"
klp_expect "version of the kthread's last call once unpatched" original "$(spin_field last)"
klp_remove $P

klp_say "patching again"
klp_load $P
klp_wait_until "trans_spin_step a jump again" jumps trans_spin_step
klp_disable $P
klp_remove $P
klp_trans_write 0 "$SPIN"
klp_remove $T
klp_done
