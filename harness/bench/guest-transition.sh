#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of the transition benchmark: time from loading a patch to
# "transition" reading 0, and from writing 0 to "enabled" to the patch's
# directory going away, under three loads:
#   idle      nothing else runs
#   sleepers  1000 sleeping user tasks (each one's stack is checked)
#   busy      one CPU-bound user task per CPU (they switch on exit to
#             user mode, which the transition has to notice)
# and, with 1000 sleepers, a 1000-function patch (stack-check cost).
# Prints "transition LOAD N enable_ms disable_ms" per run.
set -u
dir=/klp/bench
reps=${1:-3}
pids=()

now_us() { echo $(( $(date +%s%N) / 1000 )); }

start_load() {
	case $1 in
	sleepers)
		for i in $(seq 1000); do
			sleep 100000 &
			pids+=($!)
		done
		;;
	busy)
		for i in $(seq "$(nproc)"); do
			bash -c 'while :; do :; done' &
			pids+=($!)
		done
		;;
	esac
	sleep 1
}

stop_load() {
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	pids=()
}

measure() {
	local load=$1 n=$2 lp=/sys/kernel/livepatch/klp_bench_patch_$2
	local t0 t1 t2 rep

	for rep in $(seq "$reps"); do
		insmod $dir/klp_bench_target_$n.ko || exit 1
		t0=$(now_us)
		insmod $dir/klp_bench_patch_$n.ko || exit 1
		while [ "$(cat $lp/transition)" != 0 ]; do sleep 0.002; done
		t1=$(now_us)
		echo 0 > $lp/enabled
		while [ -d $lp ]; do sleep 0.002; done
		t2=$(now_us)
		until rmmod klp_bench_patch_$n 2>/dev/null; do sleep 0.01; done
		rmmod klp_bench_target_$n || exit 1
		printf 'transition %s %d %d.%03d %d.%03d\n' "$load" "$n" \
			$(( (t1 - t0) / 1000 )) $(( (t1 - t0) % 1000 )) \
			$(( (t2 - t1) / 1000 )) $(( (t2 - t1) % 1000 ))
	done
}

for load in idle sleepers busy; do
	start_load $load
	measure $load 1
	[ $load = sleepers ] && measure $load 1000
	stop_load
done
