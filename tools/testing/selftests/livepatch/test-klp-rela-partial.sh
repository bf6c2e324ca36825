#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a patch of test_klp_target with two .klp.rela sections,
#   the first of which can be applied and the second not: it names a
#   symbol the target does not have (test_klp_rela_partial), or x86 fails
#   on its second relocation after writing the first one
#   (test_klp_rela_overflow).  The patch is refused when the target is
#   there, and the target is refused while the patch waits for it, with
#   the errno and the livepatch lines of that failure, and without a
#   single "x86/modules" line: what was written is cleared, what was
#   never written is left alone.  Loaded again, the target is refused the
#   same way: a location left written would make x86 fail on it with
#   ENOEXEC instead.  Once the patch is gone, the target loads, and
#   test_klp_rela, which needs the same symbol as the first section,
#   patches it.
# requires: test_klp_target, and test_klp_rela_partial.ko,
#   test_klp_rela_overflow.ko and test_klp_rela.ko converted by
#   klp_rela.py at install time.  Upstream 6.12 (recognized by the lack
#   of /sys/kernel/debug/livepatch) leaves the sections it wrote written
#   when patching a loading module fails, and words its log lines
#   otherwise: there, its lines are shown, and the second load of the
#   target is checked to trip over a location left written.
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
R=test_klp_rela
ours=true
[ -d /sys/kernel/debug/livepatch ] || ours=false

for m in test_klp_rela_partial test_klp_rela_overflow $R; do
	[ -f "$KLP_DIR/$m.ko" ] ||
		klp_skip "no $KLP_DIR/$m.ko:" \
			"the kselftest Makefile makes it from \$KDIR/lib/livepatch/$m.ko"
done

# The x86 relocation code's complaints since klp_log_start.
x86_lines() {
	klp_log_since 'x86/modules'
}

# check_log WHAT EXPECTED: on our livepatch, the lines logged since
# klp_log_start but the arch code's own ("module: ..."), and no
# x86/modules line; upstream's are shown.
check_log() {
	if $ours; then
		klp_expect "kernel log $1" "$2" \
			"$(klp_log_seen | grep -v '^module: ' || true)"
		klp_expect "x86/modules lines $1" "" "$(x86_lines)"
	else
		klp_say "upstream 6.12 logged $1:"
		{ klp_log_seen; x86_lines; } | sed 's/^/    /'
	fi
}

# check_partial PATCH ERRNO LINES: PATCH fails with ERRNO and logs LINES.
check_partial() {
	local p=$1 errno=$2 lines=$3 attempt
	local refusing="livepatch: patch '$p' failed for module '$T', refusing to load module '$T'"

	klp_say "--- $T loaded, then $p"
	klp_insert $T
	klp_log_start
	klp_load_refused "$errno" "$KLP_DIR/$p.ko"
	check_log "when $p is refused" "% insmod $p.ko
$lines"
	klp_expect "$T probe after the refusal" original "$(klp_param $T probe)"
	klp_remove $T

	klp_say "--- $p loaded, then $T, twice"
	klp_load "$KLP_DIR/$p.ko"
	for attempt in first second; do
		klp_log_start
		if ! $ours && [ $attempt = second ]; then
			klp_say "upstream 6.12 keeps what $p wrote:" \
				"loading $T again trips over it"
			klp_run_load $T
			klp_say "upstream 6.12: ${klp_out:-$T loaded}"
			check_log "on the second load of $T"
			klp_expect "upstream 6.12: a location left written" yes \
				"$(x86_lines | grep -q 'existing value is nonzero' &&
				   echo yes || echo no)"
			if klp_is_loaded $T; then
				klp_remove $T
			fi
			continue
		fi
		klp_load_refused "$errno" $T
		check_log "on the $attempt load of $T" "% modprobe $T
$lines
$refusing"
	done
	klp_expect "patches in $KLP_SYSFS" "$p" "$(klp_test_patches)"
	klp_disable "$p"
	klp_remove "$p"

	klp_say "--- $p gone: $T, then $R"
	klp_insert $T
	klp_expect "$T probe" original "$(klp_param $T probe)"
	klp_load "$KLP_DIR/$R.ko"
	klp_expect "$T probe with $R" "$(klp_param $T secret)" \
		"$(klp_param $T probe)"
	klp_disable $R
	klp_remove $R
	klp_remove $T
}

P=test_klp_rela_partial
check_partial $P EINVAL \
	"livepatch: '$P': object '$T': symbol 'tgt_no_such_symbol' (sympos 0) not found"

# x86 says why itself, in lines of its own that name the module.
P=test_klp_rela_overflow
SEC=.klp.rela.$T.klp_refs.$T.overflow
check_partial $P ENOEXEC \
	"livepatch: '$P': $SEC: apply_relocate_add() failed (-8)"

klp_done
