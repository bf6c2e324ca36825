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

passed=0 failed=0 skipped=0
# result STATUS NAME [DETAIL]: count and record one test.
result() {
	case "$1" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	esac
	[ -z "${KLP_RESULTS:-}" ] || printf '%s\t%s\t%s\t%s\n' "$1" "$label" "$2" "${3:-}" >> "$KLP_RESULTS"
}
summary() {
	echo "$suite on $k: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
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

args=()
for t in "$@"; do
	case "$t" in *:*) ;; *) t=livepatch:$t ;; esac
	args+=(-t "$t")
done

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
			;;
		esac
	done
}

phase "$suite on the $k kernel"
guest=$(mktemp)
trap 'rm -f "$guest"' EXIT
set +e
"$HARNESS/run-vm.sh" "$k" "$suite" "${args[@]}" | tee "$guest" | live
vmrc=${PIPESTATUS[0]}
set -e

plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$guest" | head -n1)
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
		# Its output: from its header to its result line.
		echo "---- $label $name failed${why:+ ($why)}:"
		awk -v t="${name#*:}" '$0 ~ "^# selftests: .*: " t "$" { p = 1; n = 0 }
			p { buf[++n] = $0 } p && /^(not )?ok / { p = 0 }
			END { s = n > 40 ? n - 40 : 0; for (i = s + 1; i <= n; i++) print "    " buf[i] }' "$guest"
		;;
	esac
done < <(grep -E '^(not )?ok [0-9]+ selftests: ' "$guest")
if [ -n "$plan" ] && [ "$seen" -lt "$plan" ]; then
	# The tests that never reported, in the runner's order: the first
	# one was running when the VM died or timed out.
	if [ $# -gt 0 ]; then
		names=$(printf '%s\n' "${args[@]}" | grep -v '^-t$')
	else
		names=$(cat "$OUT/stage/klp/$suite/kselftest-list.txt")
	fi
	for ((i = seen + 1; i <= plan; i++)); do
		name=$(echo "$names" | sed -n "${i}p")
		if [ "$i" = $((seen + 1)) ] && grep -q "^# selftests: ${name/:/: }\$" "$guest"; then
			why="did not finish"
		else
			why="not run"
		fi
		echo "FAIL $label ${name:-test #$i} ($why)"
		result FAIL "${name:-test #$i}" "$why"
	done
	echo "$suite: only $seen of $plan tests reported"
fi
if [ "$vmrc" != 0 ]; then
	case "$vmrc" in
	124) why="timeout" ;;
	125) why="the guest crashed or hung" ;;
	126) why="the kernel reported a problem (see above)" ;;
	*) why="guest exit status $vmrc" ;;
	esac
	echo "FAIL $label vm: $why"
	result FAIL vm "$why"
fi
phase_end
summary
