#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh [ours|upstream|ours-VARIANT]: everything "make check" does,
# from a bare machine: install the dependencies, unpack the base, build
# the kernels, run the suites, the differential tester and the lint gates
# (lint.sh).  For ours (CHECK_DEBUG, default 1):
#   1     ours, the production-like build (PREEMPT_DYNAMIC): upstream
#         6.12's suite, the timing-sensitive kselftests (TIMING_TESTS),
#         the differential tester; then ours-debug (KASAN,
#         kmemleak, lockdep..., and PREEMPT_DYNAMIC=n: debug.config)
#         runs every suite, our kselftests and upstream 6.12's in
#         KLP_SHARDS VMs at once (default: one per host CPU)
#   0     no debug kernel: every suite on ours, and the variant ours-nodyn
#         (PREEMPT_DYNAMIC=n, nodyn.config) built with its modules and
#         booted for the smoke subset NODYN_TESTS of our kselftests
#         (results "selftests@ours-nodyn"); quicker on a laptop
#   only  every suite on ours-debug, nothing else
# For another kernel, every suite on it.  Prints one line per test, the
# time of each phase, and closes with exactly "N passed, N failed, N
# skipped".  Exits non-zero on any failure, crash or timeout.
source "$(dirname "$0")/lib.sh"

k=${1:-${KERNEL:-ours}}
check_kernel_name "$k"
ALL_SUITES="selftests upstream-compat upstream-samples"
# On ours-nodyn: a patch of vmlinux; test modules whose kthreads call
# cond_resched() (the inline that tests klp_sched_try_switch_key); a
# transition that a CPU-bound kthread completes in cond_resched().
NODYN_TESTS="test-vmlinux-function.sh test-shadow-concurrent.sh
	test-transition-kthread.sh test-transition-cond-resched.sh"
# The "timing" suite: our kselftests whose verdict depends on how fast
# the kernel runs, on the production build too.  The debug kernel is 3 to
# 5 times slower and hid two races of test-stress that ours showed in 4
# runs out of 4.
TIMING_TESTS=${TIMING_TESTS:-test-stress.sh}

KLP_RESULTS=$(mktemp)
export KLP_RESULTS
trap 'rm -f "$KLP_RESULTS"' EXIT
times=()
t_start=$(date +%s)

# step NAME COMMAND...: run one phase, remember how long it took.
step() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s)
	"$@" || rc=$?
	times+=("$name $(( $(date +%s) - t0 ))s")
	return $rc
}

finish() {
	local p f s
	echo
	echo "==> results ($k kernel)"
	sort -s -k2,2 "$KLP_RESULTS" | awk -F'\t' '{ printf "%-4s %s %s%s\n", $1, $2, $3, ($4 != "" ? " (" $4 ")" : "") }'
	echo "==> phase times: $(printf '%s, ' "${times[@]}")total $(( $(date +%s) - t_start ))s"
	p=$(grep -c '^PASS' "$KLP_RESULTS" || true)
	f=$(grep -c '^FAIL' "$KLP_RESULTS" || true)
	s=$(grep -c '^SKIP' "$KLP_RESULTS" || true)
	echo "$p passed, $f failed, $s skipped"
	[ "$f" = 0 ]
}

# A build that fails is one failure, and the end of the check.
build_step() {
	local name=$1
	shift
	if ! step "$name" "$@"; then
		printf 'FAIL\tbuild\t%s\t%s\n' "$name" "see above" >> "$KLP_RESULTS"
		finish
		exit 1
	fi
}

# suites KERNEL SUITE...: build KERNEL, run the suites on it
# (selftests, upstream-compat: run-suite.sh; upstream-samples: upstream
# 6.12's samples/livepatch built against this kernel's header and run on
# it, upstream-samples.sh).
suites() {
	local kk=$1 s n at= rc
	shift

	[ -z "$(kernel_variant "$kk")" ] || at=@$kk
	if [ "$kk" = "${kernels%% *}" ]; then
		build_step "kernel-$kk" "$HARNESS/build-kernel.sh" "$kk"
	elif ! step "kernel-$kk" "$HARNESS/build-kernel.sh" "$kk"; then
		# A second kernel: its failure leaves the rest of the check.
		printf 'FAIL\tbuild\t%s\t%s\n' "kernel-$kk" "see above" >> "$KLP_RESULTS"
		return
	fi
	for s in "$@"; do
		# A failing suite is counted in the results; carry on.
		n=$(grep -c '^FAIL' "$KLP_RESULTS" || true)
		rc=0
		if [ "$s" = upstream-samples ]; then
			KLP_TIMEOUT=${KLP_TIMEOUT:-$samples_timeout} \
				step "$s$at" "$HARNESS/upstream-samples.sh" --kernel "$kk" || rc=$?
		elif [ "$s" = timing ]; then
			# shellcheck disable=SC2086
			step "$s$at" "$HARNESS/run-suite.sh" --kernel "$kk" selftests $TIMING_TESTS || rc=$?
		else
			step "$s$at" "$HARNESS/run-suite.sh" --kernel "$kk" "$s" || rc=$?
		fi
		if [ "$rc" != 0 ] && [ "$(grep -c '^FAIL' "$KLP_RESULTS" || true)" = "$n" ]; then
			printf 'FAIL\t%s\tsuite\t%s\n' "$s$at" "$s failed without a result" >> "$KLP_RESULTS"
		fi
	done
}

# The kernels and what runs on each ("KERNEL:SUITE,SUITE").  A debug
# kernel's VMs are slow under TCG: their limits are raised
# (KLP_DEBUG_TEST_TIMEOUT, default 2400 s per test; 3600 s for the
# samples' VM), and its suites run in KLP_SHARDS VMs at once.
plan=("$k:${ALL_SUITES// /,}")
nodyn=0
if [ "$k" = ours ]; then
	case "${CHECK_DEBUG:-1}" in
	0) plan=("ours:${ALL_SUITES// /,}"); nodyn=1 ;;
	only) plan=("ours-debug:${ALL_SUITES// /,}") ;;
	*) plan=("ours:upstream-compat,timing" "ours-debug:${ALL_SUITES// /,}") ;;
	esac
fi
# CHECK_PLAN="KERNEL:SUITE,SUITE KERNEL:..." replaces the plan (by hand).
[ -z "${CHECK_PLAN:-}" ] || read -r -a plan <<<"$CHECK_PLAN"
kernels=$(for p in "${plan[@]}"; do printf '%s ' "${p%%:*}"; done)
build_step deps "$HARNESS/install-deps.sh"
build_step base "$HARNESS/prepare-base.sh"
# The first kernel, then the differential tester and lint (they need
# ours), then the others.
run_plan() {
	local p kk

	for p in "$@"; do
		kk=${p%%:*}
		IFS=, read -r -a ss <<<"${p#*:}"
		if [ "$(kernel_variant "$kk")" = debug ]; then
			KLP_TEST_TIMEOUT=${KLP_DEBUG_TEST_TIMEOUT:-2400} samples_timeout=3600 \
				KLP_SHARDS=${KLP_SHARDS:-$JOBS} suites "$kk" "${ss[@]}"
		else
			samples_timeout=1200 suites "$kk" "${ss[@]}"
		fi
	done
}
run_plan "${plan[0]}"
# The differential tester (harness/diff/README): 200 random sequences of
# 24 operations on ours, compared operation by operation with the
# reference kernel's trace of the same sequences; "differential: N
# sequences, M operations, K divergences", K must be 0.  That trace comes
# from the golden file harness/diff/golden/check.trace.gz while its key
# (the sequences, the executor, the test modules, the base...) matches;
# otherwise the reference kernel is built and runs live, which is slow
# ("make diff-golden" rewrites the file).  DIFF_SEQS and DIFF_LEN set
# other sizes (a live reference run), DIFF_SEQS=0 leaves it out.
if [ "$k" = ours ] && [ "${CHECK_DEBUG:-1}" != only ] && [ "${DIFF_SEQS:-200}" != 0 ]; then
	diff_args=(--check --seqs "${DIFF_SEQS:-200}" --len "${DIFF_LEN:-24}")
	diff_run() {
		if ! python3 "$HARNESS/diff/run.py" "${diff_args[@]}" --golden-status ||
			! python3 "$HARNESS/diff/run.py" --regress --golden-status; then
			"$HARNESS/build-kernel.sh" upstream || return 1
		fi
		# the shrunk sequences of earlier bugs (regress/*.seq) first
		python3 "$HARNESS/diff/run.py" --regress > "$KLP_CACHE/diff/regress.out" ||
			{ cat "$KLP_CACHE/diff/regress.out"; return 1; }
		python3 "$HARNESS/diff/run.py" "${diff_args[@]}" |
			tee "$KLP_CACHE/diff/check.out" | grep '^differential:'
		[ "${PIPESTATUS[0]}" = 0 ]
	}
	mkdir -p "$KLP_CACHE/diff"
	t_diff=$(date +%s)
	if step differential diff_run; then
		printf 'PASS\tdifferential\tcheck\t%s, %ss\n' "$(grep '^differential:' "$KLP_CACHE/diff/check.out")" \
			"$(( $(date +%s) - t_diff ))" >> "$KLP_RESULTS"
	else
		printf 'FAIL\tdifferential\tcheck\t%s\n' "see $KLP_CACHE/diff/check.out" >> "$KLP_RESULTS"
	fi
	echo "differential tester: $(( $(date +%s) - t_diff ))s"
fi
# Static checks of our files (make lint): one result line per gate.
if [ "$k" = ours ]; then
	n=$(grep -c '^FAIL' "$KLP_RESULTS" || true)
	if ! step lint "$HARNESS/lint.sh" &&
		[ "$(grep -c '^FAIL' "$KLP_RESULTS" || true)" = "$n" ]; then
		printf 'FAIL\tlint\tlint.sh\t%s\n' "lint.sh failed" >> "$KLP_RESULTS"
	fi
fi
run_plan "${plan[@]:1}"
# Without a debug kernel (CHECK_DEBUG=0), our kernel without dynamic
# preemption: cond_resched() is an inline that modules link into.  A
# build that fails is one failure; the rest of the check already ran.
if [ "$nodyn" = 1 ]; then
	if ! step kernel-ours-nodyn "$HARNESS/build-kernel.sh" ours nodyn; then
		printf 'FAIL\tbuild\t%s\t%s\n' kernel-ours-nodyn "see above" >> "$KLP_RESULTS"
	else
		printf 'PASS\tbuild\t%s\t%s\n' kernel-ours-nodyn "with its modules" >> "$KLP_RESULTS"
		n=$(grep -c '^FAIL' "$KLP_RESULTS" || true)
		# shellcheck disable=SC2086
		if ! step selftests@ours-nodyn "$HARNESS/run-suite.sh" --kernel ours-nodyn \
			selftests $NODYN_TESTS &&
			[ "$(grep -c '^FAIL' "$KLP_RESULTS" || true)" = "$n" ]; then
			printf 'FAIL\t%s\tsuite\t%s\n' selftests@ours-nodyn "run-suite.sh failed" >> "$KLP_RESULTS"
		fi
	fi
fi
finish
