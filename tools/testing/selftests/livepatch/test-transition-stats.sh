#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: /sys/kernel/debug/livepatch/transitions records each
#   transition.  One that nothing holds up completes promptly: few passes
#   over the tasks (at most KLP_TRANS_MAX_PASSES), no task woken or
#   signalled, no reversal.  One that a sleeping task holds up shows
#   "running" until released, then "complete"; a reversal is counted.
#   Our kernel's debugfs interface: skips where it is missing (upstream
#   6.12).
# requires: test_klp_trans_target, test_klp_trans_patch,
#   /sys/kernel/debug/livepatch/transitions
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup
klp_trans_need_debugfs transitions

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
STATS=$KLP_DEBUGFS/transitions
# Tasks that are not running are switched in the first pass; those that
# are switch themselves on their way out of the kernel or in the idle
# loop, and the last one starts the final pass at once.  A handful of
# passes leaves room for the back-off retries (1 ms, then doubling),
# far below the dozen passes after which our kernel starts to wake and
# signal tasks.
KLP_TRANS_MAX_PASSES=${KLP_TRANS_MAX_PASSES:-5}

# last_record: the newest line of $STATS.
last_record() {
	tail -n 1 $STATS 2>&1
}

# field LINE NAME: the value of NAME= in LINE.
field() {
	echo "$1" | sed -n "s/.*\<$2=\([^ ]*\).*/\1/p"
}

# check_prompt WHAT TARGET: the newest record is a prompt transition.
check_prompt() {
	local what=$1 target=$2 rec passes

	rec=$(last_record)
	klp_say "$what: $rec"
	klp_expect "$what: patch" $P "$(field "$rec" patch)"
	klp_expect "$what: target" "$target" "$(field "$rec" target)"
	klp_expect "$what: state" complete "$(field "$rec" state)"
	klp_expect "$what: tasks signalled or woken" 0 "$(field "$rec" signalled)"
	klp_expect "$what: reversals" 0 "$(field "$rec" reversals)"
	passes=$(field "$rec" passes)
	klp_expect "$what: passes between 1 and $KLP_TRANS_MAX_PASSES" yes \
		"$([ "$passes" -ge 1 ] 2>/dev/null && [ "$passes" -le $KLP_TRANS_MAX_PASSES ] &&
			echo yes || echo "no: passes=$passes")"
	klp_expect "$what: some tasks to switch" yes \
		"$([ "$(field "$rec" tasks)" -gt 0 ] 2>/dev/null && echo yes || echo "no: $rec")"
}

# Nothing holds these up; each is checked several times.
for round in 1 2 3; do
	klp_load $P
	check_prompt "patching, round $round" patched
	klp_disable $P
	check_prompt "unpatching, round $round" unpatched
	klp_remove $P
done

# summary: patch, target and state of the newest record.
summary() {
	local r

	r=$(last_record)
	echo "$(field "$r" patch) $(field "$r" target) $(field "$r" state)"
}

# Patching held up by a sleeper in the original, then reversed: the
# sleeper is in the new target state, nothing holds the reversal up.
klp_insert $T
klp_trans_gate closed
klp_trans_sleep klp_sleeper_a
klp_insert $P
klp_trans_expect_eventually "the held-up patching" "$P patched running" summary
klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_wait_until "rid of $KLP_SYSFS/$P" klp_patch_gone $P
rec=$(last_record)
klp_expect "the reversed patching" "$P unpatched complete" "$(summary)"
klp_expect "reversals of the reversed patching" 1 "$(field "$rec" reversals)"
klp_trans_gate open
klp_expect "what the sleeper returned" original "$(klp_trans_result klp_sleeper_a)"
klp_remove $P

# Unpatching held up by a sleeper in the patch.
klp_load $P
klp_trans_gate closed
klp_trans_sleep klp_sleeper_b
klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_trans_expect_eventually "the held-up unpatching" "$P unpatched running" summary
klp_expect "$P/transition of the held-up unpatching" 1 "$(klp_trans_transition $P)"
klp_trans_gate open
klp_expect "what the sleeper returned" "patched by $P" "$(klp_trans_result klp_sleeper_b)"
klp_wait_until "rid of $KLP_SYSFS/$P" klp_patch_gone $P
rec=$(last_record)
klp_expect "the released unpatching" "$P unpatched complete" "$(summary)"
klp_expect "reversals of the released unpatching" 0 "$(field "$rec" reversals)"
klp_remove $P
klp_remove $T

klp_done
