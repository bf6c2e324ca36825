#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-kcsan.sh [TEST...]: "make check-kcsan".  Build the variant
# ours-kcsan (our kernel with KCSAN, harness/config/kcsan.config), then
# boot it twice:
#   tests   the kselftests that make transitions meet their lockless
#           readers, KCSAN_TESTS (or the TESTs given), with a reader of
#           the livepatch sysfs running beside them (klp.sysfs_poll=1,
#           harness/guest/selftests)
#   stress  transitions over and over for KCSAN_STRESS_SECS (default
#           300) with readers of their state beside them, KCSAN watching
#           one access in KCSAN_STRESS_SKIP (default 200) meanwhile
#           (harness/guest/kcsan-stress); KCSAN_STRESS_SECS=0 skips it
# KCSAN samples: a race on a variable written once per transition shows
# only over many transitions, hence the stress.
#
# Both serial logs are scanned for KCSAN reports (scan-log.sh --kcsan):
# one with a livepatch function (klp_*, __klp_*) in a stack fails the
# check and is printed whole, with the global it is about when it is one;
# the others, races elsewhere in the kernel, are listed by title and do
# not fail it.  An oops, lockdep report or any other kernel report still
# fails it (run-vm.sh scans for those), and so do a failed test or
# stress, and a kernel whose KCSAN did not pass its boot self-test.
# Ends with one line, "kcsan: PASS|FAIL: ..."; exits non-zero on FAIL.
#
# KCSAN under TCG is slow: each VM gets KLP_TIMEOUT seconds (default
# 7200); the time of each phase is printed.
source "$(dirname "$0")/lib.sh"

k=ours-kcsan
# test-transition-cond-resched.sh is left out: it proves that a kthread
# switched itself only when nothing else ran on its CPU from the patch's
# load to the kthread's first patched call, a window that KCSAN in TCG
# stretches to tens of seconds, which per-CPU work always interrupts.
# The same hook runs in test-transition-kthread.sh and in the stress.
KCSAN_TESTS=
for t in "$REPO"/tools/testing/selftests/livepatch/test-transition-*.sh; do
	t=$(basename "$t")
	[ "$t" = test-transition-cond-resched.sh ] || KCSAN_TESTS+="$t "
done
KCSAN_TESTS+="test-sysfs.sh test-stacking.sh test-module-race.sh test-atomic-replace.sh"
[ $# -eq 0 ] || KCSAN_TESTS=$*
KCSAN_STRESS_SECS=${KCSAN_STRESS_SECS:-300}
KCSAN_STRESS_SKIP=${KCSAN_STRESS_SKIP:-200}
export KLP_TIMEOUT=${KLP_TIMEOUT:-7200}
# A test that prints only at its end (test-module-race.sh) or runs CPU-bound
# hammers (test-transition-syscall.sh) went 900 s without output on a host
# loaded 5 times over: give each test an hour here.
export KLP_TEST_TIMEOUT=${KLP_TEST_TIMEOUT:-3600}
APPEND=${KLP_APPEND:-}

logs=() why=() times=()
t_start=$(date +%s)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# vm_phase NAME COMMAND...: run one VM phase, keep its serial log and time.
vm_phase() {
	local name=$1 t0 rc=0 log

	shift
	t0=$(date +%s)
	"$@" 2>&1 | tee "$out" || rc=$?
	times+=("$name $(( $(date +%s) - t0 ))s")
	log=$(sed -n 's/^vm: serial log //p' "$out" | tail -n 1)
	if [ -f "$log" ]; then
		logs+=("$log")
	else
		why+=("$name: no serial log")
	fi
	return $rc
}

"$HARNESS/install-deps.sh"
"$HARNESS/prepare-base.sh"
t0=$(date +%s)
"$HARNESS/build-kernel.sh" ours kcsan
times+=("build $(( $(date +%s) - t0 ))s")
OUT=$(out_of "$k")

# shellcheck disable=SC2086
KLP_APPEND="$APPEND klp.sysfs_poll=1" vm_phase tests \
	"$HARNESS/run-suite.sh" --kernel "$k" selftests $KCSAN_TESTS || true
tests=$(grep -E '^selftests on ' "$out" | tail -n 1 || true)
# Failed tests; the VM's kernel reports are counted below, from the log.
n=$(sed -n 's/^FAIL [^ ]* \(livepatch:[^ ]*\).*/\1/p' "$out" | sort -u | grep -c . || true)
[ "$n" = 0 ] || why+=("$n test(s) failed (above)")
vm=$(sed -n 's/^FAIL [^ ]* vm: //p' "$out" | grep -v 'the kernel reported' || true)
[ -z "$vm" ] || why+=("tests: $vm")
[ -n "$tests" ] || why+=("tests: no results")

stress=
if [ "$KCSAN_STRESS_SECS" != 0 ]; then
	phase "stress on $k: ${KCSAN_STRESS_SECS}s, KCSAN skip_watch=$KCSAN_STRESS_SKIP"
	rc=0
	KLP_APPEND=$APPEND vm_phase stress "$HARNESS/run-vm.sh" "$k" kcsan-stress \
		"$KCSAN_STRESS_SECS" "$KCSAN_STRESS_SKIP" || rc=$?
	# 126: it passed, the log did not (counted below).
	case $rc in
	0|126) ;;
	124) why+=("stress: timeout") ;;
	*) why+=("stress: failed (exit status $rc, above)") ;;
	esac
	stress=$(sed -n 's/^kcsan-stress: \([0-9]* cycles\).*/\1/p' "$out" | tail -n 1)
	phase_end
fi

# Every kernel report of both logs (scan-log.sh): KCSAN reports that
# involve livepatch, those that do not, and anything else.
phase "kernel reports and KCSAN reports"
nours=0 nother=0 nrest=0
for log in "${logs[@]}"; do
	grep -aq 'kcsan: selftest: [0-9]*/[0-9]* tests passed' "$log" ||
		why+=("$(basename "$log"): KCSAN did not pass its boot self-test")
	"$HARNESS/scan-log.sh" "$log" "$OUT/System.map" | tee "$out" || true
	all=$(sed -n 's/^scan: \([0-9]*\) kernel report(s) in the log$/\1/p' "$out")
	o='' e=''
	read -r o e < <(sed -n 's/^scan: KCSAN: \([0-9]*\) report.*, \([0-9]*\) elsewhere$/\1 \2/p' "$out") || true
	nours=$((nours + ${o:-0}))
	nother=$((nother + ${e:-0}))
	nrest=$((nrest + ${all:-0} - ${o:-0}))
	# How much KCSAN watched, as the guest read it at the end.
	sed -n 's/^# kcsan: //p' "${log%.log}.out" | tr '\n' ' ' |
		sed -e 's/^./kcsan counters: &/' -e 's/ $/\n/'
done
[ "$nrest" = 0 ] || why+=("$nrest other kernel report(s) (above)")
[ "$nours" = 0 ] || why+=("KCSAN reports involving livepatch (above)")
phase_end

echo "==> phase times: $(printf '%s, ' "${times[@]}")total $(( $(date +%s) - t_start ))s"
what="$nours KCSAN report(s) involving livepatch, $nother elsewhere (not failures);"
what+=" ${tests:-no test results}${stress:+; stress: $stress}"
if [ ${#why[@]} = 0 ]; then
	echo "kcsan: PASS: $what"
else
	echo "kcsan: FAIL: $(printf '%s; ' "${why[@]}")$what"
	exit 1
fi
