#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# guest-diff.sh SEQFILE: the guest side of the differential tester
# (harness/diff/README).  Runs every sequence of SEQFILE (written by
# gen.py) in this boot and prints a normalised trace on stdout:
#
#   seq <id>                       a sequence starts (state reset first)
#   op <n> <operation> -> <rc>     0 or the errno name of the operation
#   <state lines>                  after the operation, once quiescent:
#     log <line>                   contract "livepatch:" lines and the test
#                                  modules' callback lines logged meanwhile
#     patch <name> enabled=E transition=T replace=R <obj>=patched...
#     cmdline/version ORIG|<text>  which layer runs /proc/cmdline, /proc/version
#     answer <text>                test_klp_target's answer parameter
#     gate/waiters                 test_klp_trans_target's gate
#     ref <module> <refcnt>        the refcounts that decide rmmod
#     sleeper <name> waiting|<what it read>
#   end <id>                       the sequence is over
#
# Quiescent: every patch enabled=1 transition=0, or the only tasks not yet
# in the target state of the transition are sleepers (it is blocked by
# them: only the gate can move it), bounded by DIFF_SETTLE_SECS.
set -u
KLP=/sys/kernel/livepatch
TT=/sys/kernel/debug/test_klp_trans_target
TMP=/tmp/klp-diff
SETTLE=${DIFF_SETTLE_SECS:-20}
# Patch modules and target modules of the universe (see gen.py).
PATCHES="test_klp_layer1 test_klp_layer2 test_klp_layer3 test_klp_trans_patch test_klp_basic"
TARGETS="test_klp_target test_klp_trans_target"

mkdir -p $TMP
echo 'file kernel/livepatch/* +p' > /sys/kernel/debug/dynamic_debug/control 2>/dev/null
ORIG_CMDLINE=$(cat /proc/cmdline)
ORIG_VERSION=$(cat /proc/version)
declare -A spid=()

# The contract's log lines (Documentation/livepatch, INTERFACE.md section
# 4) and the test modules' own lines; anything else (our debug-only lines,
# upstream's "signaling remaining tasks", the wording of the warning of a
# forced transition) is implementation-specific and dropped.
LOG_RE="^livepatch: (enabling patch '|'[^']*': (initializing|starting|completing) (patching|unpatching) transition|'[^']*': (patching|unpatching) complete|'[^']*': canceling patching transition|'[^']*': reversing transition from|pre-patch callback failed|failed to patch object|failed to enable patch|Livepatch patch \(|reverting patch '|applying patch '|patch '[^']*' failed for module|failed to register ftrace handler)|^test_klp_[a-z0-9_]*: "

errname() {
	case "$1" in
	*"Invalid argument"* | *"Invalid parameters"*) echo EINVAL ;;
	*"No such file or directory"*) echo ENOENT ;;
	*"Device or resource busy"* | *"in use"*) echo EBUSY ;;
	*"File exists"* | *"already"*) echo EEXIST ;;
	*"No such device"*) echo ENODEV ;;
	*"Operation not permitted"*) echo EPERM ;;
	*"Cannot allocate memory"*) echo ENOMEM ;;
	*"not currently loaded"*) echo ENOENT ;;
	*) echo "E?($(echo "$1" | tr -s ' \n' ' ' | cut -c1-60))" ;;
	esac
}

# wr VALUE FILE: a sysfs/debugfs write; RC is 0 or the errno name.
wr() {
	local out
	[ -e "$2" ] || { RC=ENOENT; return; }
	if out=$( (echo "$1" > "$2") 2>&1); then RC=0; else RC=$(errname "$out"); fi
}

is_sleeper() {
	local p
	for p in "${spid[@]}"; do [ "$p" = "$1" ] && return 0; done
	return 1
}

# blocked: a transition runs and only sleepers are not in its target state.
blocked() {
	local d t target=
	for d in $KLP/*/; do
		[ -d "$d" ] || continue
		t=$(cat "$d/transition" 2>/dev/null)
		[ "$t" = 1 ] && target=$(cat "$d/enabled" 2>/dev/null)
	done
	[ -n "$target" ] || return 1
	[ ${#spid[@]} -gt 0 ] || return 1
	local f pid s
	for f in /proc/[0-9]*/patch_state; do
		s=$(cat "$f" 2>/dev/null) || continue
		[ "$s" = "$target" ] && continue
		pid=${f#/proc/}; pid=${pid%/patch_state}
		is_sleeper "$pid" && continue
		[ "$pid" = "$BASHPID" ] && continue
		return 1
	done
	return 0
}

idle() {
	local d
	for d in $KLP/*/; do
		[ -d "$d" ] || continue
		[ "$(cat "$d/transition" 2>/dev/null)" = 0 ] &&
			[ "$(cat "$d/enabled" 2>/dev/null)" = 1 ] || return 1
	done
	return 0
}

settle() {
	local i lim=$((${1:-$SETTLE} * 20))
	for ((i = 0; i < lim; i++)); do
		idle && break
		# twice, some time apart: the first try of a transition is over
		if blocked; then sleep 0.05; blocked && break; fi
		sleep 0.05
	done
	[ "$i" -ge "$lim" ] && NOTE="note settle timeout"
	sleep 0.05
}

state() {
	local d o n v m
	dmesg -c 2>/dev/null | sed 's/^\[[ 0-9.]*\] //' | grep -E "$LOG_RE" |
		grep -vE 'taint(s|ing) kernel' | sed 's/^/log /'
	for d in $KLP/*/; do
		[ -d "$d" ] || continue
		n=$(basename "$d")
		v="patch $n enabled=$(cat "$d/enabled") transition=$(cat "$d/transition") replace=$(cat "$d/replace" 2>/dev/null)"
		for o in "$d"*/; do
			[ -f "$o/patched" ] && v="$v $(basename "$o")=$(cat "$o/patched")"
		done
		echo "$v"
	done
	v=$(cat /proc/cmdline); [ "$v" = "$ORIG_CMDLINE" ] && v=ORIG; echo "cmdline $v"
	v=$(cat /proc/version); [ "$v" = "$ORIG_VERSION" ] && v=ORIG; echo "version $v"
	[ -d /sys/module/test_klp_target ] &&
		echo "answer $(cat /sys/module/test_klp_target/parameters/answer 2>&1)"
	[ -d $TT ] && echo "gate $(cat $TT/gate) waiters $(cat $TT/waiters)"
	for m in $PATCHES $TARGETS; do
		[ -d /sys/module/$m ] && echo "ref $m $(cat /sys/module/$m/refcnt)"
	done
	for n in $(printf '%s\n' "${!spid[@]}" | sort); do
		if [ -f $TMP/$n ]; then echo "sleeper $n $(cat $TMP/$n)"
		else echo "sleeper $n waiting"; fi
	done
}

# Release the sleepers that the gate let go (bounded).
reap() {
	local n i
	for n in "${!spid[@]}"; do
		for ((i = 0; i < 100; i++)); do
			[ -f $TMP/$n ] && break
			sleep 0.05
		done
	done
}

op() {
	local a=$1 b=${2:-} c=${3:-} out n i
	case "$a" in
	load)
		if out=$(modprobe "$b" $c 2>&1); then RC=0; else RC=$(errname "$out"); fi ;;
	rmmod)
		if out=$(rmmod "$b" 2>&1); then RC=0; else RC=$(errname "$out"); fi ;;
	enable) wr "$c" $KLP/$b/enabled ;;
	force)
		# Only a patching transition of a plain patch: anything else
		# keeps modules for good, and the next sequences would differ.
		if [ "$(cat $KLP/$b/enabled 2>/dev/null)" = 1 ] &&
		   [ "$(cat $KLP/$b/replace 2>/dev/null)" = 0 ]; then
			wr 1 $KLP/$b/force
		else
			RC=skipped
		fi ;;
	gate)
		wr "$b" $TT/gate
		[ "$b" = open ] && reap ;;
	sleep)
		[ -e $TT/wait ] || { RC=ENOENT; return; }
		n=$( cat $TT/waiters)
		rm -f $TMP/$b
		( echo -n "$b" > /proc/self/comm
		  if read -r v < $TT/wait; then echo "$v" > $TMP/$b.t
		  else echo "(read failed)" > $TMP/$b.t; fi
		  mv $TMP/$b.t $TMP/$b ) &
		spid[$b]=$!
		for ((i = 0; i < 100; i++)); do
			[ -f $TMP/$b ] && break
			[ "$(cat $TT/waiters 2>/dev/null)" -gt "$n" ] && break
			sleep 0.05
		done
		RC=0 ;;
	wait) settle 60; RC=0 ;;
	*) RC=unknown-op ;;
	esac
}

# Back to nothing: gate open, sleepers gone, patches disabled, modules out.
reset() {
	local i d m left
	[ -e $TT/gate ] && echo open > $TT/gate
	reap
	for n in "${!spid[@]}"; do kill -9 "${spid[$n]}" 2>/dev/null; done
	wait 2>/dev/null
	spid=()
	rm -f $TMP/*
	for ((i = 0; i < 10; i++)); do
		settle 30 > /dev/null
		left=
		for d in $KLP/*/; do
			[ -d "$d" ] || continue
			left=1
			if [ "$(cat "$d/transition")" = 1 ]; then
				echo 1 > "$d/force" 2>/dev/null
			elif [ "$(cat "$d/enabled")" = 1 ]; then
				echo 0 > "$d/enabled" 2>/dev/null
			fi
		done
		[ -z "$left" ] && break
	done
	sleep 0.1
	for m in $PATCHES $TARGETS; do
		[ -d /sys/module/$m ] || continue
		for ((i = 0; i < 50; i++)); do
			rmmod $m 2>/dev/null && break
			sleep 0.1
		done
		[ -d /sys/module/$m ] && echo "note reset: $m stays loaded"
	done
	dmesg -c > /dev/null
}

t0=$(date +%s)
nseq=0 nop=0
while read -r w rest; do
	case "$w" in
	seq)
		reset
		nseq=$((nseq + 1))
		echo "seq $rest" ;;
	end)
		echo "end $rest" ;;
	op)
		set -- $rest
		k=$1; shift
		RC= NOTE=
		op "$@"
		settle
		echo "op $k $* -> $RC"
		[ -n "$NOTE" ] && echo "$NOTE"
		state
		nop=$((nop + 1)) ;;
	esac
done < "${1:?usage: guest-diff.sh SEQFILE}"
reset
echo "done $nseq sequences $nop operations $(( $(date +%s) - t0 ))s"
