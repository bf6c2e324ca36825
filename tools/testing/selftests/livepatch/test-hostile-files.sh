#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: garbage, oversized and out-of-range writes to every file
#   of /sys/kernel/livepatch and /sys/kernel/debug/livepatch
#   (kernel/livepatch/sysfs.c and debugfs.c), as root, and any write at
#   all by a user who is not root (setpriv), are refused: the write fails
#   with the errno of the case, the file reads as before, the patch stays
#   enabled and in charge, nothing is logged under "livepatch:" (the
#   errno is the answer) and the kernel reports nothing.  Prints a table:
#   case, expected errno, got, result, and the number of distinct
#   hostile inputs.  HOSTILE_CASES="<glob>..." runs only the matching
#   cases.
# requires: test_klp_target, test_klp_basic, setpriv (util-linux).  On
#   upstream 6.12 the files only this tree has (transition_timeout_ms,
#   debugfs) are not there: their cases are not run.
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_hostile.sh"
klp_setup

T=test_klp_target
P=test_klp_basic
D=$KLP_SYSFS/$P
DBG=/sys/kernel/debug/livepatch
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)

command -v setpriv >/dev/null || klp_skip "no setpriv (util-linux) to drop root"
"${NOBODY[@]}" true || klp_skip "setpriv cannot drop to uid 65534"

# value SPEC: what to write; "N*C" is N times the character C.
value() {
	local s

	if [[ "$1" =~ ^([0-9]+)\*(.)$ ]]; then
		printf -v s "%${BASH_REMATCH[1]}s" ""
		printf '%s' "${s// /${BASH_REMATCH[2]}}"
	else
		printf '%s\n' "$1"
	fi
}

# What a file reads as ("(unreadable)" for write-only ones).
readback() {
	local v

	[ -d "$1" ] && { echo "(a directory)"; return; }
	{ v=$(<"$1"); } 2>/dev/null && echo "$v" || echo "(unreadable)"
}

# write_case CASE FILE VALUE OURS UPSTREAM [root|nobody]: writing VALUE
# (value SPEC) to FILE fails with OURS (UPSTREAM on upstream 6.12;
# "skip:<why>" does not run it) and changes nothing.
write_case() {
	local case=$1 f=$2 v=$3 ours=$4 upstream=$5 who=${6:-root}
	local want before out rc

	hostile_expect "$case" "$ours" "$upstream" || return 0
	want=$hostile_expected
	before=$(readback "$f")
	hostile_begin "$case"
	if [ "$who" = nobody ]; then
		# shellcheck disable=SC2016 # expanded by the inner bash
		out=$("${NOBODY[@]}" bash -c 'printf "%s" "$1" > "$2"' - \
		      "$(value "$v")" "$f" 2>&1)
	else
		out=$( (value "$v" > "$f") 2>&1)
	fi
	rc=$?
	out=$(hostile_errno_of "$out" $rc)
	klp_expect "$case: the write fails with" "$want" "$out"
	klp_expect "$case: ${f#/sys/kernel/} reads as before" "$before" \
		"$(readback "$f")"
	klp_expect "$case: $P/enabled" 1 "$(klp_attr $P enabled)"
	klp_expect "$case: /proc/cmdline still $P's" \
		"$P: patched cmdline_proc_show" "$(klp_read /proc/cmdline)"
	klp_expect "$case: livepatch lines logged" "" "$(hostile_log_lines)"
	hostile_check_splat
	hostile_check_left
	hostile_end "$want" "$out"
}

klp_insert $T
klp_load $P
NA="skip:no such file there"

klp_say "=== $D/enabled (a bool; 1 now)"
write_case enabled_2 $D/enabled 2 EINVAL EINVAL
write_case enabled_garbage $D/enabled maybe EINVAL EINVAL
write_case enabled_empty_line $D/enabled '' EINVAL EINVAL
write_case enabled_minus_1 $D/enabled -1 EINVAL EINVAL
write_case enabled_8192_bytes $D/enabled '8192*x' EINVAL EINVAL
write_case enabled_1_again $D/enabled 1 EINVAL EINVAL

klp_say "=== $D/force (1 forces the patch in transition; none now)"
write_case force_2 $D/force 2 EINVAL EINVAL
write_case force_garbage $D/force maybe EINVAL EINVAL
write_case force_8192_bytes $D/force '8192*x' EINVAL EINVAL
write_case force_1_no_transition $D/force 1 EINVAL EINVAL

klp_say "=== $D/transition_timeout_ms (-1 or more)"
write_case timeout_garbage $D/transition_timeout_ms soon EINVAL "$NA"
write_case timeout_minus_2 $D/transition_timeout_ms -2 EINVAL "$NA"
write_case timeout_2147483648 $D/transition_timeout_ms 2147483648 ERANGE "$NA"
write_case timeout_8192_digits $D/transition_timeout_ms '8192*9' ERANGE "$NA"

klp_say "=== the read-only files and directories"
for f in transition replace stack_order vmlinux/patched $T/patched; do
	want=EACCES
	[ -e "$D/$f" ] || want=$NA
	write_case "read-only_${f//\//_}" "$D/$f" 0 EACCES "$want"
done
write_case function_directory "$D/vmlinux/cmdline_proc_show,1" 0 EISDIR EISDIR
write_case new_file_in_livepatch_dir "$KLP_SYSFS/$P.new" 1 EACCES EACCES

klp_say "=== $DBG"
for f in signal_delay_ms transition_timeout_ms fast_settle_ms; do
	write_case "debugfs_${f}_garbage" $DBG/$f later EINVAL "$NA"
	write_case "debugfs_${f}_minus_1" $DBG/$f -1 EINVAL "$NA"
	write_case "debugfs_${f}_4294967296" $DBG/$f 4294967296 ERANGE "$NA"
	write_case "debugfs_${f}_8192_digits" $DBG/$f '8192*9' ERANGE "$NA"
done
for f in pending transitions shadow redirect; do
	write_case "debugfs_read-only_$f" $DBG/$f 0 EINVAL "$NA"
done

klp_say "=== any write by uid 65534, however valid"
for f in enabled force transition_timeout_ms transition replace stack_order \
	 vmlinux/patched $T/patched; do
	v=0
	[ "$f" = force ] && v=1
	want=EACCES
	[ -e "$D/$f" ] || want=$NA
	write_case "nobody_${f//\//_}" "$D/$f" $v EACCES "$want" nobody
done
for f in signal_delay_ms transition_timeout_ms fast_settle_ms pending \
	 transitions shadow redirect; do
	write_case "nobody_debugfs_$f" $DBG/$f 0 EACCES "$NA" nobody
done

klp_disable $P
klp_remove $P
klp_remove $T
hostile_done "hostile writes to the livepatch files"
