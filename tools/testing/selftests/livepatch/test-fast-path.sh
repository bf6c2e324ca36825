#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: once its transition is over, a patched function's ftrace
#   site becomes a jump to the new function ("jmp:" in ftrace's
#   enabled_functions, listed in debugfs livepatch/fast).  The jump goes
#   while a function tracer or a kprobe shares the site and comes back
#   after they left; it goes for a second patch stacking on the function,
#   an atomic replace, disabling, and the target module going.  During
#   each change one reader per CPU calls the function without pause and
#   must only ever get a version it is allowed to run then.  Jumps are
#   made only after debugfs livepatch/fast_settle_ms without changes;
#   writing fast_path (0 or 1) acts before the write returns.
# requires: test_klp_target, test_klp_basic, test_klp_layer1,
#   test_klp_layer2, test_klp_layer3, tracefs; our kernel's debugfs
#   (skips on a kernel without livepatch/transitions, i.e. upstream)
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
B=test_klp_basic
L1=test_klp_layer1
L2=test_klp_layer2
L3=test_klp_layer3
DBG=/sys/kernel/debug/livepatch
FAST=$DBG/fast
TRACING=/sys/kernel/tracing
ANSWER=/sys/module/$T/parameters/answer
# As the readers see it: read strips the trailing blank.
read -r cmdline < /proc/cmdline
tmp=$(mktemp -d)
pids=()

[ -f $DBG/transitions ] || klp_skip "no $DBG/transitions: not our kernel"
[ -f $FAST ] || klp_fail "no $FAST: this kernel has no livepatch fast path"
mountpoint -q $TRACING || mount -t tracefs nodev $TRACING 2>/dev/null
[ -f $TRACING/enabled_functions ] || klp_skip "no $TRACING/enabled_functions"

fast_cleanup() {
	touch "$tmp/stop"
	[ ${#pids[@]} -gt 0 ] && wait "${pids[@]}"
	echo nop > $TRACING/current_tracer
	echo > $TRACING/set_ftrace_filter
	[ -f $TRACING/events/kprobes/enable ] && echo 0 > $TRACING/events/kprobes/enable
	echo > $TRACING/kprobe_events
	[ -z "${settle:-}" ] || echo "$settle" > $DBG/fast_settle_ms
	echo 1 > $DBG/fast_path
	rm -rf "$tmp"
	klp_cleanup
}
trap fast_cleanup EXIT

# jumps FUNC: ftrace made FUNC's site a jump (a patch's new function).
jumps() {
	grep -q "^$1 .*jmp: " $TRACING/enabled_functions
}

# fast_has FUNC: livepatch lets FUNC take the fast path.
fast_has() {
	tail -n +2 $FAST | grep -q "^$1\( \|$\)"
}

# fast_counter NAME: a counter of the first line of $FAST.
fast_counter() {
	head -1 $FAST | tr ' ' '\n' | sed -n "s/^$1=//p"
}

yes_no() {
	"$@" && echo yes || echo no
}

# wait_jump FILE FUNC: call FUNC by reading FILE until its site jumps
# (after a tracer or kprobe left, the next call tells livepatch).
wait_jump() {
	klp_wait_until "$2 a jump" read_jumps "$1" "$2"
}

read_jumps() {
	cat "$1" > /dev/null
	jumps "$2"
}

# hammer FILE: one reader per CPU reads FILE (calls its function)
# without pause, each into a file of its own, until hammer_check.
hammer() {
	local cpu pin

	rm -f "$tmp"/stop "$tmp"/seen.*
	for cpu in $(seq 0 $(($(nproc) - 1))); do
		pin=
		command -v taskset >/dev/null && pin="taskset -c $cpu"
		$pin bash -c 'while [ ! -e "$2" ]; do read -r l < "$1"; echo "$l"; done' \
			_ "$1" "$tmp/stop" > "$tmp/seen.$cpu" &
		pids+=($!)
	done
	klp_wait_until "reading $1 on every CPU" hammer_started
}

hammer_started() {
	local f

	for f in "$tmp"/seen.*; do
		[ -s "$f" ] || return 1
	done
}

# hammer_check WHAT ALLOWED...: stop the readers; every value any of them
# read must be one of ALLOWED, and each must have read something.
hammer_check() {
	local what=$1 value ok a f

	shift
	touch "$tmp/stop"
	wait "${pids[@]}"
	pids=()
	for f in "$tmp"/seen.*; do
		[ -s "$f" ] || klp_expect "$what: reader ${f##*.} read" "something" "nothing"
	done
	klp_say "$what: $(cat "$tmp"/seen.* | wc -l) reads"
	while read -r value; do
		ok=no
		for a in "$@"; do
			[ "$value" = "$a" ] && ok=yes
		done
		klp_expect "$what: '$value' is allowed ($*)" yes $ok
	done < <(sort -u "$tmp"/seen.*)
}

PB="patched by $B"

klp_say "a module function: a jump after the transition"
klp_insert $T
klp_expect "tgt_answer a jump before any patch" no "$(yes_no jumps tgt_answer)"
hammer $ANSWER
klp_load $B
klp_wait_until "tgt_answer on the fast path" fast_has tgt_answer
wait_jump $ANSWER tgt_answer
hammer_check "enabling $B" original "$PB"
klp_expect "$T answer through the jump" "$PB" "$(klp_param $T answer)"
klp_expect "tgt_answer's jump target" basic_tgt_answer \
	"$(grep '^tgt_answer ' $TRACING/enabled_functions | sed -n 's/.*jmp: \([a-z_]*\).*/\1/p')"
# basic_cmdline_proc_show() starts at an odd address: a jump takes any.
wait_jump /proc/cmdline cmdline_proc_show
klp_expect "/proc/cmdline through the jump" "$B: patched cmdline_proc_show" "$(cat /proc/cmdline)"

klp_say "a function tracer on it"
echo tgt_answer > $TRACING/set_ftrace_filter || klp_fail "cannot filter tgt_answer"
echo > $TRACING/trace
hammer $ANSWER
echo function > $TRACING/current_tracer || klp_fail "cannot start the function tracer"
klp_expect "tgt_answer a jump while traced" no "$(yes_no jumps tgt_answer)"
klp_expect "$T answer, traced" "$PB" "$(klp_param $T answer)"
klp_expect "the tracer saw tgt_answer" yes \
	"$(yes_no grep -q 'tgt_answer <-' $TRACING/trace)"
echo nop > $TRACING/current_tracer
hammer_check "a tracer coming and going" "$PB"
echo > $TRACING/set_ftrace_filter
wait_jump $ANSWER tgt_answer

klp_say "a kprobe on it"
echo 'p:klp_fast_probe tgt_answer' > $TRACING/kprobe_events ||
	klp_fail "cannot add a kprobe event on tgt_answer"
hammer $ANSWER
echo 1 > $TRACING/events/kprobes/klp_fast_probe/enable
echo > $TRACING/trace
klp_expect "tgt_answer a jump while probed" no "$(yes_no jumps tgt_answer)"
klp_expect "$T answer, probed" "$PB" "$(klp_param $T answer)"
klp_expect "the kprobe hit tgt_answer" yes \
	"$(yes_no grep -q klp_fast_probe $TRACING/trace)"
echo 0 > $TRACING/events/kprobes/klp_fast_probe/enable
echo > $TRACING/kprobe_events
hammer_check "a kprobe coming and going" "$PB"
wait_jump $ANSWER tgt_answer

klp_say "its module goes and comes back"
left=$(fast_counter left)
klp_remove $T
klp_expect "tgt_answer on the fast path once $T is gone" no "$(yes_no fast_has tgt_answer)"
klp_expect "sites that left the fast path with $T" $((left + 1)) "$(fast_counter left)"
klp_insert $T
klp_expect "$T answer once back" "$PB" "$(klp_param $T answer)"
wait_jump $ANSWER tgt_answer

klp_say "disabling the patch"
hammer $ANSWER
klp_disable $B
hammer_check "disabling $B" "$PB" original
klp_expect "$T answer once $B is gone" original "$(klp_param $T answer)"
klp_expect "tgt_answer a jump once $B is gone" no "$(yes_no jumps tgt_answer)"
klp_expect "tgt_answer on the fast path once $B is gone" no "$(yes_no fast_has tgt_answer)"
klp_remove $B
klp_remove $T

klp_say "a vmlinux function: stacking, then an atomic replace"
hammer /proc/cmdline
klp_load $L1
wait_jump /proc/cmdline cmdline_proc_show
hammer_check "enabling $L1" "$cmdline" $L1
left=$(fast_counter left)
hammer /proc/cmdline
klp_load $L2
hammer_check "stacking $L2 on $L1" $L1 $L2
klp_expect "sites that left the fast path for $L2" $((left + 1)) "$(fast_counter left)"
wait_jump /proc/cmdline cmdline_proc_show
klp_expect "/proc/cmdline with $L2 on top" $L2 "$(cat /proc/cmdline)"
hammer /proc/cmdline
klp_load $L3 replace=1
klp_wait_until "rid of $L1" klp_patch_gone $L1
klp_wait_until "rid of $L2" klp_patch_gone $L2
hammer_check "replacing $L1 and $L2 by $L3" $L2 $L3
wait_jump /proc/cmdline cmdline_proc_show
klp_expect "/proc/cmdline with $L3" $L3 "$(cat /proc/cmdline)"
klp_remove $L2
klp_remove $L1
hammer /proc/cmdline
klp_disable $L3
hammer_check "disabling $L3" $L3 "$cmdline"
klp_remove $L3
read -r l < /proc/cmdline
klp_expect "/proc/cmdline at the end" "$cmdline" "$l"
klp_expect "cmdline_proc_show a jump at the end" no "$(yes_no jumps cmdline_proc_show)"
klp_expect "sites on the fast path at the end" 0 "$(fast_counter fast)"
klp_expect "sites that entered and left" "$(fast_counter entered)" "$(fast_counter left)"

klp_say "the wait before the fast path; the fast_path knob acts at once"
settle=$(cat $DBG/fast_settle_ms)
echo 3600000 > $DBG/fast_settle_ms
klp_load $B
read -r l < /proc/cmdline
klp_expect "/proc/cmdline within the wait" "$B: patched cmdline_proc_show" "$l"
klp_expect "cmdline_proc_show on the fast path within the wait" no \
	"$(yes_no fast_has cmdline_proc_show)"
klp_expect "cmdline_proc_show a jump within the wait" no \
	"$(yes_no jumps cmdline_proc_show)"
echo 1 > $DBG/fast_path
klp_expect "cmdline_proc_show on the fast path once fast_path=1 returned" yes \
	"$(yes_no fast_has cmdline_proc_show)"
klp_expect "cmdline_proc_show a jump once fast_path=1 returned" yes \
	"$(yes_no jumps cmdline_proc_show)"
echo 0 > $DBG/fast_path
klp_expect "cmdline_proc_show a jump once fast_path=0 returned" no \
	"$(yes_no jumps cmdline_proc_show)"
klp_expect "fast sites once fast_path=0 returned" 0 "$(fast_counter fast)"
echo 1 > $DBG/fast_path
klp_expect "cmdline_proc_show a jump again" yes "$(yes_no jumps cmdline_proc_show)"
echo "$settle" > $DBG/fast_settle_ms
settle=
klp_disable $B
klp_remove $B
klp_expect "sites on the fast path at the very end" 0 "$(fast_counter fast)"
klp_done
