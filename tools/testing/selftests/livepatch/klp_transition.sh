#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klp_transition.sh - what the consistency-model tests (test-transition-*.sh)
# add to klp_common.sh, which it sources.
#
# Their modules: test_klp_trans_target (debugfs files in KLP_TRANS_DBG: a
# gate that tasks reading "wait" sleep at inside trans_wait(), and a
# CPU-bound kthread calling trans_spin_step()), test_klp_trans_patch and
# test_klp_trans_force (patches of those functions).
#
#   sleepers   klp_trans_sleep NAME starts a task called NAME (its comm)
#              that reads "wait": it stays in trans_wait() until
#              klp_trans_gate open; klp_trans_result NAME is what it read
#              ("original" or "patched by <patch>")
#   checks     klp_trans_expect_eventually polls until a value is what is
#              expected, then checks it (a wait bounded by KLP_WAIT_SECS)
#   log        klp_trans_expect_log: klp_expect_log without the lines
#              that are not part of the interface (see there)
#   debugfs    klp_trans_need_debugfs: skip on a kernel without our
#              /sys/kernel/debug/livepatch (upstream 6.12 has none)
#   cleanup    sleepers released, the kthread stopped, helpers killed,
#              then klp_common.sh's cleanup

. "$(dirname "${BASH_SOURCE[0]}")/klp_common.sh"

KLP_TRANS_TARGET=test_klp_trans_target
# shellcheck disable=SC2034 # used by the tests
KLP_TRANS_PATCH=test_klp_trans_patch
KLP_TRANS_DBG=/sys/kernel/debug/$KLP_TRANS_TARGET
KLP_DEBUGFS=/sys/kernel/debug/livepatch

declare -A klp_trans_pids=()
klp_trans_tmp=
klp_trans_bg=

# klp_trans_setup: klp_setup, plus a scratch directory and our cleanup.
klp_trans_setup() {
	klp_setup
	modinfo $KLP_TRANS_TARGET >/dev/null 2>&1 ||
		klp_skip "no test module $KLP_TRANS_TARGET for $(uname -r):" \
			"CONFIG_TEST_LIVEPATCH=m is needed"
	klp_trans_tmp=$(mktemp -d /tmp/klp-trans.XXXXXX) ||
		klp_fail "cannot make a scratch directory"
	trap 'klp_trans_cleanup; klp_cleanup' EXIT
}

klp_trans_cleanup() {
	local p i

	if [ -d "$KLP_TRANS_DBG" ]; then
		echo 0 > "$KLP_TRANS_DBG/spin" 2>/dev/null
		echo open > "$KLP_TRANS_DBG/gate" 2>/dev/null
	fi
	for p in "${klp_trans_pids[@]}" $klp_trans_bg; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	# Let released tasks finish transitions, so that klp_cleanup does
	# not need to force them (which would pin the patch modules).
	for ((i = 0; i < KLP_WAIT_SECS * 10; i++)); do
		grep -qs 1 "$KLP_SYSFS"/test_klp_*/transition || break
		sleep 0.1
	done
	[ -n "$klp_trans_tmp" ] && rm -rf "$klp_trans_tmp"
}

# klp_trans_need_debugfs FILE: skip unless our debugfs file exists.
klp_trans_need_debugfs() {
	[ -e "$KLP_DEBUGFS/$1" ] ||
		klp_skip "no $KLP_DEBUGFS/$1: the kernel's livepatch lacks this debugfs interface" \
			"(our implementation has it, upstream 6.12 does not)"
}

# klp_trans_expect_eventually WHAT EXPECTED COMMAND...: poll until
# COMMAND prints EXPECTED, then check what it printed last.
klp_trans_expect_eventually() {
	local what=$1 expected=$2 seen i

	shift 2
	for ((i = 0; i < KLP_WAIT_SECS * 10; i++)); do
		seen=$("$@")
		[ "$seen" = "$expected" ] && break
		sleep 0.1
	done
	klp_expect "$what" "$expected" "$seen"
}

# klp_trans_state PID: /proc/PID/patch_state.
klp_trans_state() {
	cat "/proc/$1/patch_state" 2>/dev/null || echo "(no task $1)"
}

# klp_trans_write VALUE FILE: log and write; the write must succeed.
klp_trans_write() {
	klp_log "% echo $1 > $2"
	echo "$1" > "$2" || klp_fail "echo $1 > $2 failed"
}

# klp_trans_write_refused VALUE FILE: log and write; the write must fail.
klp_trans_write_refused() {
	klp_log "% echo $1 > $2"
	if (echo "$1" > "$2") 2>/dev/null; then
		klp_expect "echo $1 > $2 is refused" refused accepted
	else
		klp_expect "echo $1 > $2 is refused" refused "refused"
	fi
}

# klp_trans_gate open|closed
klp_trans_gate() {
	klp_trans_write "$1" "$KLP_TRANS_DBG/gate"
}

klp_trans_waiters() {
	cat "$KLP_TRANS_DBG/waiters" 2>/dev/null || echo "(no $KLP_TRANS_DBG/waiters)"
}

klp_trans_waiters_are() {
	[ "$(klp_trans_waiters)" = "$1" ]
}

# klp_trans_sleep NAME: a task called NAME reads "wait" and sleeps in
# trans_wait() (the gate must be closed); returns once it is in there.
# Its pid is ${klp_trans_pids[NAME]}; it inherits this shell's patch state.
klp_trans_sleep() {
	local name=$1 n

	n=$(klp_trans_waiters)
	(
		echo -n "$name" > /proc/self/comm
		if read -r v < "$KLP_TRANS_DBG/wait"; then
			echo "$v" > "$klp_trans_tmp/$name"
		else
			echo "(reading $KLP_TRANS_DBG/wait failed)" > "$klp_trans_tmp/$name"
		fi
	) &
	klp_trans_pids[$name]=$!
	klp_wait_until "seeing $name wait at the gate" klp_trans_waiters_are $((n + 1))
}

# klp_trans_pid NAME: the pid of sleeper NAME.
klp_trans_pid() {
	echo "${klp_trans_pids[$1]}"
}

# klp_trans_result NAME: wait for sleeper NAME to end, print what it read.
klp_trans_result() {
	local pid=${klp_trans_pids[$1]}

	wait "$pid" 2>/dev/null
	unset "klp_trans_pids[$1]"
	cat "$klp_trans_tmp/$1" 2>/dev/null || echo "(no result from $1)"
}

klp_trans_transition() {
	klp_attr "$1" transition
}

# klp_trans_log_seen: klp_log_seen without the lines that are neither in
# the interface nor deterministic: upstream logs "signaling remaining
# tasks" after 15 s of a stalled transition, and the wording of the
# warning of a forced transition differs between implementations.
klp_trans_log_seen() {
	klp_log_seen |
		grep -vE 'livepatch: signaling remaining tasks|forcing remaining tasks to the' ||
		true
}

klp_trans_expect_log() {
	klp_expect "kernel log since the start of the case" "$1" "$(klp_trans_log_seen)"
}
