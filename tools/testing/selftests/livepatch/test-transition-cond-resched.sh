#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a CPU-bound kthread switches itself to the new patch
#   state in cond_resched(), through the scheduler's livepatch hook
#   __klp_sched_try_switch() (reached by a static call with dynamic
#   preemption, by a static key in the cond_resched() inline of the
#   module without it).  Traced: the kthread calls the hook, and it is
#   never switched out from the "starting patching transition" line
#   until its first call of the patched version, so no other task could
#   check its stack meanwhile: it switched itself while it ran.  A
#   sleeper holds the transition, so the kthread is not the last task to
#   switch (whose kick of the transition work would preempt it), and
#   every task that can be moved runs on CPU 0, the kthread alone on
#   CPU 1.  A round where another task still ran on the kthread's CPU
#   in that window proves nothing and is tried again, at most
#   KLP_CR_ROUNDS times.
# requires: test_klp_trans_target, test_klp_trans_patch, two CPUs,
#   taskset, kprobe events (CONFIG_KPROBE_EVENTS), the sched_switch and
#   console trace events in /sys/kernel/tracing
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
SPIN=$KLP_TRANS_DBG/spin
TR=/sys/kernel/tracing
KLP_CR_ROUNDS=${KLP_CR_ROUNDS:-5}
# The hook, by its exported name, and the patched trans_spin_step().
HOOK=__klp_sched_try_switch
NEW=$P:trans_patch_spin_step

[ "$(nproc)" -ge 2 ] || klp_skip "one CPU: the kthread needs one to itself"
command -v taskset >/dev/null || klp_skip "no taskset (util-linux)"
[ -w $TR/kprobe_events ] ||
	klp_skip "no $TR/kprobe_events: CONFIG_KPROBE_EVENTS=y is needed"
for e in sched/sched_switch printk/console; do
	[ -d $TR/events/$e ] || klp_skip "no $e trace event in $TR/events"
done
grep -qw "$HOOK" /proc/kallsyms ||
	klp_skip "no $HOOK in /proc/kallsyms: the kernel has no cond_resched() hook"

# trace_reset: leave tracefs as it was (nothing traced, tracing on).
trace_reset() {
	local e

	echo 0 > $TR/tracing_on
	for e in sched/sched_switch printk/console; do
		echo 0 > $TR/events/$e/enable
		echo 0 > $TR/events/$e/filter
	done
	if [ -d $TR/events/klp_cr ]; then
		echo 0 > $TR/events/klp_cr/enable
		echo '!traceoff' > $TR/events/klp_cr/new/trigger 2>/dev/null
		echo '-:klp_cr/hook' >> $TR/kprobe_events
		echo '-:klp_cr/new' >> $TR/kprobe_events
	fi
	echo > $TR/trace
	echo local > $TR/trace_clock
	echo 1 > $TR/tracing_on
}
trap 'trace_reset; klp_trans_cleanup; klp_cleanup' EXIT

spin_field() {
	sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" "$SPIN" 2>/dev/null
}

spin_calls_above() {
	[ "$(spin_field calls)" -gt "$1" ] 2>/dev/null
}

tracing_stopped() {
	[ "$(cat $TR/tracing_on)" = 0 ]
}

# trace_arm PID: from now on, trace the hook and the switches out of PID,
# and the start of the patching transition; its first call of the
# patched version stops the trace.  One clock for all CPUs: the events
# of several are compared.
trace_arm() {
	echo 0 > $TR/tracing_on
	echo global > $TR/trace_clock
	echo "p:klp_cr/hook $HOOK" >> $TR/kprobe_events ||
		klp_fail "cannot probe $HOOK"
	# The module is not loaded yet: the probe waits for it.
	echo "p:klp_cr/new $NEW" >> $TR/kprobe_events ||
		klp_fail "cannot probe $NEW"
	echo "common_pid == $1" > $TR/events/klp_cr/hook/filter
	echo "prev_pid == $1" > $TR/events/sched/sched_switch/filter
	echo 'msg ~ "*starting patching transition*"' > $TR/events/printk/console/filter
	echo traceoff > $TR/events/klp_cr/new/trigger
	echo 1 > $TR/events/klp_cr/enable
	echo 1 > $TR/events/sched/sched_switch/enable
	echo 1 > $TR/events/printk/console/enable
	echo > $TR/trace
	echo 1 > $TR/tracing_on
}

insert_target() {
	klp_insert $T
	klp_trans_write 1 $SPIN
	klp_wait_until "seeing klp_trans_spin call trans_spin_step()" spin_calls_above 0
}

# Every task that may move goes to CPU 0 (this shell too, and all it
# starts), leaving CPU 1 to the kthread; klp_cr_pinned remembers their
# masks for the exit trap.
declare -a klp_cr_pinned=()
pin_to_cpu0() {
	local d mask line

	for d in /proc/[0-9]*; do
		mask=
		{
			while read -r line; do
				case "$line" in
				Cpus_allowed_list:*) mask=${line##*[[:space:]]}; break ;;
				esac
			done < "$d/status"
		} 2>/dev/null
		# Only the tasks allowed on several CPUs (a fork each, and
		# slow under emulation).
		case "$mask" in
		*[-,]*) ;;
		*) continue ;;
		esac
		taskset -p -c 0 "${d#/proc/}" >/dev/null 2>&1 &&
			klp_cr_pinned+=("${d#/proc/}:$mask")
	done
}

unpin() {
	local e

	for e in "${klp_cr_pinned[@]}"; do
		taskset -p -c "${e#*:}" "${e%%:*}" >/dev/null 2>&1
	done
	klp_cr_pinned=()
}
trap 'unpin; trace_reset; klp_trans_cleanup; klp_cleanup' EXIT

pin_to_cpu0
[ "$(taskset -p -c $$)" = "pid $$'s current affinity list: 0" ] ||
	klp_fail "cannot move the test to CPU 0: $(taskset -p -c $$)"
klp_say "moved ${#klp_cr_pinned[@]} tasks to CPU 0"

insert_target
proved=
for ((round = 1; round <= KLP_CR_ROUNDS; round++)); do
	K=$(spin_field pid)
	taskset -p -c 1 "$K" >/dev/null || klp_fail "cannot move klp_trans_spin ($K) to CPU 1"
	# Let the move settle before anything is traced.
	sleep 0.5
	klp_trans_gate closed
	klp_trans_sleep klp_cr_sleeper
	trace_arm "$K"

	klp_insert $P
	klp_wait_until "seeing klp_trans_spin call the patched version" tracing_stopped
	# The events from the start of the transition on.
	window=$(sed -n '/ console: /,$p' $TR/trace)
	[ -n "$window" ] || klp_fail "no \"starting patching transition\" line in the trace"
	hooks=$(echo "$window" | grep -c ' hook: ')
	outs=$(echo "$window" | grep -c ' sched_switch: ')
	klp_say "round $round: klp_trans_spin ($K) called $HOOK $hooks time(s)," \
		"was switched out $outs time(s)$([ "$outs" = 0 ] || echo "$window" |
			sed -n 's/.* sched_switch: .* next_comm=\([^ ]*\) .*/\1/p' |
			sort | uniq -c |
			awk '{ printf "%s %s x%s", NR == 1 ? ", to" : ",", $2, $1 }')"
	klp_expect "patch_state of klp_trans_spin before the sleeper is released" 1 \
		"$(klp_trans_state "$K")"
	klp_expect "$P/transition while the sleeper holds it" 1 "$(klp_trans_transition $P)"
	klp_trans_gate open
	klp_expect "what the sleeper returned" original "$(klp_trans_result klp_cr_sleeper)"
	klp_wait_until "done with the transition of $P" klp_transition_done $P
	klp_expect "version of the kthread's last call" patched "$(spin_field last)"
	klp_expect "changes of version seen by the kthread" 1 "$(spin_field changes)"
	trace_reset

	if [ "$hooks" = 0 ]; then
		# It switched, and not in the hook: another task did it.
		klp_expect "calls of $HOOK by klp_trans_spin in round $round" \
			"at least one" none
		break
	elif [ "$outs" = 0 ]; then
		proved=$round
		break
	fi
	# Start again from the original: no patch, a new kthread.
	klp_trans_write 0 $SPIN
	klp_disable $P
	klp_remove $P
	[ "$round" -lt "$KLP_CR_ROUNDS" ] || break
	klp_trans_write 1 $SPIN
	klp_wait_until "seeing klp_trans_spin call trans_spin_step()" spin_calls_above 0
done
klp_expect "a round where klp_trans_spin switched itself in $HOOK" yes \
	"$([ -n "$proved" ] && echo "yes" || echo "no")"
[ -z "$proved" ] || klp_say "it did in round $proved"

# Stopped first: upstream 6.12 cannot unpatch while the kthread spins
# (see test-transition-kthread.sh).
klp_trans_write 0 $SPIN
klp_patch_exists $P && klp_disable $P
klp_is_loaded $P && klp_remove $P
klp_remove $T

klp_done
