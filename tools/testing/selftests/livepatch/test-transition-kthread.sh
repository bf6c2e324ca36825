#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a CPU-bound kthread that never sleeps nor leaves the
#   kernel, calling trans_spin_step() in a loop with cond_resched()
#   between the calls, switches in cond_resched(): patching completes
#   while it runs, and during unpatching it goes back to the original
#   while it runs.  It sees the original, then only the patched version,
#   then only the original again: one change each way.
# requires: test_klp_trans_target, test_klp_trans_patch
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
SPIN=$KLP_TRANS_DBG/spin

# spin_field NAME: a field of the kthread's statistics.
spin_field() {
	sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" "$SPIN" 2>/dev/null
}

# spin_calls_above N: the kthread made more than N calls.
spin_calls_above() {
	[ "$(spin_field calls)" -gt "$1" ] 2>/dev/null
}

spin_last_is() {
	[ "$(spin_field last)" = "$1" ]
}

klp_log_start
klp_insert $T
klp_trans_write 1 $SPIN
klp_wait_until "seeing klp_trans_spin call trans_spin_step()" spin_calls_above 0
K=$(spin_field pid)
klp_expect "comm of the kthread" klp_trans_spin "$(cat /proc/$K/comm 2>/dev/null)"

klp_load $P
klp_expect "the kthread still runs after patching" "$K" "$(spin_field pid)"
klp_expect "patch_state of the kthread after patching" -1 "$(klp_trans_state "$K")"
n=$(spin_field calls)
klp_wait_until "seeing more calls of the kthread" spin_calls_above "$n"
klp_expect "version of the kthread's last call after patching" patched "$(spin_field last)"
klp_expect "changes of version seen by the kthread after patching" 1 "$(spin_field changes)"

# Unpatching: the kthread switches back while it spins.  Upstream 6.12
# cannot complete this transition while the kthread spins: it then
# unregisters its ftrace ops, which waits for an RCU Tasks grace period,
# and that needs every task to sleep voluntarily once (cond_resched()
# does not count).  The write to "enabled" may be what waits (upstream
# completes a transition in the writer when it can), so it is made in
# the background, and the kthread is stopped once it switched back.
klp_log "% echo 0 > $KLP_SYSFS/$P/enabled"
(echo 0 > "$KLP_SYSFS/$P/enabled") &
writer=$!
klp_trans_bg=$writer
klp_wait_until "seeing the kthread call the original again" spin_last_is original
klp_expect "the kthread still runs after switching back" "$K" "$(spin_field pid)"
klp_expect "changes of version seen by the kthread after switching back" 2 "$(spin_field changes)"
n=$(spin_field calls)
klp_wait_until "seeing more calls of the kthread" spin_calls_above "$n"
klp_expect "version of the kthread's last call, later" original "$(spin_field last)"
klp_expect "changes of version seen by the kthread, later" 2 "$(spin_field changes)"

# Not logged: the unpatching may complete before or after this.
echo 0 > $SPIN || klp_fail "cannot stop the kthread"
klp_expect "the kthread is stopped" 0 "$(spin_field pid)"
wait $writer
klp_expect "exit status of echo 0 > $KLP_SYSFS/$P/enabled" 0 $?
klp_trans_bg=
klp_wait_until "rid of $KLP_SYSFS/$P" klp_patch_gone $P
klp_remove $P
klp_remove $T

klp_trans_expect_log "% modprobe $T
% echo 1 > $SPIN
% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
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
