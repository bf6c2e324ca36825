#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scale.sh [N...]: enable and disable times of patches of N functions
# (default 1 10 100 1000) on our kernel and on the upstream reference
# kernel, same base, same config, same run; prints medians and ratios.
# Not a test: numbers only.  REPS=3 runs per size.  In the same VM,
# guest-call.sh times calls of a small function: unpatched, patched during
# a transition, after it, with a tracer on it and with 2 stacked patches
# (CALL_REPS=5 runs of CALLS=10000000 calls: when the guest's sched_clock falls
# back to jiffies, a run of 1000000 calls is only good to 4 ns a call).
#
# BENCH=transition instead times transitions under load (idle, 1000
# sleeping tasks, CPU-bound tasks) with harness/bench/guest-transition.sh.
source "$(dirname "$0")/../lib.sh"

counts=${*:-1 10 100 1000}
mode=${BENCH:-scale}
[ "$mode" = transition ] && counts="1 1000"
reps=${REPS:-3}
GEN=$KLP_CACHE/bench-src

phase "bench: generate modules for N = $counts"
python3 "$HARNESS/bench/gen-modules.py" "$GEN" $counts
phase_end

declare -A res
for k in ${KERNELS:-ours upstream}; do
	OUT=$(out_of "$k")
	[ -f "$OUT/Module.symvers" ] || "$HARNESS/build-kernel.sh" "$k"
	B=$KLP_CACHE/bench-$k
	phase "bench: build the modules for $k"
	mkdir -p "$B"
	rsync -a --checksum "$GEN/" "$B/"
	make -s -C "$OUT" M="$B" modules >/dev/null
	dest=$OUT/stage/klp/bench
	rm -rf "$dest" && mkdir -p "$dest"
	cp "$B"/*.ko "$HARNESS"/bench/guest-*.sh "$dest/"
	phase_end

	phase "bench: run on $k"
	log=$KLP_CACHE/bench-$mode-$k.out
	if [ "$mode" = transition ]; then
		cmd="bash /klp/bench/guest-transition.sh $reps"
	else
		# Ours also with its fast path off (as before it existed) and
		# disabling once the fast path took every function, for the
		# largest N, the three runs in turn so that a drift of the
		# emulated machine hits all of them alike.
		nf=${counts##* }
		fp=/sys/kernel/debug/livepatch/fast_path
		gs=/klp/bench/guest-scale.sh
		rest=${counts% *}
		cmd=
		[ "$rest" = "$counts" ] || cmd="bash $gs '$rest' $reps;"
		cmd+=" for r in \$(seq $reps); do"
		cmd+=" if [ -f $fp ]; then echo 0 > $fp; bash $gs $nf 1 | sed 's/^scale /nofast /'; echo 1 > $fp; fi;"
		cmd+=" bash $gs $nf 1;"
		cmd+=" [ ! -f $fp ] || SETTLE=1 bash $gs $nf 1 | sed 's/^scale /settled /';"
		cmd+=" done;"
		cmd+=" bash /klp/bench/guest-call.sh ${CALL_REPS:-5} ${CALLS:-10000000}"
	fi
	"$HARNESS/run-vm.sh" -t 3600 "$k" "$cmd" | tee "$log" |
		grep "^$mode\|^call\|^nofast\|^settled" || true
	phase_end
	[ "$mode" = transition ] && continue
	for n in $counts; do
		res[$k,$n]=$(awk -v n="$n" '$1 == "scale" && $2 == n { e[++c] = $3; d[c] = $4; k[c] = $5 }
			END { if (!c) { print "- - -"; exit }
			      asort(e); asort(d); asort(k); m = int((c + 1) / 2); print e[m], d[m], k[m] }' "$log")
	done
done

if [ "$mode" = transition ]; then
	echo
	echo "Transition time, median of $reps (ms, QEMU TCG emulated VM, 2 vCPUs)"
	printf '%-9s %5s | %12s %12s %8s | %12s %12s %8s\n' load N "enable ours" \
		upstream ratio "disable ours" upstream ratio
	for key in "idle 1" "sleepers 1" "sleepers 1000" "busy 1"; do
		set -- $key
		for k in ours upstream; do
			res[$k]=$(awk -v l="$1" -v n="$2" '$1 == "transition" && $2 == l && $3 == n { e[++c] = $4; d[c] = $5 }
				END { if (!c) { print "- -"; exit }
				      asort(e); asort(d); m = int((c + 1) / 2); print e[m], d[m] }' \
				"$KLP_CACHE/bench-transition-$k.out")
		done
		read -r eo do_ <<< "${res[ours]}"
		read -r eu du <<< "${res[upstream]}"
		ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", b / a; else print "-" }'; }
		printf '%-9s %5s | %12s %12s %8s | %12s %12s %8s\n' "$1" "$2" "$eo" "$eu" \
			"$(ratio "$eo" "$eu")" "$do_" "$du" "$(ratio "$do_" "$du")"
	done
	echo "(ratio = upstream / ours: how many times faster ours is)"
	exit 0
fi

echo
echo "Patch enable/disable time, median of $reps (ms, QEMU TCG emulated VM, 2 vCPUs)"
printf '%6s | %12s %12s %8s | %12s %12s %8s | %9s %9s\n' N "enable ours" upstream ratio \
	"disable ours" upstream ratio "kB ours" upstream
for n in $counts; do
	read -r eo do_ ko <<< "${res[ours,$n]}"
	read -r eu du ku <<< "${res[upstream,$n]}"
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", b / a; else print "-" }'; }
	printf '%6s | %12s %12s %8s | %12s %12s %8s | %9s %9s\n' "$n" "$eo" "$eu" "$(ratio "$eo" "$eu")" \
		"$do_" "$du" "$(ratio "$do_" "$du")" "$ko" "$ku"
done
nf=${counts##* }
for variant in nofast settled; do
	row=$(awk -v n="$nf" -v v="$variant" '$1 == v && $2 == n { e[++c] = $3; d[c] = $4; k[c] = $5 }
		END { if (!c) exit; asort(e); asort(d); asort(k); m = int((c + 1) / 2); print e[m], d[m], k[m] }' \
		"$KLP_CACHE/bench-scale-ours.out")
	[ -n "$row" ] || continue
	read -r eo do_ ko <<< "$row"
	printf '%6s | %12s %12s %8s | %12s %12s %8s | %9s %9s  %s\n' "$nf" "$eo" "" "" "$do_" "" "" "$ko" "" "$variant"
done
echo "(nofast: ours with its fast path off, debugfs livepatch/fast_path=0;"
echo " settled: ours disabling once the fast path took every function, so the"
echo " disable includes taking the jumps away; the other rows disable right"
echo " after the transition, before the fast path, like the reference)"
echo "(ratio = upstream / ours: how many times faster ours is; kB = MemFree"
echo " drop from loading the patch module to the end of its transition)"

echo
echo "Cost of one call of a small function, median of ${CALL_REPS:-5} runs of ${CALLS:-10000000} calls (ns)"
printf '%-11s | %9s %7s | %9s %7s | %8s\n' state ours "x unp." upstream "x unp." "up/ours"
declare -A call
for k in ours upstream; do
	for st in unpatched transition patched nofast tracer stacked; do
		call[$k,$st]=$(awk -v s="$st" '$1 == "call" && $2 == s { v[++c] = $3 }
			END { if (!c) { print "-"; exit } asort(v); print v[int((c + 1) / 2)] }' \
			"$KLP_CACHE/bench-scale-$k.out")
	done
done
for st in unpatched transition patched nofast tracer stacked; do
	div() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "-" }'; }
	printf '%-11s | %9s %7s | %9s %7s | %8s\n' "$st" "${call[ours,$st]}" \
		"$(div "${call[ours,$st]}" "${call[ours,unpatched]}")" "${call[upstream,$st]}" \
		"$(div "${call[upstream,$st]}" "${call[upstream,unpatched]}")" \
		"$(div "${call[upstream,$st]}" "${call[ours,$st]}")"
done
echo "(x unp. = cost / the same kernel's unpatched call; up/ours = upstream / ours."
echo " patched: after the transition, on ours once the fast path took the function;"
echo " nofast: the same with ours' fast path off, every call through the handler)"
