#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klp_common.sh - what the livepatch kselftests share.
#
# A test sources this file, calls klp_setup, checks one behaviour with the
# helpers below and ends with klp_done.  Exit status is kselftest's:
# 0 pass, 1 fail, 4 skip.
#
#   checks     klp_expect WHAT EXPECTED SEEN prints "ok" or what it
#              expected and what it saw, and the test goes on; klp_fail
#              ends the test at once (for steps the rest depends on)
#   modules    the test modules are lib/livepatch's (CONFIG_TEST_LIVEPATCH),
#              loaded with modprobe; klp_load waits for the transition
#   kernel log klp_log_start writes a marker to /dev/kmsg;
#              klp_expect_log compares the lines logged since, keeping
#              "livepatch:" lines and lines naming a test_klp module
#   cleanup    on exit, whatever happened: test patches disabled, test
#              modules removed, ftrace_enabled and dynamic debug restored
#
# Waits are bounded by KLP_WAIT_SECS (default 60) so that a stuck
# transition fails the test instead of hanging it; no check depends on
# how long anything takes.
#
# Helpers read files with shell builtins (klp_read) and filter the log
# with one awk: in an emulated guest, and even more on a debug kernel
# (KASAN, lockdep), starting a program costs a good part of a second.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

KLP_SYSFS=/sys/kernel/livepatch
KLP_DYNDBG=/sys/kernel/debug/dynamic_debug/control
KLP_WAIT_SECS=${KLP_WAIT_SECS:-60}
KLP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KLP_TEST=$(basename "$0" .sh)
export KLP_DIR KLP_TEST

klp_failures=0
klp_log_marker=
klp_saved_ftrace=
klp_saved_dyndbg=

klp_say() {
	echo "$KLP_TEST: $*"
}

# klp_fail MESSAGE: the test cannot go on.
klp_fail() {
	echo "FAIL: $*"
	exit $KSFT_FAIL
}

# klp_skip MESSAGE: say exactly what is missing.
klp_skip() {
	echo "SKIP: $*"
	exit $KSFT_SKIP
}

# klp_done: the verdict, after every check ran.
klp_done() {
	if [ "$klp_failures" -ne 0 ]; then
		echo "FAIL: $KLP_TEST: $klp_failures check(s) failed"
		exit $KSFT_FAIL
	fi
	klp_say "all checks passed"
	exit $KSFT_PASS
}

# klp_expect WHAT EXPECTED SEEN: one check.
klp_expect() {
	local what=$1 expected=$2 seen=$3

	if [ "$expected" = "$seen" ]; then
		echo "ok: $what"
		return 0
	fi
	klp_failures=$((klp_failures + 1))
	echo "FAIL: $what"
	if [ "$(echo "$expected" | wc -l)" -gt 1 ] ||
	   [ "$(echo "$seen" | wc -l)" -gt 1 ]; then
		diff -u --label expected --label seen \
			<(echo "$expected") <(echo "$seen") | sed 's/^/  /'
	else
		echo "  expected: '$expected'"
		echo "  seen:     '$seen'"
	fi
	return 1
}

# klp_expect_true WHAT COMMAND...: a check that COMMAND succeeds.
klp_expect_true() {
	local what=$1

	shift
	if "$@"; then
		klp_expect "$what" yes "yes"
	else
		klp_expect "$what" "'$*' succeeds" "it fails"
	fi
}

# klp_wait_until WHAT COMMAND...: poll COMMAND until it succeeds.
klp_wait_until() {
	local what=$1 i

	shift
	for ((i = 0; i < KLP_WAIT_SECS * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	klp_fail "still not $what after ${KLP_WAIT_SECS}s"
}

# ---- kernel log ----

klp_log() {
	echo "$*" > /dev/kmsg
}

klp_log_has_marker() {
	dmesg | grep -qF -- "$klp_log_marker"
}

# klp_log_start: from here on, klp_log_seen shows what the kernel logs.
# A write to /dev/kmsg has stored its record when it returns: dmesg
# shows the marker from then on.
klp_log_start() {
	klp_log_marker="==== $KLP_TEST $$ $EPOCHREALTIME ===="
	klp_log "$klp_log_marker"
}

# klp_log_since [ERE]: the kernel lines since klp_log_start, without
# timestamps; with ERE, only the lines that match it.
klp_log_since() {
	dmesg | awk -v m="$klp_log_marker" -v re="${1:-.}" '
		seen { sub(/^\[[ 0-9.]*\] /, ""); if ($0 ~ re) print }
		index($0, m) { seen = 1 }'
}

# klp_log_seen: the livepatch and test module lines since klp_log_start,
# without timestamps.  Taint notices depend on what ran before: left out.
klp_log_seen() {
	klp_log_since 'livepatch:|test_klp' | awk '!/taint(s|ing) kernel/'
}

# klp_expect_log EXPECTED: the log since klp_log_start, line for line.
klp_expect_log() {
	klp_expect "kernel log since the start of the case" "$1" "$(klp_log_seen)"
}

# klp_expected_enable PATCH [OBJECT...]: the lines logged while PATCH is
# enabled, with the lines of its callbacks for each OBJECT (the test
# modules' callbacks log "<patch>: <callback> <object>").
klp_expected_enable() {
	local p=$1 o

	shift
	echo "livepatch: enabling patch '$p'"
	echo "livepatch: '$p': initializing patching transition"
	for o in "$@"; do echo "$p: pre_patch $o"; done
	echo "livepatch: '$p': starting patching transition"
	echo "livepatch: '$p': completing patching transition"
	for o in "$@"; do echo "$p: post_patch $o"; done
	echo "livepatch: '$p': patching complete"
}

# klp_expected_disable PATCH [OBJECT...]: the same for disabling, from
# the write to "enabled" on.
klp_expected_disable() {
	local p=$1 o

	shift
	echo "% echo 0 > $KLP_SYSFS/$p/enabled"
	echo "livepatch: '$p': initializing unpatching transition"
	for o in "$@"; do echo "$p: pre_unpatch $o"; done
	echo "livepatch: '$p': starting unpatching transition"
	echo "livepatch: '$p': completing unpatching transition"
	for o in "$@"; do echo "$p: post_unpatch $o"; done
	echo "livepatch: '$p': unpatching complete"
}

# ---- modules and patches ----

klp_is_loaded() {
	[ -d "/sys/module/$1" ]
}

klp_patch_exists() {
	[ -d "$KLP_SYSFS/$1" ]
}

klp_patch_gone() {
	[ ! -e "$KLP_SYSFS/$1" ]
}

# klp_read FILE: its first line, read by the shell itself; false when
# it cannot be read.
klp_read() {
	local v

	{ IFS= read -r v || [ -n "$v" ]; } < "$1" 2>/dev/null || return 1
	printf '%s\n' "$v"
}

klp_transition_done() {
	[ "$(klp_read "$KLP_SYSFS/$1/transition")" = 0 ]
}

klp_refcnt_zero() {
	[ "$(klp_read "/sys/module/$1/refcnt")" = 0 ]
}

# klp_errno MESSAGE: the errno name behind an insmod/modprobe error.
klp_errno() {
	case "${1##*: }" in
	"Invalid argument" | "Invalid parameters") echo EINVAL ;;
	"No such file or directory" | \
	"Unknown symbol in module, or unknown parameter (see dmesg)") echo ENOENT ;;
	"Device or resource busy") echo EBUSY ;;
	"File exists") echo EEXIST ;;
	"No such device") echo ENODEV ;;
	"Numerical argument out of domain") echo EDOM ;;
	"Operation not permitted") echo EPERM ;;
	"Permission denied") echo EACCES ;;
	"Numerical result out of range") echo ERANGE ;;
	"Is a directory") echo EISDIR ;;
	"Exec format error" | "Invalid module format") echo ENOEXEC ;;
	"Invalid request code") echo EBADRQC ;;
	"Cannot allocate memory") echo ENOMEM ;;
	*) echo "unknown error '$1'" ;;
	esac
}

# klp_module_name FILE_OR_NAME: test_klp_x for /path/test_klp_x.ko.
klp_module_name() {
	basename "$1" .ko
}

# klp_run_load MOD_OR_FILE [PARAM...]: modprobe a module by name, or
# insmod a .ko file, and log the command; its output is left in klp_out.
klp_run_load() {
	local what=$1

	shift
	if [[ "$what" == *.ko ]]; then
		klp_log "% insmod $(basename "$what")${*:+ $*}"
		klp_out=$(insmod "$what" "$@" 2>&1)
	else
		klp_log "% modprobe $what${*:+ $*}"
		klp_out=$(modprobe "$what" "$@" 2>&1)
	fi
}

# klp_insert MOD_OR_FILE [PARAM...]: load a module; fail the test if that
# fails.
klp_insert() {
	klp_run_load "$@" || klp_fail "loading $(basename "$1") ${*:2}: $klp_out"
	klp_is_loaded "$(klp_module_name "$1")" ||
		klp_fail "$(basename "$1") loaded but /sys/module has no such module"
}

# klp_load MOD_OR_FILE [PARAM...]: load a livepatch module and wait until
# its patching transition is over.
klp_load() {
	local mod

	mod=$(klp_module_name "$1")
	klp_insert "$@"
	klp_patch_exists "$mod" || klp_fail "$mod loaded without $KLP_SYSFS/$mod"
	klp_wait_until "done with the transition of $mod" klp_transition_done "$mod"
}

# klp_load_refused ERRNO MOD_OR_FILE [PARAM...]: loading must fail with
# ERRNO and leave neither the module nor a patch directory behind.
klp_load_refused() {
	local errno=$1 what=$2 mod

	shift 2
	mod=$(klp_module_name "$what")
	if klp_run_load "$what" "$@"; then
		klp_expect "$mod${*:+ $*} is refused" "$errno" "it loaded"
		return 1
	fi
	klp_say "refused: $klp_out"
	klp_expect "$mod${*:+ $*} is refused with" "$errno" "$(klp_errno "$klp_out")"
	klp_expect "no module $mod after the refusal" absent \
		"$(klp_is_loaded "$mod" && echo present || echo absent)"
	klp_expect "no $KLP_SYSFS/$mod after the refusal" absent \
		"$(klp_patch_exists "$mod" && echo present || echo absent)"
}

# klp_disable PATCH: disable a patch, wait until it left sysfs.
klp_disable() {
	klp_log "% echo 0 > $KLP_SYSFS/$1/enabled"
	echo 0 > "$KLP_SYSFS/$1/enabled" || klp_fail "cannot disable $1"
	klp_wait_until "rid of $KLP_SYSFS/$1" klp_patch_gone "$1"
}

# klp_remove MOD: rmmod, once nothing holds the module.
klp_remove() {
	local out

	klp_wait_until "free of users of module $1" klp_refcnt_zero "$1"
	klp_log "% rmmod $1"
	out=$(rmmod "$1" 2>&1) || klp_fail "rmmod $1: $out"
}

# klp_test_patches: the test patches in sysfs, on one line.
klp_test_patches() {
	local p names=()

	for p in "$KLP_SYSFS"/test_klp_*; do
		[ -e "$p" ] && names+=("${p##*/}")
	done
	echo "${names[*]}"
}

# klp_param MOD NAME: a module parameter's value.
klp_param() {
	klp_read "/sys/module/$1/parameters/$2" ||
		echo "(no /sys/module/$1/parameters/$2)"
}

# klp_attr PATCH PATH: a sysfs attribute of a patch.
klp_attr() {
	klp_read "$KLP_SYSFS/$1/$2" || echo "(no $KLP_SYSFS/$1/$2)"
}

# ---- kmemleak (a debug kernel) ----

KLP_KMEMLEAK=/sys/kernel/debug/kmemleak

# klp_kmemleak_ours [MODULE]: the unreferenced objects kmemleak reports
# (as of its last scan) that livepatch code allocated: a klp_ function,
# a test or sample module, or a frame that resolves to nothing (a module
# removed since: only test modules come and go) in the allocation's
# backtrace.  With MODULE, only those with a frame in MODULE.
#
# Left out: the notes livepatch-shadow-mod leaks on purpose (strings
# "lifetime <n> ms", test-samples.sh).  That test finds and clears them,
# but kmemleak may report one only later, when a stale copy of its
# pointer on some stack is overwritten, in another test of the same VM.
klp_kmemleak_ours() {
	awk -v mod="${1:-}" '
		function flush() {
			if (obj != "" && ours && (mod == "" ? !note : inmod))
				printf "%s", obj
			obj = ""; ours = 0; inmod = 0; bt = 0; note = 0; hex = 0
		}
		/^unreferenced object/ { flush() }
		{ obj = obj $0 "\n" }
		/^  hex dump/ { hex = 1; next }
		hex == 1 { note = /  lifetime [0-9]+ ms/; hex = 2 }
		/^  backtrace/ { bt = 1 }
		bt && /^    [^ ]/ && (/^ +(__)?klp_/ || /\[(test_klp_|livepatch)/ ||
		    /^ +0x[0-9a-f]+$/) { ours = 1 }
		bt && mod != "" && index($0, "[" mod "]") { inmod = 1 }
		END { flush() }' "$KLP_KMEMLEAK"
}

# ---- setup and cleanup ----

# Every test patch, then every test module: left behind by a failure.
klp_remove_all() {
	local p m i

	for p in "$KLP_SYSFS"/test_klp_*; do
		[ -d "$p" ] || continue
		if [ "$(klp_read "$p/transition")" = 1 ]; then
			echo 1 > "$p/force" 2>/dev/null
		fi
		echo 0 > "$p/enabled" 2>/dev/null
	done
	for ((i = 0; i < KLP_WAIT_SECS * 10; i++)); do
		compgen -G "$KLP_SYSFS/test_klp_*" >/dev/null || break
		sleep 0.1
	done
	# Patches first: they may hold on to targets' code.
	for m in $(lsmod | awk '$1 ~ /^test_klp_/ { print $1 }' | sort -r); do
		[ "$m" = test_klp_target ] && continue
		rmmod "$m" 2>/dev/null
	done
	klp_is_loaded test_klp_target && rmmod test_klp_target 2>/dev/null
	true
}

klp_cleanup() {
	klp_remove_all
	if [ -n "$klp_saved_ftrace" ]; then
		sysctl -q kernel.ftrace_enabled="$klp_saved_ftrace" >/dev/null 2>&1
	fi
	if [ "$klp_saved_dyndbg" = off ]; then
		echo "file kernel/livepatch/* -p" > "$KLP_DYNDBG" 2>/dev/null
	fi
}

# klp_setup: check what every test needs, start from a clean state.
klp_setup() {
	[ "$(id -u)" = 0 ] || klp_skip "must run as root"
	[ -d "$KLP_SYSFS" ] || klp_skip "no $KLP_SYSFS: CONFIG_LIVEPATCH=y is needed"
	modinfo test_klp_target >/dev/null 2>&1 ||
		klp_skip "no test module test_klp_target for $(uname -r):" \
			"CONFIG_TEST_LIVEPATCH=m is needed"
	[ -w "$KLP_DYNDBG" ] ||
		klp_skip "no $KLP_DYNDBG: CONFIG_DYNAMIC_DEBUG=y and debugfs are needed"

	if grep -q '^kernel/livepatch/.* =p' "$KLP_DYNDBG"; then
		klp_saved_dyndbg=on
	else
		klp_saved_dyndbg=off
	fi
	klp_saved_ftrace=$(sysctl -n kernel.ftrace_enabled)
	trap klp_cleanup EXIT
	trap 'exit $KSFT_FAIL' INT TERM HUP

	# The transition lines are pr_debug.  A task that is late to switch
	# is reported by klp_try_switch_task (upstream), depending on timing:
	# keep that one quiet.
	echo "file kernel/livepatch/* +p" > "$KLP_DYNDBG" ||
		klp_skip "cannot enable dynamic debug for kernel/livepatch"
	echo "func klp_try_switch_task -p" > "$KLP_DYNDBG" 2>/dev/null
	[ "$klp_saved_ftrace" = 1 ] || sysctl -q kernel.ftrace_enabled=1 >/dev/null ||
		klp_skip "cannot set kernel.ftrace_enabled=1"

	klp_remove_all
	klp_say "kernel $(uname -r)"
}
