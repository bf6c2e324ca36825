#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: fake signals to a task that stays stuck back off, and a
#   reversal starts their schedule over.  With signal_delay_ms = D, a
#   transition that has run for E (the kernel's own duration_us) has
#   sent at most log2(E/D + 1) rounds of signals (the first after D, each
#   next one twice as long after the previous), and at least one.  A
#   reversal sends no round for D after it, even when the transition as
#   a whole is older than that (the record's reversed_us and
#   last_signal_us).  Both checks hold at any machine speed: they compare
#   the kernel's own counters with the kernel's own clock.
#   Our kernel's debugfs interface: skips where it is missing.
# requires: test_klp_trans_target, test_klp_trans_patch,
#   /sys/kernel/debug/livepatch/{transitions,signal_delay_ms}
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup
klp_trans_need_debugfs transitions
klp_trans_need_debugfs signal_delay_ms

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
STATS=$KLP_DEBUGFS/transitions
DELAY=$KLP_DEBUGFS/signal_delay_ms
saved_delay=$(cat $DELAY)
trap 'echo "$saved_delay" > $DELAY; klp_trans_cleanup; klp_cleanup' EXIT

# field NAME: NAME= of the newest transition record.
field() {
	tail -n 1 $STATS | sed -n "s/.*\<$1=\([^ ]*\).*/\1/p"
}

# rounds [RECORD]: the signal rounds of the newest record (or RECORD).
# A kernel without the signal_rounds field shows "signalled", which
# counts the same while a single task is stuck.
rounds() {
	local rec=${1:-$(tail -n 1 $STATS)} v

	v=$(echo "$rec" | sed -n 's/.*\<signal_rounds=\([0-9]*\).*/\1/p')
	[ -n "$v" ] || v=$(echo "$rec" | sed -n 's/.*\<signalled=\([0-9]*\).*/\1/p')
	echo "$v"
}

# rounds_at_least N: the running transition sent N rounds or more.
rounds_at_least() {
	[ "$(rounds)" -ge "$1" ] 2>/dev/null
}

# age_us: how long the running transition has run, by the kernel's
# clock; a kernel that shows 0 while it runs gets this shell's clock,
# from the load of the patch on (t0_ns).
age_us() {
	local us

	us=$(field duration_us)
	[ "${us:-0}" -gt 0 ] || us=$((($(date +%s%N) - t0_ns) / 1000))
	echo "$us"
}

# runs_for MS: the running transition is at least MS old.
runs_for() {
	[ "$(age_us)" -ge $(($1 * 1000)) ]
}

# max_rounds E_US D_MS: the most rounds a transition of that age may
# have sent: the largest R with D * (2^R - 1) <= E.
max_rounds() {
	local r=0

	while [ $(( $2 * 1000 * ((1 << (r + 1)) - 1) )) -le "$1" ]; do
		r=$((r + 1))
	done
	echo $r
}

klp_insert $T
klp_trans_gate closed

# A patching transition stuck on a sleeper in the original trans_wait(),
# for at least 40 times the delay.
D=150
echo $D > $DELAY
klp_trans_sleep klp_sleeper_a
t0_ns=$(date +%s%N)
klp_insert $P
klp_patch_exists $P || klp_fail "$P loaded without $KLP_SYSFS/$P"
klp_wait_until "the transition of $P running for $((40 * D)) ms" runs_for $((40 * D))
# The rounds first: the age read after them bounds them.
rec=$(tail -n 1 $STATS)
r=$(rounds "$rec")
e=$(age_us)
klp_say "after $e us: $rec"
max=$(max_rounds "$e" $D)
klp_expect "signal rounds after ${e} us with a delay of $D ms: between 1 and $max" yes \
	"$([ "$r" -ge 1 ] 2>/dev/null && [ "$r" -le "$max" ] && echo yes ||
		echo "no: $r")"

# Keep a sleeper in the patched trans_wait() too, so that the reversed
# transition stays stuck as well; give the reversal a delay of its own.
klp_trans_expect_eventually "patch_state of this shell once it switched" 1 \
	klp_trans_state $$
klp_trans_sleep klp_sleeper_b
D=3000
echo $D > $DELAY
before=$(rounds)
klp_trans_write 0 $KLP_SYSFS/$P/enabled
# The first round after the reversal, as soon as the record shows it
# (the next one comes at least 2 D later): by the kernel's clock, it
# came D after the reversal or later.
post_reversal_round() {
	rec=$(tail -n 1 $STATS)
	rev=$(echo "$rec" | sed -n 's/.*\<reversed_us=\([0-9]*\).*/\1/p')
	last=$(echo "$rec" | sed -n 's/.*\<last_signal_us=\([0-9]*\).*/\1/p')
	[ -n "$rev" ] && [ -n "$last" ] ||
		klp_fail "no reversed_us= or last_signal_us= in the record: $rec"
	[ "$last" -gt "$rev" ]
}
klp_wait_until "a signal round after the reversal" post_reversal_round
klp_say "signal rounds: $before before the reversal; then $rec"
klp_expect "the reversal recorded" yes "$([ "$rev" -gt 0 ] && echo yes || echo "no: $rev")"
klp_expect "the first signal round after the reversal: $D ms after it or later" yes \
	"$([ $((last - rev)) -ge $((D * 1000)) ] && echo yes ||
		echo "no: $(((last - rev) / 1000)) ms after it")"

klp_trans_gate open
klp_expect "what the sleeper in the original returned" original \
	"$(klp_trans_result klp_sleeper_a)"
klp_expect "what the sleeper in the patch returned" "patched by $P" \
	"$(klp_trans_result klp_sleeper_b)"
klp_wait_until "rid of $KLP_SYSFS/$P" klp_patch_gone $P
klp_remove $P
klp_remove $T

klp_done
