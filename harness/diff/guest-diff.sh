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
# Forks are dear under TCG: files are read with the read builtin, and
# naps are a read with a timeout on a FIFO nobody writes.
mkfifo $TMP/.nap 2>/dev/null
exec 9<>$TMP/.nap
nap() { read -r -t "$1" -u 9 _ 2>/dev/null; true; }
# rd FILE: V is the first line of FILE, empty when unreadable.
rd() { V=; { read -r V < "$1"; } 2>/dev/null; true; }
echo 'file kernel/livepatch/* +p' > /sys/kernel/debug/dynamic_debug/control 2>/dev/null
rd /proc/cmdline; ORIG_CMDLINE=$V
rd /proc/version; ORIG_VERSION=$V
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
		rd "$d/transition"
		[ "$V" = 1 ] && { rd "$d/enabled"; target=$V; }
	done
	[ -n "$target" ] || return 1
	[ ${#spid[@]} -gt 0 ] || return 1
	local f pid held=
	for f in /proc/[0-9]*/patch_state; do
		V=x; { read -r V < "$f"; } 2>/dev/null || continue
		[ "$V" = "$target" ] && continue
		pid=${f#/proc/}; pid=${pid%/patch_state}
		is_sleeper "$pid" || return 1
		held=1
	done
	[ -n "$held" ]
}

idle() {
	local d
	for d in $KLP/*/; do
		[ -d "$d" ] || continue
		rd "$d/transition"; [ "$V" = 0 ] || return 1
		rd "$d/enabled"; [ "$V" = 1 ] || return 1
	done
	return 0
}

# settle [SECS]: wait until quiescent, at most SECS (real time).
settle() {
	local end=$((${EPOCHREALTIME/./} + ${1:-$SETTLE} * 1000000))
	while :; do
		idle && break
		# twice, some time apart: the first try of a transition is over
		if blocked; then nap 0.05; blocked && break; fi
		if [ "${EPOCHREALTIME/./}" -gt "$end" ]; then
			NOTE="note settle timeout"
			break
		fi
		nap 0.05
	done
	nap 0.05
}

state() {
	local d o n v m
	dmesg -c 2>/dev/null | LOG_RE=$LOG_RE awk '{ sub(/^\[[ 0-9.]*\] /, "") }
		$0 ~ ENVIRON["LOG_RE"] && $0 !~ /taint(s|ing) kernel/ { print "log " $0 }'
	for d in $KLP/*/; do
		[ -d "$d" ] || continue
		n=${d%/}; n=${n##*/}
		rd "$d/enabled"; v="patch $n enabled=$V"
		rd "$d/transition"; v="$v transition=$V"
		rd "$d/replace"; v="$v replace=$V"
		for o in "$d"*/; do
			[ -f "$o/patched" ] || continue
			m=${o%/}; rd "$o/patched"; v="$v ${m##*/}=$V"
		done
		echo "$v"
	done
	rd /proc/cmdline; v=$V; [ "$v" = "$ORIG_CMDLINE" ] && v=ORIG; echo "cmdline $v"
	rd /proc/version; v=$V; [ "$v" = "$ORIG_VERSION" ] && v=ORIG; echo "version $v"
	if [ -d /sys/module/test_klp_target ]; then
		rd /sys/module/test_klp_target/parameters/answer; echo "answer $V"
	fi
	if [ -d $TT ]; then
		rd $TT/gate; v=$V; rd $TT/waiters; echo "gate $v waiters $V"
	fi
	for m in $PATCHES $TARGETS; do
		[ -d /sys/module/$m ] || continue
		rd /sys/module/$m/refcnt; echo "ref $m $V"
	done
	for n in $(printf '%s\n' "${!spid[@]}" | sort); do
		if [ -f $TMP/$n ]; then rd $TMP/$n; echo "sleeper $n $V"
		else echo "sleeper $n waiting"; fi
	done
}

# Release the sleepers that the gate let go (bounded).
reap() {
	local n i
	for n in "${!spid[@]}"; do
		for ((i = 0; i < 100; i++)); do
			[ -f $TMP/$n ] && break
			nap 0.05
		done
	done
}

op() {
	local a=$1 b=${2:-} c=${3:-} out n i v
	case "$a" in
	load)
		if out=$(modprobe "$b" $c 2>&1); then RC=0; else RC=$(errname "$out"); fi ;;
	rmmod)
		if out=$(rmmod "$b" 2>&1); then RC=0; else RC=$(errname "$out"); fi ;;
	enable) wr "$c" $KLP/$b/enabled ;;
	force)
		# Only a patching transition of a plain patch: anything else
		# keeps modules for good, and the next sequences would differ.
		rd $KLP/$b/replace; v=$V; rd $KLP/$b/enabled
		if [ "$V" = 1 ] && [ "$v" = 0 ]; then
			wr 1 $KLP/$b/force
		else
			RC=skipped
		fi ;;
	gate)
		wr "$b" $TT/gate
		[ "$b" = open ] && reap ;;
	sleep)
		[ -e $TT/wait ] || { RC=ENOENT; return; }
		rd $TT/waiters; n=$V
		rm -f $TMP/$b
		( echo -n "$b" > /proc/self/comm
		  if read -r v < $TT/wait; then echo "$v" > $TMP/$b.t
		  else echo "(read failed)" > $TMP/$b.t; fi
		  mv $TMP/$b.t $TMP/$b ) &
		spid[$b]=$!
		for ((i = 0; i < 100; i++)); do
			[ -f $TMP/$b ] && break
			rd $TT/waiters; [ "${V:-0}" -gt "$n" ] && break
			nap 0.05
		done
		RC=0 ;;
	wait) settle 60; RC=0 ;;
	*) RC=unknown-op ;;
	esac
}

# Back to nothing: gate open, sleepers gone, patches disabled, modules out.
reset() {
	local i d m t left
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
			rd "$d/transition"; t=$V; rd "$d/enabled"
			if [ "$t" = 1 ]; then
				echo 1 > "$d/force" 2>/dev/null
			elif [ "$V" = 1 ]; then
				echo 0 > "$d/enabled" 2>/dev/null
			fi
		done
		[ -z "$left" ] && break
	done
	nap 0.1
	for m in $PATCHES $TARGETS; do
		[ -d /sys/module/$m ] || continue
		for ((i = 0; i < 50; i++)); do
			rmmod $m 2>/dev/null && break
			nap 0.1
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
