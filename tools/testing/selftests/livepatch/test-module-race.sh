#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: patches that look up their target module while it comes
#   and goes.  One loop loads and removes test_klp_target, another
#   enables, disables and removes test_klp_basic (which has an object
#   for test_klp_target), KLP_RACE_ROUNDS (40) times each, at the same
#   time.  Every operation must succeed, the kernel must log no warning,
#   oops or lockdep report, and at the end nothing is left and a last
#   round with the target loaded patches it.
# requires: test_klp_target, test_klp_basic
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

T=test_klp_target
B=test_klp_basic
ROUNDS=${KLP_RACE_ROUNDS:-40}
tmp=$(mktemp -d /tmp/klp-race.XXXXXX) || klp_fail "no scratch directory"
trap 'kill $loader 2>/dev/null; wait; rm -rf "$tmp"; klp_cleanup' EXIT

# The target's loop: load and remove it, count what failed.
target_loop() {
	local i bad=0

	for ((i = 0; i < ROUNDS; i++)); do
		modprobe $T 2>>"$tmp/target.err" || bad=$((bad + 1))
		rmmod $T 2>>"$tmp/target.err" || bad=$((bad + 1))
	done
	echo $bad > "$tmp/target.bad"
}

klp_log_start
target_loop &
loader=$!

bad=0
for ((i = 0; i < ROUNDS; i++)); do
	if ! modprobe $B 2>>"$tmp/patch.err"; then
		bad=$((bad + 1))
		continue
	fi
	for ((w = 0; w < KLP_WAIT_SECS * 10; w++)); do
		klp_transition_done $B && break
		sleep 0.1
	done
	echo 0 > $KLP_SYSFS/$B/enabled 2>>"$tmp/patch.err" || bad=$((bad + 1))
	for ((w = 0; w < KLP_WAIT_SECS * 10; w++)); do
		klp_patch_gone $B && klp_refcnt_zero $B && break
		sleep 0.1
	done
	rmmod $B 2>>"$tmp/patch.err" || bad=$((bad + 1))
done
wait $loader
klp_expect "failed operations of the patch loop" "0" "$bad$(sed 's/^/: /' "$tmp/patch.err")"
tbad=$(cat "$tmp/target.bad" 2>/dev/null || echo '(no count)')
klp_expect "failed operations of the target loop" "0" \
	"$tbad$(sed 's/^/: /' "$tmp/target.err")"
klp_expect "patches left" "" "$(klp_test_patches)"
klp_expect "$T left loaded" no "$(klp_is_loaded $T && echo yes || echo no)"

klp_insert $T
klp_load $B
klp_expect "$T answer with $B" "patched by $B" "$(klp_param $T answer)"
klp_disable $B
klp_remove $B
klp_remove $T
klp_api_expect_no_reports

klp_done
