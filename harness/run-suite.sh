#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-suite.sh [--kernel KERNEL] SUITE [TEST...]: stage a test suite, run it
# in a VM with run_kselftest.sh and report one line per test:
#   upstream-compat  upstream 6.12's livepatch kselftests, unmodified
#   selftests        our kselftests (tools/testing/selftests/livepatch)
# TEST is a kselftest name (test-sysfs.sh or livepatch:test-sysfs.sh).
# KERNEL is ours, upstream or a variant (ours-nodyn: see build-kernel.sh);
# it must be built (make kernel / make reference / build-kernel.sh).
#   KERNEL=...        default kernel (ours)
#   VERBOSE=1         show the whole guest output, not just the results
#   KLP_RESULTS=FILE  append "STATUS<TAB>suite<TAB>test" lines (check.sh)
#   KLP_TEST_TIMEOUT=S  host seconds one test may take (default 900); a
#                     test that takes longer is stopped with its VM and
#                     the tests after it run in a new VM
#   KLP_SHARDS=N      run the listed tests in N VMs at once (default 1),
#                     every N-th test of the list in each: one host CPU
#                     per VM (single-threaded TCG), so up to the host's
#                     CPU count; with TEST names, one VM
# Ends with "N passed, N failed, N skipped"; exits non-zero on a failure,
# a kernel report in the serial log, a crash or a timeout.
source "$(dirname "$0")/lib.sh"

k=${KERNEL:-ours}
case "${1:-}" in
--kernel) k=${2:?--kernel ours|upstream[-VARIANT]}; shift 2 ;;
--kernel=*) k=${1#--kernel=}; shift ;;
esac
suite=${1:?usage: run-suite.sh [--kernel ours|upstream[-VARIANT]] SUITE [TEST...]}
shift
check_kernel_name "$k"
case "$suite" in
upstream-compat|selftests) ;;
*) die "unknown suite '$suite' (upstream-compat, selftests)" ;;
esac
OUT=$(out_of "$k")
# What the results call the suite: "selftests", or on a variant of a
# kernel "selftests@ours-nodyn".
label=$suite
[ -z "$(kernel_variant "$k")" ] || label=$suite@$k

# Every result of this run, also when shards record them.
res=$(mktemp)
trap 'rm -f "$res"' EXIT
# result STATUS NAME [DETAIL]: record one test.
result() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$label" "$2" "${3:-}" >> "$res"
	[ -z "${KLP_RESULTS:-}" ] || printf '%s\t%s\t%s\t%s\n' "$1" "$label" "$2" "${3:-}" >> "$KLP_RESULTS"
}
summary() {
	local p f sk

	p=$(grep -c '^PASS' "$res" || true)
	f=$(grep -c '^FAIL' "$res" || true)
	sk=$(grep -c '^SKIP' "$res" || true)
	echo "$suite on $k: $p passed, $f failed, $sk skipped"
	[ "$f" = 0 ]
}

if ! "$HARNESS/stage-$suite.sh" "$k"; then
	echo "FAIL $label build: staging the suite failed"
	result FAIL build "staging failed"
	summary
	exit 1
fi
if [ ! -s "$OUT/stage/klp/$suite/kselftest-list.txt" ]; then
	echo "$suite: no tests to run"
	summary
	exit
fi

# The tests to run, in the runner's order.  Without names, the whole
# list; a VM then gets the line numbers of its tests ("--lines=1+3+5"),
# which fit on the kernel command line where the names would not.
shards=${KLP_SHARDS:-1}
listed=0
if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do
		case "$t" in *:*) ;; *) t=livepatch:$t ;; esac
		tests+=("$t")
	done
	shards=1
else
	mapfile -t tests < "$OUT/stage/klp/$suite/kselftest-list.txt"
	listed=${#tests[@]}
	[ "$shards" -ge 1 ] 2>/dev/null || die "KLP_SHARDS=$shards: a number of VMs"
	[ "$shards" -le "$listed" ] || shards=$listed
fi

# Live view: a line per finished test with its time (or everything).
live() {
	if [ "${VERBOSE:-0}" != 0 ]; then
		cat
		return
	fi
	local line t0=$SECONDS st name
	while IFS= read -r line; do
		case "$line" in
		'# selftests: '*) t0=$SECONDS ;;
		'ok '*'# SKIP'*) st=SKIP ;;
		'ok '*) st=PASS ;;
		'not ok '*) st=FAIL ;;
		*) continue ;;
		esac
		case "$line" in
		*ok\ [0-9]*\ selftests:*)
			name=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ selftests: ([^:]+): ([^ ]+).*/\2:\3/')
			printf '%-4s %s %s (%ss)\n' "$st" "$label" "$name" $((SECONDS - t0))
			echo "$name $((SECONDS - t0))" >> "$times_new"
			;;
		esac
	done
}

# test_output FILE NAME [LINES]: the last LINES (40) lines NAME printed.
test_output() {
	awk -v t="${2#*:}" -v max="${3:-40}" '$0 ~ "^# selftests: .*: " t "$" { p = 1; n = 0 }
		p { buf[++n] = $0 } p && /^(not )?ok / { p = 0 }
		END { s = n > max ? n - max : 0; for (i = s + 1; i <= n; i++) print "    " buf[i] }' "$1"
}

# Each test may take KLP_TEST_TIMEOUT seconds of host time (the kselftest
# runner also enforces its own limit, in guest time, from "settings").  A
# test that takes longer is stopped with its VM, reported with the end of
# its output, and the tests after it run in a new VM: a slow or busy
# machine costs time, not results.  The VM limit follows from the tests
# it runs.
test_timeout=${KLP_TEST_TIMEOUT:-900}

# run_tests SHARD TEST...: run the tests, in VMs one after the other
# until each has reported (SHARD names this share of the list in the
# serial log's name, "1of2", or is empty).
run_tests() {
	local shard=$1 guest vmrc seen line name why t n args vm_failures=()
	shift
	local tests=("$@")

	guest=$(mktemp)
	while [ ${#tests[@]} -gt 0 ]; do
		args=()
		if [ "$listed" -gt 0 ]; then
			n=
			for t in "${tests[@]}"; do n+=+$(line_of "$t"); done
			args=("--lines=${n#+}")
		else
			for t in "${tests[@]}"; do args+=(-t "$t"); done
		fi
		: > "$guest"
		set +e
		KLP_TIMEOUT=${KLP_TIMEOUT:-$((300 + ${#tests[@]} * test_timeout))} \
		KLP_STALL=$test_timeout KLP_STALL_RE='^(# selftests: |(not )?ok [0-9]+ selftests: )' \
		KLP_LOG_TAG=${shard:+-$shard} \
			"$HARNESS/run-vm.sh" "$k" "$suite" "${args[@]}" | tee "$guest" | live
		vmrc=${PIPESTATUS[0]}
		set -e

		seen=0
		while IFS= read -r line; do
			name=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ selftests: ([^:]+): ([^ ]+).*/\2:\3/')
			seen=$((seen + 1))
			case "$line" in
			'ok '*'# SKIP'*) result SKIP "$name" ;;
			'ok '*) result PASS "$name" ;;
			*)
				why=
				case "$line" in *' # '*) why=${line##* # } ;; esac
				result FAIL "$name" "$why"
				echo "---- $label $name failed${why:+ ($why)}:"
				test_output "$guest" "$name"
				;;
			esac
		done < <(grep -E '^(not )?ok [0-9]+ selftests: ' "$guest")
		tests=("${tests[@]:$seen}")

		if [ "$vmrc" != 0 ]; then
			why=$(vm_why "$vmrc")
			echo "FAIL $label vm${shard:+ $shard}: $why"
			vm_failures+=("$why")
		fi
		[ ${#tests[@]} -gt 0 ] || break
		if [ "$vmrc" = 0 ]; then
			# The runner ended without reporting them all.
			for t in "${tests[@]}"; do
				echo "FAIL $label $t (not run)"
				result FAIL "$t" "not run"
			done
			break
		fi
		# The first test that did not report stopped this VM, if it
		# started; the others get a new one.
		t=${tests[0]}
		if grep -q "^# selftests: ${t/:/: }\$" "$guest"; then
			why="did not finish: $why"
			tests=("${tests[@]:1}")
			echo "FAIL $label $t ($why); its last lines:"
			test_output "$guest" "$t" 20
			result FAIL "$t" "$why"
		else
			echo "$label: the VM stopped before $t started ($why)"
			result FAIL "$t" "not run: $why"
			tests=("${tests[@]:1}")
		fi
		[ ${#tests[@]} -gt 0 ] && echo "$label: $((${#tests[@]})) test(s) left, in a new VM"
	done
	rm -f "$guest"
	for why in "${vm_failures[@]}"; do
		result FAIL vm "$why"
	done
}

# How long each test took last time on this kernel ("NAME SECONDS"
# lines), to share the tests out evenly among VMs.
times_file=$KLP_CACHE/times/$k-$suite
times_new=$(mktemp)
trap 'rm -f "$res" "$times_new"' EXIT

# line_of TEST: its line in the list.
line_of() {
	local i

	for i in "${!all[@]}"; do
		[ "${all[i]}" = "$1" ] && { echo $((i + 1)); return; }
	done
}
all=("${tests[@]}")

if [ "$shards" -gt 1 ]; then
	phase "$suite on the $k kernel ($shards VMs at once)"
else
	phase "$suite on the $k kernel"
fi
if [ "$shards" -le 1 ]; then
	run_tests "" "${tests[@]}"
else
	# The initramfs once, before the VMs that share it.
	"$HARNESS/mkinitramfs.sh" "$k" >&2
	# Longest first, each test to the VM with the least work so far,
	# by the times of the last run (a test never timed counts as the
	# mean); without times, tests i, i + N, i + 2N... to VM i, which
	# spreads neighbours (similar tests) over the VMs.  Each VM runs its
	# tests in the list's order.
	mapfile -t shard_of < <(
		for i in "${!tests[@]}"; do echo "$i ${tests[i]}"; done |
		awk -v n="$shards" -v tf="$times_file" '
			BEGIN { while ((getline l < tf) > 0) { split(l, f, " "); t[f[1]] = f[2]; sum += f[2]; cnt++ } }
			{ idx[NR] = $1; name[NR] = $2 }
			END {
				mean = cnt ? sum / cnt : 1
				for (i = 1; i <= NR; i++) w[i] = (name[i] in t) ? t[name[i]] + 1 : (cnt ? mean : 0)
				if (!cnt) { for (i = 1; i <= NR; i++) print idx[i], (i - 1) % n; exit }
				for (done = 0; done < NR; done++) {
					best = 0
					for (i = 1; i <= NR; i++) if (!(i in as) && (!best || w[i] > w[best])) best = i
					m = 0
					for (j = 1; j < n; j++) if (load[j] < load[m]) m = j
					as[best] = m; load[m] += w[best]
				}
				for (i = 1; i <= NR; i++) print idx[i], as[i]
			}' | sort -n | cut -d" " -f2)
	pids=()
	for ((i = 0; i < shards; i++)); do
		mine=()
		for j in "${!tests[@]}"; do
			[ "${shard_of[j]}" = "$i" ] && mine+=("${tests[j]}")
		done
		run_tests "$((i + 1))of$shards" "${mine[@]}" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || true; done
fi
# The times of this run replace those of the tests it ran.
if [ -s "$times_new" ]; then
	mkdir -p "${times_file%/*}"
	touch "$times_file"
	awk 'NR == FNR { t[$1] = $2; next } !($1 in t) { print } END { for (n in t) print n, t[n] }' \
		"$times_new" "$times_file" 2>/dev/null | sort > "$times_file.new" &&
		mv "$times_file.new" "$times_file"
fi
phase_end
summary
