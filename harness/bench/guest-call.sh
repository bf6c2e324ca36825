#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of the call-cost benchmark: time REPS runs of CALLS calls of
# klp_bench_call_fn() in each state, and print one line per run:
# "call <state> <ns per call, 3 decimals>".  States: unpatched, transition
# (patch 1 in transition: a kthread sleeps in another function it
# patches), patched (after the transition; on our kernel once the fast
# path took the function, when it has one), nofast (the same with the
# fast path off: debugfs livepatch/fast_path=0, ours only), tracer
# (function tracer on the same function), stacked (patch 2 on top of
# patch 1).
set -u
dir=/klp/bench
reps=${1:-5}
calls=${2:-10000000}
P=/sys/module/klp_bench_call/parameters
FAST=/sys/kernel/debug/livepatch/fast
T=/sys/kernel/tracing

measure() {
	local state=$1 rep
	for rep in $(seq "$reps"); do
		# One CPU for the whole run: the clock is per CPU.
		taskset -c 0 bash -c 'echo "$1" > "$2"' _ "$calls" $P/run || exit 1
		awk -v s="$state" -v ns="$(cat $P/ns)" -v n="$calls" \
			'BEGIN { printf "call %s %.3f\n", s, ns / n }'
	done
}
wait_transition() {
	while [ "$(cat /sys/kernel/livepatch/$1/transition)" != 0 ]; do sleep 0.01; done
}
# On our kernel: wait until the function is on the fast path.
wait_fast() {
	[ -f $FAST ] || return 0
	local i
	for i in $(seq 1000); do
		grep -q "^klp_bench_call_fn " $FAST && return 0
		sleep 0.01
	done
	echo "call: klp_bench_call_fn never took the fast path" >&2
}

mountpoint -q $T || mount -t tracefs nodev $T
insmod $dir/klp_bench_call.ko || exit 1
measure unpatched

echo 1 > $P/hold
insmod $dir/klp_bench_call_p1.ko || exit 1
[ "$(cat /sys/kernel/livepatch/klp_bench_call_p1/transition)" = 1 ] ||
	echo "call: patch 1 is not in transition" >&2
measure transition
echo 0 > $P/hold
wait_transition klp_bench_call_p1
wait_fast
measure patched
if [ -f $FAST ]; then
	echo 0 > ${FAST}_path
	while grep -q "^klp_bench_call_fn " $FAST; do sleep 0.01; done
	measure nofast
	echo 1 > ${FAST}_path
	wait_fast
fi

echo klp_bench_call_fn > $T/set_ftrace_filter
echo function > $T/current_tracer
measure tracer
echo nop > $T/current_tracer
echo > $T/set_ftrace_filter

insmod $dir/klp_bench_call_p2.ko || exit 1
wait_transition klp_bench_call_p2
wait_fast
measure stacked

for p in klp_bench_call_p2 klp_bench_call_p1; do
	echo 0 > /sys/kernel/livepatch/$p/enabled
	while [ -d /sys/kernel/livepatch/$p ]; do sleep 0.01; done
	until rmmod $p 2>/dev/null; do sleep 0.01; done
done
rmmod klp_bench_call
