#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klp_hostile.sh - what test-hostile-{modules,sections,files}.sh share;
# sourced after klp_common.sh.
#
# Each hostile input is one case, one row of the table that hostile_done
# prints ("case | expected | got | result") before the number of distinct
# hostile inputs tried.  A case passes when every check of it passes;
# its checks go through klp_expect, so a failing one also prints what it
# expected and what it saw, and fails the test.
#
#   hostile_begin CASE        snapshot sysfs and ftrace, start the log
#   hostile_log_lines         "livepatch:" lines logged since
#   hostile_check_splat       no kernel report (WARNING, BUG, stack dump)
#   hostile_check_left        nothing left in sysfs or enabled_functions
#   hostile_end EXPECTED GOT  the row: ok when no check failed since begin
#   hostile_want CASE         run it?  HOSTILE_CASES="<glob>..." picks some
#
# and, for the patch module cases (test-hostile-modules.sh and
# test-hostile-sections.sh), refuse_case, later_case and over_case: one
# hostile module each, loaded in the way the case needs, then a valid
# patch (good_patch) that must load, work and go.
#
# A case that upstream 6.12 cannot survive (or that makes it warn) is not
# run there, unless HOSTILE_UNSAFE=1.
#
# Which kernel runs is told by /sys/kernel/debug/livepatch, which only this
# tree's livepatch has (hostile_ours).  Upstream 6.12 words its log lines
# otherwise and accepts or fails some inputs differently: each case says
# what either does (see Documentation/livepatch/differences.rst).

KLP_ENABLED_FUNCS=/sys/kernel/tracing/enabled_functions
[ -r "$KLP_ENABLED_FUNCS" ] ||
	KLP_ENABLED_FUNCS=/sys/kernel/debug/tracing/enabled_functions

# What scan-log.sh counts as a kernel report (harness/scan-log.sh).
HOSTILE_SPLAT='Oops|Kernel panic|BUG:|kernel BUG at|WARNING:|general protection fault|'
HOSTILE_SPLAT+='Unable to handle kernel|KASAN|UBSAN|Call Trace:'

T=test_klp_target
R=test_klp_refuse
RELA=test_klp_rela
RELAV=test_klp_rela_vmlinux
ULONG_MAX=18446744073709551615

hostile_rows=()
hostile_case=
hostile_fail_mark=0
hostile_left_mark=
hostile_n=0

hostile_ours() {
	[ -d /sys/kernel/debug/livepatch ]
}

hostile_kernel() {
	hostile_ours && echo ours || echo upstream
}

# What must be the same after a refusal as before it.
hostile_state() {
	local v

	echo "patches: $(klp_test_patches)"
	# In address order, as ftrace lists them: name, users and flags.
	# Not what the location calls or jumps to (after the tab): on our
	# kernel a patched function takes the fast path in the background.
	echo "enabled_functions:"
	{ v=$(<"$KLP_ENABLED_FUNCS"); } 2>/dev/null &&
		sed 's/\t.*//' <<< "$v" ||
		echo "(cannot read $KLP_ENABLED_FUNCS)"
}

# hostile_begin CASE: one hostile input starts.
hostile_begin() {
	hostile_case=$1
	hostile_n=$((hostile_n + 1))
	hostile_fail_mark=$klp_failures
	hostile_left_mark=$(hostile_state)
	klp_say "--- case $hostile_n: $hostile_case"
	klp_log_start
}

# Every kernel line since hostile_begin, without timestamps.
hostile_kernel_lines() {
	klp_log_since
}

# The "livepatch:" lines since hostile_begin.
hostile_log_lines() {
	klp_log_since '^livepatch: '
}

# hostile_check_log SPEC: the livepatch lines since hostile_begin.
#   "N|A|B..."  exactly N lines, which contain A, B, ... between them
#   "=LINES"    exactly LINES (the interface's own lines: on any kernel)
# On upstream, an "N|" spec is shown, not checked: the words differ.
hostile_check_log() {
	local spec=$1 seen word n words

	seen=$(hostile_log_lines)
	if [ "${spec:0:1}" = "=" ]; then
		klp_expect "$hostile_case: kernel log" "${spec:1}" "$seen"
		return
	fi
	if ! hostile_ours; then
		klp_say "upstream logged:"
		echo "$seen" | sed 's/^/    /'
		return
	fi
	n=$(echo -n "$seen" | grep -c '^') || true
	klp_expect "$hostile_case: livepatch lines" "${spec%%|*}" "$n" || {
		echo "$seen" | sed 's/^/    /'
		return
	}
	IFS='|' read -r -a words <<< "${spec#*|}"
	for word in "${words[@]}"; do
		klp_expect "$hostile_case: the log names '$word'" yes \
			"$(grep -qF -- "$word" <<< "$seen" && echo yes ||
			   echo "no: $seen")"
	done
}

# No kernel report since hostile_begin.
hostile_check_splat() {
	local splat

	splat=$(klp_log_since "$HOSTILE_SPLAT")
	klp_expect "$hostile_case: no kernel report (WARNING, BUG, stack dump)" \
		"" "$splat"
}

# Nothing left behind: the same patches in sysfs and the same
# enabled_functions as at hostile_begin.
hostile_check_left() {
	klp_expect "$hostile_case: $KLP_SYSFS and enabled_functions as before" \
		"$hostile_left_mark" "$(hostile_state)"
}

# hostile_end EXPECTED GOT: the row of the case.
hostile_end() {
	local result=ok

	[ "$klp_failures" = "$hostile_fail_mark" ] || result=FAIL
	hostile_rows+=("$hostile_case|$1|$2|$result")
}

# hostile_errno_of OUTPUT STATUS: the errno name a command's message
# gives, or "success".
hostile_errno_of() {
	if [ "$2" = 0 ]; then
		echo success
	else
		klp_errno "${1##*$'\n'}"
	fi
}

# hostile_want CASE: run this case?  HOSTILE_CASES, globs, pick some.
hostile_want() {
	local glob globs

	[ -z "$HOSTILE_CASES" ] && return 0
	read -r -a globs <<< "$HOSTILE_CASES"
	for glob in "${globs[@]}"; do
		# shellcheck disable=SC2053 # a glob on purpose
		[[ "$1" == $glob ]] && return 0
	done
	return 1
}

# good_patch WHICH: a valid patch loads, does its job and goes.
good_patch() {
	local what=$1 mod probe

	case $what in
	refuse)
		klp_load $R
		klp_expect "$hostile_case: then valid $R patches /proc/cmdline" \
			"$R: patched cmdline_proc_show" "$(cat /proc/cmdline)"
		mod=$R ;;
	rela | rela_vmlinux)
		[ "$what" = rela ] && mod=$RELA || mod=$RELAV
		[ "$what" = rela ] && probe="secret of $T" ||
			probe="vmlinux skip_atoi() read 6120"
		klp_load "$KLP_DIR/$mod.ko"
		klp_expect "$hostile_case: then valid $mod gives $T probe" \
			"$probe" "$(klp_param $T probe)"
		;;
	esac
	klp_disable "$mod"
	klp_remove "$mod"
}

# upstream_accepted MOD: upstream took a patch that this tree refuses;
# it must be a working patch there, and goes again.
upstream_accepted() {
	local mod=$1

	klp_expect "$hostile_case: upstream shows $mod in $KLP_SYSFS" present \
		"$(klp_patch_exists "$mod" && echo present || echo absent)"
	if klp_patch_exists "$mod"; then
		klp_wait_until "done with the transition of $mod" \
			klp_transition_done "$mod"
		klp_disable "$mod"
	fi
	klp_remove "$mod"
}

# hostile_expect CASE OURS UPSTREAM: whether CASE runs here; if so,
# hostile_expected is what it must give on this kernel (OURS, or UPSTREAM
# on upstream 6.12, where "skip:<why>" leaves it out, in the table).
hostile_expect() {
	hostile_want "$1" || return 1
	hostile_expected=$2
	hostile_ours || hostile_expected=$3
	# HOSTILE_UNSAFE=1: run it there too, to see what happens.
	[ "${hostile_expected%%:*}" = skip ] && [ -n "$HOSTILE_UNSAFE" ] &&
		hostile_expected=$2
	[ "${hostile_expected%%:*}" = skip ] || return 0
	hostile_n=$((hostile_n + 1))
	klp_say "--- case $hostile_n: $1: not run on upstream: ${hostile_expected#skip:}"
	hostile_rows+=("$1|$2|not run|upstream: ${hostile_expected#skip:}")
	return 1
}

# refuse_case CASE OURS UPSTREAM LOG GOOD MOD_OR_FILE [PARAM...]: loading
# the patch fails with errno OURS (UPSTREAM on upstream 6.12: an errno,
# "loads" or "skip:<why>"), logs LOG (hostile_check_log) and leaves
# nothing; then the GOOD patch (good_patch) loads.
refuse_case() {
	local case=$1 ours=$2 upstream=$3 log=$4 good=$5 what=$6 mod want out rc

	shift 6
	hostile_expect "$case" "$ours" "$upstream" || return 0
	want=$hostile_expected
	# test_klp_hostile_*.ko hold test_klp_rela or test_klp_rela_vmlinux.
	mod=$(modinfo -F name "$what" 2>/dev/null)
	[ -n "$mod" ] || mod=$(klp_module_name "$what")
	hostile_begin "$case"
	klp_run_load "$what" "$@"
	rc=$?
	out=$(hostile_errno_of "$klp_out" $rc)
	[ $rc = 0 ] || klp_say "refused: $klp_out"
	if [ "$want" = loads ]; then
		klp_expect "$case: upstream loads $mod" success "$out"
		hostile_check_splat
		[ $rc = 0 ] && upstream_accepted "$mod"
		hostile_end "$want" "$([ $rc = 0 ] && echo loads || echo "$out")"
		return 0
	fi
	klp_expect "$case: refused with" "$want" "$out"
	hostile_check_log "$log"
	hostile_check_splat
	klp_expect "$case: module $mod afterwards" absent \
		"$(klp_is_loaded "$mod" && echo loaded || echo absent)"
	if klp_patch_exists "$mod"; then
		upstream_accepted "$mod"
	elif klp_is_loaded "$mod"; then
		rmmod "$mod"
	fi
	hostile_check_left
	good_patch "$good"
	hostile_end "$want" "$out"
}

# later_case CASE OURS UPSTREAM LOG PARAM...: test_klp_refuse with
# PARAM... loads while test_klp_target is out; then loading
# test_klp_target fails with OURS (or UPSTREAM), with LOG, and leaves
# the patch as it was; once the patch is gone, test_klp_target loads.
later_case() {
	local case=$1 ours=$2 upstream=$3 log=$4 want out rc

	shift 4
	hostile_expect "$case" "$ours" "$upstream" || return 0
	want=$hostile_expected
	klp_remove $T
	klp_load $R "$@"
	hostile_begin "$case"
	klp_run_load $T
	rc=$?
	out=$(hostile_errno_of "$klp_out" $rc)
	klp_expect "$case: $T refused with" "$want" "$out"
	hostile_check_log "$log"
	hostile_check_splat
	klp_expect "$case: module $T afterwards" absent \
		"$(klp_is_loaded $T && echo loaded || echo absent)"
	klp_expect "$case: $R/enabled afterwards" 1 "$(klp_attr $R enabled)"
	klp_expect "$case: $R/$T/patched afterwards" 0 \
		"$(klp_attr $R $T/patched)"
	hostile_check_left
	klp_is_loaded $T && rmmod $T
	klp_disable $R
	klp_remove $R
	klp_insert $T
	klp_expect "$case: then $T answers for itself" original \
		"$(klp_param $T answer)"
	hostile_end "$want" "$out"
}

# over_case CASE PATCH OURS UPSTREAM LOG PARAM...: with PATCH enabled,
# test_klp_refuse PARAM... (a replace patch) fails with OURS (UPSTREAM)
# and PATCH stays enabled and in charge of /proc/cmdline.
over_case() {
	local case=$1 p=$2 ours=$3 upstream=$4 log=$5 want out rc

	shift 5
	hostile_expect "$case" "$ours" "$upstream" || return 0
	want=$hostile_expected
	klp_load $p
	hostile_begin "$case"
	klp_run_load $R "$@"
	rc=$?
	out=$(hostile_errno_of "$klp_out" $rc)
	if [ "$want" = loads ]; then
		klp_expect "$case: upstream loads $R" success "$out"
		hostile_check_splat
		[ $rc = 0 ] && upstream_accepted $R
		klp_remove $p
		hostile_end "$want" "$([ $rc = 0 ] && echo loads || echo "$out")"
		return 0
	fi
	klp_expect "$case: refused with" "$want" "$out"
	hostile_check_log "$log"
	hostile_check_splat
	klp_expect "$case: module $R afterwards" absent \
		"$(klp_is_loaded $R && echo loaded || echo absent)"
	klp_expect "$case: $p/enabled afterwards" 1 "$(klp_attr $p enabled)"
	klp_expect "$case: /proc/cmdline still $p's" "$p" \
		"$(cut -d: -f1 /proc/cmdline)"
	hostile_check_left
	klp_disable $p
	klp_remove $p
	good_patch refuse
	hostile_end "$want" "$out"
}

# hostile_done WHAT: the table, the count, the verdict.
hostile_done() {
	local row c e g r fails=0 skipped=0

	echo
	klp_say "$1 on $(hostile_kernel) livepatch:"
	printf '%-44s | %-10s | %-10s | %s\n' case expected got result
	printf '%-44s-+-%-10s-+-%-10s-+-%s\n' "$(printf '%.0s-' {1..44})" \
		---------- ---------- ------
	for row in "${hostile_rows[@]}"; do
		IFS='|' read -r c e g r <<< "$row"
		printf '%-44s | %-10s | %-10s | %s\n' "$c" "$e" "$g" "$r"
		case $r in
		ok) ;;
		upstream:*) skipped=$((skipped + 1)) ;;
		*) fails=$((fails + 1)) ;;
		esac
	done
	klp_say "distinct hostile inputs: ${#hostile_rows[@]}, as expected:" \
		"$((${#hostile_rows[@]} - fails - skipped)), not run on this" \
		"kernel: $skipped, failed: $fails"
	klp_done
}
