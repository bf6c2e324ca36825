#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a patch of test_klp_target with two .klp.rela sections,
#   test_klp_rela_partial: the first can be applied, the second names a
#   symbol the target does not have.  The patch is refused (EINVAL) when
#   the target is there, and the target is refused while the patch waits
#   for it, each time with the log line naming the missing symbol, and
#   without a single "x86/modules" line: what the first section wrote is
#   cleared, the second, never written, is left alone.  Loaded again, the
#   target is refused the same way (a first section left written would
#   make it fail with ENOEXEC instead); once the patch is gone it loads,
#   and test_klp_rela, which needs the same symbol as the first section,
#   patches it.
# requires: test_klp_target, and test_klp_rela_partial.ko and
#   test_klp_rela.ko converted by klp_rela.py at install time.  Upstream
#   6.12 (recognized by the lack of /sys/kernel/debug/livepatch) leaves
#   the sections it applied written when patching a loading module fails,
#   and words its log lines otherwise: there, what it does is shown and
#   not held against it.
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
P=test_klp_rela_partial
R=test_klp_rela
MISSING="livepatch: '$P': object '$T': symbol 'tgt_no_such_symbol' (sympos 0) not found"
REFUSING="livepatch: patch '$P' failed for module '$T', refusing to load module '$T'"
ours=true
[ -d /sys/kernel/debug/livepatch ] || ours=false

for m in $P $R; do
	[ -f "$KLP_DIR/$m.ko" ] ||
		klp_skip "no $KLP_DIR/$m.ko:" \
			"the kselftest Makefile makes it from \$KDIR/lib/livepatch/$m.ko"
done

# The x86 relocation code's lines since klp_log_start.
x86_lines() {
	dmesg | awk -v m="$klp_log_marker" 'seen; index($0, m) { seen = 1 }' |
		sed 's/^\[[ 0-9.]*\] //' | grep 'x86/modules' || true
}

# check_log WHAT EXPECTED: the livepatch lines and no x86/modules line,
# on our livepatch; upstream's are shown.
check_log() {
	if $ours; then
		klp_expect_log "$2"
		klp_expect "x86/modules lines $1" "" "$(x86_lines)"
	else
		klp_say "upstream 6.12 logged $1:"
		{ klp_log_seen; x86_lines; } | sed 's/^/    /'
	fi
}

klp_say "--- $T loaded, then $P"
klp_insert $T
klp_log_start
klp_load_refused EINVAL "$KLP_DIR/$P.ko"
check_log "when $P is refused" "% insmod $P.ko
$MISSING"
klp_expect "$T probe after the refusal" original "$(klp_param $T probe)"
klp_remove $T

klp_say "--- $P loaded, then $T, twice"
klp_load "$KLP_DIR/$P.ko"
for attempt in first second; do
	klp_log_start
	if ! $ours && [ $attempt = second ]; then
		klp_say "upstream 6.12 keeps what the first section wrote:" \
			"loading $T again fails on it, not on the missing symbol"
		klp_run_load $T
		klp_expect "upstream 6.12: the second load of $T fails with" \
			ENOEXEC "$(klp_errno "${klp_out:-loaded}")"
		check_log "on the second load of $T"
		klp_is_loaded $T && klp_remove $T
		continue
	fi
	klp_load_refused EINVAL $T
	check_log "on the $attempt load of $T" "% modprobe $T
$MISSING
$REFUSING"
done
klp_expect "patches in $KLP_SYSFS" $P "$(klp_test_patches)"
klp_disable $P
klp_remove $P

klp_say "--- $P gone: $T, then $R"
klp_insert $T
klp_expect "$T probe" original "$(klp_param $T probe)"
klp_load "$KLP_DIR/$R.ko"
klp_expect "$T probe with $R" "$(klp_param $T secret)" "$(klp_param $T probe)"
klp_disable $R
klp_remove $R
klp_remove $T

klp_done
