#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a transition cannot hang forever.  With a timeout set
#   (globally in /sys/kernel/debug/livepatch/transition_timeout_ms, or for
#   one patch in its transition_timeout_ms file), a transition that a
#   task still blocks when the time is up logs one line per blocking task
#   (pid, comm, the function it is in) and reverses itself, once: a
#   stalled enable ends with the patch unpatched, gone and its module
#   removable; a stalled disable ends with the patch enabled again.
# requires: test_klp_trans_target, test_klp_trans_patch; our debugfs
#   interface (upstream 6.12 has no timeout).
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup
klp_trans_need_debugfs transition_timeout_ms

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
GLOBAL=$KLP_DEBUGFS/transition_timeout_ms
saved=$(cat $GLOBAL)
trap 'echo "$saved" > $GLOBAL; klp_trans_cleanup; klp_cleanup' EXIT

# log_without_blockers: the log without the "blocked by" lines, which
# may name other tasks that were late to switch on a busy machine.
log_without_blockers() {
	klp_trans_log_seen | grep -v "livepatch: '$P': blocked by " || true
}

# blocked_by PID: the line that names PID as a blocker, if any.
blocked_by() {
	klp_trans_log_seen | grep "livepatch: '$P': blocked by pid $1 " || true
}

klp_insert $T
klp_trans_gate closed

klp_say "a stalled enable, global timeout"
klp_trans_sleep klp_sleeper_a
A=$(klp_trans_pid klp_sleeper_a)
klp_trans_write 2000 $GLOBAL
klp_log_start
klp_insert $P
klp_wait_until "rid of $KLP_SYSFS/$P after the timeout" klp_patch_gone $P
klp_expect "the blocker named" \
	"livepatch: '$P': blocked by pid $A (klp_sleeper_a): trans_wait" "$(blocked_by "$A")"
klp_expect "kernel log" "% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
livepatch: '$P': patching transition stalled past its timeout, reversing it
livepatch: '$P': reversing transition from patching to unpatching
livepatch: '$P': starting unpatching transition
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete" "$(log_without_blockers)"
klp_expect "the transition record" "target=unpatched state=timed-out" \
	"$(tail -n 1 $KLP_DEBUGFS/transitions | grep -o 'target=[a-z]* state=[a-z-]*')"
klp_remove $P
klp_trans_gate open
klp_expect "what the sleeper returned" original "$(klp_trans_result klp_sleeper_a)"

klp_say "a stalled disable, the patch's own timeout"
klp_trans_write 0 $GLOBAL
klp_load $P
klp_expect "$P/transition_timeout_ms by default" -1 "$(klp_attr $P transition_timeout_ms)"
klp_trans_write 2000 $KLP_SYSFS/$P/transition_timeout_ms
klp_trans_write_refused -2 $KLP_SYSFS/$P/transition_timeout_ms
klp_trans_write_refused bogus $KLP_SYSFS/$P/transition_timeout_ms
klp_expect "$P/transition_timeout_ms" 2000 "$(klp_attr $P transition_timeout_ms)"
klp_trans_gate closed
klp_trans_sleep klp_sleeper_b
B=$(klp_trans_pid klp_sleeper_b)
klp_log_start
klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_wait_until "$P enabled again after the timeout" \
	eval '[ "$(klp_attr $P enabled)" = 1 ] && klp_transition_done $P'
klp_expect "the blocker named" \
	"livepatch: '$P': blocked by pid $B (klp_sleeper_b): trans_wait" "$(blocked_by "$B")"
klp_expect "kernel log" "% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
livepatch: '$P': unpatching transition stalled past its timeout, reversing it
livepatch: '$P': reversing transition from unpatching to patching
livepatch: '$P': starting patching transition
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete" "$(log_without_blockers)"
klp_expect "$P/$T/patched" 1 "$(klp_attr $P $T/patched)"
klp_trans_gate open
klp_expect "what the sleeper returned" "patched by $P" "$(klp_trans_result klp_sleeper_b)"
klp_disable $P
klp_remove $P
klp_remove $T

klp_done
