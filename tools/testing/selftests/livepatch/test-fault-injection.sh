#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: every allocation and every ftrace call of the live patch
#   core fails in turn, through /sys/kernel/debug/livepatch/fault, on the
#   enable, module-coming, replace, disable (transition) and shadow
#   variable paths.  A dry run of each scenario counts the calls of each
#   site; then each site fails on its first and on its last call.  A
#   refused operation must give ENOMEM, one livepatch line saying what
#   failed, no warning, and leave sysfs, ftrace's enabled_functions, the
#   redirection counters, shadow variables and loaded modules as they
#   were; the same operation then succeeds.  A failure the core absorbs
#   (a retry, a fallback) must end in the state of the dry run.  Prints
#   a table: scenario, site, call, errno, result.  Every site must be
#   covered by a row.  KLP_FAULT_SCENARIOS="enable replace ..." runs some
#   scenarios only (by hand: the coverage check then fails).
# requires: test_klp_target, test_klp_basic, test_klp_alias,
#   test_klp_layer1, test_klp_empty, test_klp_shadow_api,
#   CONFIG_LIVEPATCH_FAULT_INJECTION
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
B=test_klp_basic
A=test_klp_alias
L=test_klp_layer1
E=test_klp_empty
S=test_klp_shadow_api
DBG=/sys/kernel/debug/livepatch
FAULT=$DBG/fault
ENABLED=/sys/kernel/tracing/enabled_functions

[ -w $FAULT ] || klp_skip "no $FAULT: CONFIG_LIVEPATCH_FAULT_INJECTION=y is needed"
[ -r $ENABLED ] || klp_skip "no $ENABLED: tracefs on /sys/kernel/tracing is needed"

fault() {
	echo "$*" > $FAULT || klp_fail "cannot write '$*' to $FAULT"
}

# fault_count SITE FIELD: calls, armed or failed of SITE.
fault_count() {
	local site calls armed failed

	while read -r site calls armed failed; do
		[ "$site" = "$1" ] || continue
		case $2 in
		calls) echo "${calls#calls=}" ;;
		armed) echo "${armed#armed=}" ;;
		failed) echo "${failed#failed=}" ;;
		esac
	done < $FAULT
}

# state: what a failure must not leave behind, one item a line.  Shell
# builtins only: it runs often, and forks are slow in an emulated guest.
state() {
	local n line mods= fns= shadows=0 p

	echo "patches: $(klp_test_patches)"
	while read -r n _; do
		[[ "$n" == test_klp_* ]] && mods+="$n "
	done < /proc/modules
	echo "modules: $mods"
	while read -r n _; do fns+="$n "; done < $ENABLED
	echo "ftrace: $fns"
	read -r line < $DBG/redirect
	echo "redirect: $line"
	while read -r _; do shadows=$((shadows + 1)); done < $DBG/shadow
	echo "shadow: $shadows"
	read -r line < /proc/cmdline
	echo "cmdline: ${line:0:20}"
	if [ -d /sys/module/$T ]; then
		read -r line < /sys/module/$T/parameters/answer
		echo "answer: $line"
	fi
	for p in "$KLP_SYSFS"/test_klp_*/*/patched; do
		[ -e "$p" ] || continue
		read -r line < "$p"
		echo "${p#"$KLP_SYSFS"/}: $line"
	done
}

# Every test patch done with its transition and enabled: the others
# (replaced or disabled) are on their way out of sysfs.
all_settled() {
	local p t e

	for p in "$KLP_SYSFS"/test_klp_*; do
		[ -d "$p" ] || continue
		read -r t < "$p/transition" 2>/dev/null
		read -r e < "$p/enabled" 2>/dev/null
		[ "$t" = 0 ] && [ "$e" = 1 ] || return 1
	done
}

settle() {
	klp_wait_until "done with every transition" all_settled
}

# settled: the same, false instead of the end of the test.
settled() {
	local i

	for ((i = 0; i < KLP_WAIT_SECS * 10; i++)); do
		all_settled && return 0
		sleep 0.1
	done
	return 1
}

# reaches STATE: the state becomes STATE, within KLP_WAIT_SECS (the core
# may retry what failed in the background).
reaches() {
	local i

	for ((i = 0; i < KLP_WAIT_SECS * 2; i++)); do
		[ "$(state)" = "$1" ] && return 0
		sleep 0.5
	done
	return 1
}

# run CMD...: the errno of CMD, or "ok"; logged.
run() {
	local out

	klp_log "% $*"
	out=$("$@" 2>&1) && { echo ok; return; }
	klp_errno "$out"
}

disable() {
	echo 0 > "$KLP_SYSFS/$1/enabled" &&
		klp_wait_until "rid of $KLP_SYSFS/$1" klp_patch_gone "$1"
}

# The lines of a failed or retried operation that only frame it: what
# any enable, module load or refusal logs.  Each other livepatch line
# explains a failure.
FRAME="enabling patch '|: (initializing|starting|completing) (un)?patching transition|"
FRAME+=": (un)?patching complete|: canceling patching transition|"
FRAME+="failed to enable patch '|failed to patch object '|"
FRAME+="applying patch '.*' to loading module|failed to apply patch '.*' to module|"
FRAME+="reverting patch '.*' on unloading module|refusing to load module|fault: failing"

# since_marker: the kernel log since klp_log_start, without timestamps.
since_marker() {
	dmesg | awk -v m="$klp_log_marker" 'seen { sub(/^\[[ 0-9.]*\] /, ""); print }
		index($0, m) { seen = 1 }'
}

# diag_lines LOG: the livepatch lines of LOG that explain a failure.
diag_lines() {
	echo "$1" | grep '^livepatch:' | grep -vE "$FRAME" || true
}

# Kernel warnings and worse.
SPLAT='WARNING:|BUG:|Call Trace:|refcount_t:|list_(add|del) corruption'

# splats LOG: kernel warnings and worse in LOG.
splats() {
	echo "$1" | grep -E "$SPLAT" || true
}

# ---- scenarios: setup, the operation, its undoing ----

setup_enable()     { klp_insert $T; }
action_enable()    { run modprobe $B; }
undo_enable()      { disable $B; klp_remove $B; }

setup_coming()     { klp_load $B; }
action_coming()    { run modprobe $T; }
undo_coming()      { klp_remove $T; }

setup_coming1()    { klp_load $A; }
action_coming1()   { run modprobe $T; }
undo_coming1()     { klp_remove $T; }

setup_replace()    { klp_insert $T; klp_load $B; }
action_replace()   { run modprobe $E replace=1; }
undo_replace()     { disable $E; klp_remove $E; klp_remove $B; klp_load $B; }

setup_disable()    { klp_insert $T; klp_load $L; klp_load $B; }
action_disable()   { run disable $B; }
undo_disable()     { klp_remove $B; klp_load $B; }

setup_shadow()     { true; }
action_shadow()    { run modprobe $S run=duplicate; }
undo_shadow()      { klp_remove $S; }

# What each scenario exercises, for the table.
SCENARIOS=${KLP_FAULT_SCENARIOS:-"enable coming coming1 replace disable shadow"}
declare -A WHAT=(
	[enable]="modprobe $B ($T loaded)"
	[coming]="modprobe $T ($B enabled)"
	[coming1]="modprobe $T ($A enabled, no other site)"
	[replace]="modprobe $E replace=1 ($B enabled)"
	[disable]="disable $B ($L enabled)"
	[shadow]="modprobe $S run=duplicate"
)

declare -A PRE POST CALLS
table=()
covered=" "
rows_failed=0

row() {
	table+=("$(printf '%-8s %-28s %-6s %-7s %s' "$@")")
}

# dry SCENARIO: set SCENARIO up; the state before and after its
# operation, and the calls of each site during the operation; undone.
dry() {
	local sc=$1 site n

	setup_$sc
	settle
	PRE[$sc]=$(state)
	fault reset
	[ "$(action_$sc)" = ok ] || klp_fail "$sc: '${WHAT[$sc]}' fails without injection"
	settle
	POST[$sc]=$(state)
	CALLS[$sc]=
	while read -r site n _; do
		n=${n#calls=}
		[ "$n" -gt 0 ] && CALLS[$sc]+="$site:$n "
	done < $FAULT
	undo_$sc
	settle
	klp_expect "$sc: the state once '${WHAT[$sc]}' is undone" "${PRE[$sc]}" "$(state)"
	klp_say "$sc: ${WHAT[$sc]}: calls ${CALLS[$sc]}"
}

# inject SCENARIO SITE[+SITE2] NTH: one row of the table, from the state
# before the operation of SCENARIO, back to it.
inject() {
	local sc=$1 sites=$2 nth=$3 post err log diag bad= what s

	what="$sc $sites#$nth"
	if [ "$(state)" != "${PRE[$sc]}" ]; then
		clean_all "$what"
		setup_$sc
		settle
	fi
	fault reset
	for s in ${sites//+/ }; do
		fault "$s" "$nth" 12
		nth=1	# a second site fails on its first call
	done
	klp_log_start
	err=$(action_$sc)
	settled || bad+="a transition does not end; "
	post=$(state)
	for s in ${sites//+/ }; do
		[ "$(fault_count "$s" failed)" = 1 ] || bad+="$s not reached; "
	done
	log=$(since_marker)
	diag=$(diag_lines "$log")
	[ -z "$(splats "$log")" ] || bad+="kernel warning; "
	if [ "$err" = ok ]; then
		# Absorbed: the state must become what the dry run reached.
		reaches "${POST[$sc]}" || bad+="state differs from the dry run; "
		post=$(state)
		[ "$(echo "$diag" | grep -c .)" -le 1 ] || bad+="more than one log line; "
	else
		[ "$err" = ENOMEM ] || bad+="errno $err; "
		[ "$post" = "${PRE[$sc]}" ] || bad+="state changed; "
		if [ "$sc" = shadow ]; then
			# The API returns NULL; its caller reports.
			[ -z "$diag" ] || bad+="livepatch logged; "
		else
			[ "$(echo "$diag" | grep -c .)" = 1 ] || bad+="not one log line; "
		fi
		fault reset
		if [ "$(action_$sc)" != ok ]; then
			bad+="retry fails; "
		elif ! settled || [ "$(state)" != "${POST[$sc]}" ]; then
			bad+="retry state differs; "
		fi
	fi
	if [ -n "$bad" ]; then
		rows_failed=$((rows_failed + 1))
		klp_expect "$what: clean failure" "clean" "${bad%; }"
		[ "$post" = "${PRE[$sc]}" ] || [ "$err" = ok ] ||
			diff -u <(echo "${PRE[$sc]}") <(echo "$post") | sed 's/^/  /'
		[ "$err" != ok ] || [ "$post" = "${POST[$sc]}" ] ||
			diff -u <(echo "${POST[$sc]}") <(echo "$post") | sed 's/^/  /'
		echo "$diag" | sed 's/^/  log: /'
		splats "$log" | head -5 | sed 's/^/  /'
		clean_all "$what"
	else
		undo_$sc
		settle
	fi
	row "$sc" "$sites" "$3" "$([ "$err" = ok ] && echo - || echo "$err")" \
		"${bad:-ok${diag:+: ${diag#livepatch: }}}"
	for s in ${sites//+/ }; do covered+="$s "; done
}

no_test_modules() {
	! lsmod | grep -q '^test_klp_'
}

try_clean() {
	klp_remove_all
	no_test_modules
}

# clean_all WHAT: every test patch disabled, every test module removed
# (a replaced patch's module is released a little after its directory).
clean_all() {
	klp_wait_until "rid of the test modules after $1" try_clean
}

for sc in $SCENARIOS; do
	dry "$sc"
	for c in ${CALLS[$sc]}; do
		site=${c%:*}
		n=${c#*:}
		inject "$sc" "$site" 1
		[ "$n" -gt 1 ] && inject "$sc" "$site" "$n"
	done
	if [ "$sc" = enable ]; then
		# The probes that name the function ftrace refused run only
		# after a failed filter update.
		inject enable filter_add+probe_filter 1
		inject enable filter_add+probe_register 1
	fi
	clean_all "$sc"
done

echo "scenarios:"
for sc in $SCENARIOS; do
	printf '  %-8s %s\n' "$sc" "${WHAT[$sc]}"
done
printf '%-8s %-28s %-6s %-7s %s\n' scenario site call errno result
printf '%s\n' "${table[@]}"

while read -r site _; do
	[[ "$covered" == *" $site "* ]] ||
		klp_expect "site $site is covered by a row" covered "not reached by any scenario"
done < $FAULT
klp_expect "rows that failed" 0 "$rows_failed"

klp_done
