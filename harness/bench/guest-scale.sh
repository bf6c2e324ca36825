#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of the scale benchmark: for each N, time enabling a patch of
# N functions (insmod until transition reads 0) and disabling it (writing
# 0 to enabled until the patch's directory is gone).  Prints one line per
# run: "scale N enable_ms disable_ms memory_kB", the last being how much
# MemFree dropped between before loading the patch module and the end of
# its transition (the module itself included, the same on both kernels).
# With SETTLE=1 (our kernel), the disable starts only once the fast path
# took every function of the patch: its cost of taking the jumps away is
# in the disable time.
set -u
dir=/klp/bench
counts=${1:-"1 10 100 1000"}
reps=${2:-3}
fast=/sys/kernel/debug/livepatch/fast

now_us() { echo $(( $(date +%s%N) / 1000 )); }
memfree() { awk '$1 == "MemFree:" { print $2 }' /proc/meminfo; }

for n in $counts; do
	for rep in $(seq "$reps"); do
		lp=/sys/kernel/livepatch/klp_bench_patch_$n
		insmod $dir/klp_bench_target_$n.ko || exit 1
		sync
		echo 3 > /proc/sys/vm/drop_caches
		m0=$(memfree)
		t0=$(now_us)
		insmod $dir/klp_bench_patch_$n.ko || exit 1
		while [ "$(cat $lp/transition)" != 0 ]; do sleep 0.002; done
		t1=$(now_us)
		enable_us=$((t1 - t0))
		m1=$(memfree)
		if [ "${SETTLE:-0}" = 1 ]; then
			for i in $(seq 3000); do
				head -1 $fast | grep -q "^fast=$n " && break
				sleep 0.01
			done
			head -1 $fast | grep -q "^fast=$n " ||
				{ echo "scale: the fast path did not take $n functions" >&2; exit 1; }
		fi
		t1=$(now_us)
		echo 0 > $lp/enabled
		while [ -d $lp ]; do sleep 0.002; done
		t2=$(now_us)
		until rmmod klp_bench_patch_$n 2>/dev/null; do sleep 0.01; done
		rmmod klp_bench_target_$n || exit 1
		printf 'scale %d %d.%03d %d.%03d %d\n' "$n" \
			$(( enable_us / 1000 )) $(( enable_us % 1000 )) \
			$(( (t2 - t1) / 1000 )) $(( (t2 - t1) % 1000 )) \
			$(( m0 - m1 ))
	done
done
