#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: for STRESS_SECONDS (default 20), one caller per CPU calls
#   a patched vmlinux function (cmdline_proc_show) and a patched module
#   function (test_klp_target's tgt_answer) in a loop, while a driver
#   enables, disables, replaces, forces and reverses five patches at
#   random, loads and removes the target module and tries a patch that
#   is refused, and three writers read every livepatch sysfs, debugfs and
#   /proc/<pid>/patch_state file and write values that must be refused.
#   Every call must return a version its task was allowed to run (see
#   klp_stress_call.c); afterwards every patch and module must go, the
#   patch stack must have matched the driver's model after each step, no
#   function may stay traced, the kernel must have logged no splat, and
#   slab and vmalloc memory must be back to their baseline; with
#   kmemleak, no unreferenced object may come from livepatch code.
# requires: test_klp_layer1-3, test_klp_basic, test_klp_empty,
#   test_klp_refuse, test_klp_target, klp_stress_call
. "$(dirname "$0")/klp_common.sh"
klp_setup

STRESS_SECONDS=${STRESS_SECONDS:-20}
# The driver's random choices; a run prints its seed (outcomes that
# depend on timing may still differ from one run to the next).
STRESS_SEED=${STRESS_SEED:-$(($(date +%s%N) / 1000 % 32768))}
RANDOM=$STRESS_SEED
CALLER=$KLP_DIR/klp_stress_call
[ -x "$CALLER" ] || klp_skip "no $CALLER: build the kselftests (TEST_GEN_FILES)"
for m in test_klp_layer1 test_klp_layer2 test_klp_layer3 test_klp_basic \
	 test_klp_empty test_klp_refuse; do
	modinfo $m >/dev/null 2>&1 || klp_skip "no test module $m for $(uname -r)"
done
DBG=/sys/kernel/debug/livepatch
KMEMLEAK=/sys/kernel/debug/kmemleak
TARGET=test_klp_target

TMP=$(mktemp -d /tmp/klp-stress.XXXXXX) || klp_fail "cannot make a scratch directory"
EXPECT=$TMP/expect
STOP=$TMP/stop
bg_pids=()
saved_signal_delay=''
saved_timeout=''

stress_cleanup() {
	local p

	touch "$STOP"
	for p in "${bg_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	[ -z "$saved_signal_delay" ] || echo "$saved_signal_delay" > $DBG/signal_delay_ms
	[ -z "$saved_timeout" ] || echo "$saved_timeout" > $DBG/transition_timeout_ms
	[ -z "$saved_settle" ] || echo "$saved_settle" > $DBG/fast_settle_ms
	rm -rf "$TMP"
	klp_cleanup
}
trap stress_cleanup EXIT

# ---- the patches and the driver's model of the patch stack ----

PATCHES="test_klp_layer1 test_klp_layer2 test_klp_layer3 test_klp_basic test_klp_empty"
# What each patch's version of a function prints (klp_stress_call names
# results after their module); no entry: the patch leaves it alone.
declare -A VER=(
	[test_klp_layer1.cmdline]=test_klp_layer1
	[test_klp_layer2.cmdline]=test_klp_layer2
	[test_klp_layer3.cmdline]=test_klp_layer3
	[test_klp_basic.cmdline]=test_klp_basic
	[test_klp_basic.answer]=test_klp_basic
)
FUNCS="cmdline answer"
stack=()		# enabled patches, oldest first
alt_stack=		# set: the other stack the last step may have left
loose=			# the replace patch of an ambiguous step
declare -A replace=()	# patch -> 1 when loaded with replace=1

# The driver runs no program in its hot paths (a fork costs much in an
# emulated, instrumented guest): helpers answer in global variables.

# top FUNC PATCH...: in $top, the version of FUNC that runs with these
# patches enabled (oldest first).
top() {
	local f=$1 p

	shift
	top=orig
	for p in "$@"; do
		[ -z "${VER[$p.$f]:-}" ] || top=${VER[$p.$f]}
	done
}

# versions KIND PATCH FUNC: in $vu and $vp, what tasks in patch_state 0
# and 1 run while PATCH's KIND (enable/disable) transition is on.
versions() {
	local kind=$1 p=$2 f=$3 older=() newer=() q seen_p=0

	for q in "${stack[@]}"; do
		if [ "$q" = "$p" ]; then
			seen_p=1
		elif [ $seen_p = 0 ]; then
			older+=("$q")
		else
			newer+=("$q")
		fi
	done
	# A newer patch of FUNC is on top whatever PATCH does.
	top "$f" "${newer[@]}"
	if [ "$top" != orig ]; then
		vu=$top vp=$top
		return
	fi
	top "$f" "${older[@]}"
	vu=$top
	# A replace patch that was disabled right after its load: either its
	# patching was reversed (the older patches stay below it), or it
	# completed first (they went) and was then disabled (nothing below).
	[ "$kind" = enable ] && [ "$loose" = "$p" ] && [ "$vu" != orig ] && vu="$vu|orig"
	if [ -n "${VER[$p.$f]:-}" ]; then
		vp=${VER[$p.$f]}
	elif [ "${replace[$p]:-0}" = 1 ] && [ "$top" != orig ]; then
		# A replace patch's no-op entry runs the original code.
		vp=orig
	else
		vp=$vu
	fi
}

epoch=0
# 1 while the target module goes: see toggle_target().
going=0
last_publish=()
# publish [KIND PATCH]: a new epoch for the callers, with what a task
# may run during PATCH's transition, or (no arguments) the stack's top.
# One write: a caller reads the old line, the new one, or nothing (and
# does not check that call).
publish() {
	local f line

	last_publish=("$@")
	epoch=$((epoch + 1))
	line=$epoch
	for f in $FUNCS; do
		if [ $# -eq 2 ]; then
			versions "$1" "$2" $f
		else
			top $f "${stack[@]}"
			vu=$top vp=$top
		fi
		if [ $going = 1 ] && [ $f = answer ]; then
			[ "$vu" = orig ] || vu+="|orig"
			[ "$vp" = orig ] || vp+="|orig"
		fi
		line+=" $f $vu $vp"
	done
	echo "$line" > "$EXPECT"
}

# ---- counters ----

declare -A count=()
bump() { count[$1]=$((${count[$1]:-0} + 1)); }
problems=()
problem() {
	problems+=("$*")
	echo "problem: $*"
}

# try WHAT COMMAND...: run a step that may fail for a reason of timing;
# count it under WHAT-ok or WHAT-refused.
try() {
	local what=$1

	shift
	if "$@" 2>/dev/null; then
		bump "$what-ok"
		return 0
	fi
	bump "$what-refused"
	return 1
}

write() { echo "$1" > "$2"; }

in_transition() {
	local p v

	for p in "$KLP_SYSFS"/test_klp_*; do
		v=
		{ read -r v < "$p/transition"; } 2>/dev/null
		[ "$v" = 1 ] && return 0
	done
	return 1
}

not_in_transition() { ! in_transition; }

# The patch modules whose patch is gone: nothing holds them.
remove_unused() {
	local m i

	for m in $PATCHES; do
		klp_is_loaded "$m" || continue
		klp_patch_exists "$m" && continue
		for ((i = 0; i < KLP_WAIT_SECS * 10; i++)); do
			rmmod "$m" 2>/dev/null && break
			sleep 0.1
		done
		klp_is_loaded "$m" && problem "module $m stays loaded without its patch"
		unset "replace[$m]"
	done
}

# The patches in sysfs, in stack order (stack_order came with upstream
# 6.14: without it, in name order, compared with the model's names).
sysfs_stack() {
	local p n e by=() names=()

	for p in "$KLP_SYSFS"/test_klp_*; do
		[ -d "$p" ] || continue
		n=
		if ! { read -r n < "$p/stack_order"; } 2>/dev/null; then
			# A patch that left: kobject_del() takes its files
			# away before its directory, which may still be seen.
			# (Without stack_order, before 6.14, enabled is read.)
			{ read -r e < "$p/enabled"; } 2>/dev/null || continue
		fi
		# 0: it has left the stack, its directory goes in a moment.
		[ "$n" = 0 ] && continue
		if [ -n "$n" ] && [ -z "${by[n]:-}" ]; then
			by[n]=${p##*/}
		else
			names+=("${p##*/}")	# no stack_order, or twice the same
		fi
	done
	if [ ${#names[@]} = 0 ]; then
		echo "${by[*]}"
	else
		printf '%s\n' "${by[@]}" "${names[@]}" | sort | xargs
	fi
}

model_stack() {
	if [ -n "$HAVE_STACK_ORDER" ] || [ $# -le 1 ]; then
		echo "$*"
	else
		printf '%s\n' "$@" | sed '/^$/d' | sort | xargs
	fi
}

settle() {
	klp_wait_until "done with every transition" not_in_transition
	remove_unused
	local seen

	seen=$(sysfs_stack)
	if [ "$seen" != "$(model_stack "${stack[@]}")" ]; then
		if [ -n "$alt_stack" ] && [ "$seen" = "${alt_stack# }" ]; then
			read -r -a stack <<< "$alt_stack"
		else
			problem "step $step: stack '$seen', model '${stack[*]}'"
		fi
	fi
	alt_stack=''
	loose=''
	publish
}

toggle_target() {
	if klp_is_loaded $TARGET; then
		# The patches leave a going module (klp_module_going()) before
		# its parameters go from sysfs (free_module()), as in 6.12: in
		# between, reading "answer" runs the original tgt_answer().
		going=1
		publish "${last_publish[@]}"
		try target-remove rmmod $TARGET
		going=0
		publish "${last_publish[@]}"
	else
		try target-load modprobe $TARGET
	fi
}

# enable PATCH: load it (replace=1 sometimes), then maybe reverse it,
# reverse it back, force it or toggle the target during its transition.
enable() {
	local p=$1 r=0 final=1 args

	[ "$p" = test_klp_empty ] && r=1
	# test_klp_basic has no replace parameter.
	[ "$p" != test_klp_basic ] && [ $((RANDOM % 3)) = 0 ] && r=1
	replace[$p]=$r
	publish enable "$p"
	args=()
	[ "$p" = test_klp_basic ] || args=("replace=$r")
	if ! modprobe "$p" "${args[@]}" 2>"$TMP/err"; then
		problem "modprobe $p replace=$r: $(cat "$TMP/err")"
		unset "replace[$p]"
		return
	fi
	bump "enable-r$r"
	case $((RANDOM % 6)) in
	0|1)
		if [ $r = 1 ]; then
			loose=$p
			alt_stack=" "
		fi
		publish enable "$p"
		try reverse write 0 "$KLP_SYSFS/$p/enabled" && final=0
		publish enable "$p"
		if [ $final = 0 ] && [ $((RANDOM % 2)) = 0 ]; then
			try re-reverse write 1 "$KLP_SYSFS/$p/enabled" && final=1
			publish enable "$p"
		fi
		;;
	2)
		# Forcing a patching transition pins no module (but
		# forcing one that replaces others would pin them).
		if [ $r = 0 ]; then
			publish enable "$p"
			try force write 1 "$KLP_SYSFS/$p/force"
			publish enable "$p"
		fi
		;;
	3)
		publish enable "$p"
		toggle_target
		publish enable "$p"
		;;
	esac
	klp_wait_until "done with every transition" not_in_transition
	if [ $final = 1 ]; then
		if [ $r = 1 ]; then
			stack=("$p")
		else
			stack+=("$p")
		fi
	fi
}

# disable PATCH: maybe reverse it back to enabled.
disable() {
	local p=$1 final=0 q keep=()

	publish disable "$p"
	if ! write 0 "$KLP_SYSFS/$p/enabled" 2>"$TMP/err"; then
		problem "disabling $p: $(cat "$TMP/err")"
		return
	fi
	bump disable
	if [ $((RANDOM % 3)) = 0 ]; then
		publish disable "$p"
		try reverse-disable write 1 "$KLP_SYSFS/$p/enabled" && final=1
		publish disable "$p"
	fi
	klp_wait_until "done with every transition" not_in_transition
	if [ $final = 0 ]; then
		for q in "${stack[@]}"; do
			[ "$q" = "$p" ] || keep+=("$q")
		done
		stack=("${keep[@]}")
	fi
}

refused() {
	if modprobe test_klp_refuse defect=pre_patch_fails 2>/dev/null; then
		problem "test_klp_refuse defect=pre_patch_fails loaded"
		rmmod test_klp_refuse 2>/dev/null
	fi
	klp_patch_exists test_klp_refuse && problem "test_klp_refuse left in sysfs"
	bump refused
}

# One random step of the driver.
step=0
drive_step() {
	local p free=() q

	step=$((step + 1))
	for p in $PATCHES; do
		klp_is_loaded "$p" || free+=("$p")
	done
	case $((RANDOM % 8)) in
	0|1|2)
		[ ${#free[@]} -gt 0 ] && enable "${free[RANDOM % ${#free[@]}]}"
		;;
	3|4|5)
		[ ${#stack[@]} -gt 0 ] && disable "${stack[RANDOM % ${#stack[@]}]}"
		;;
	6) toggle_target ;;
	7) refused ;;
	esac
	settle
}

# ---- the writers ----

# Values that no livepatch file accepts.  Not "1x": kstrtobool() reads
# only its first character, so enabled and force take it as 1, in 6.12
# too (a writer then forced a transition behind the driver's back).
BAD_VALUES=("garbage" "2" "-1" "x1" "")

# The writers read files with mapfile (no program to run) and write with
# echo; each reads or writes every file it knows of, over and over.
sysfs_writer() {
	local f v x

	shopt -s nullglob
	while [ ! -e "$STOP" ]; do
		for f in "$KLP_SYSFS"/*/enabled "$KLP_SYSFS"/*/transition \
			 "$KLP_SYSFS"/*/replace "$KLP_SYSFS"/*/stack_order \
			 "$KLP_SYSFS"/*/*/patched; do
			{ mapfile -t x < "$f"; } 2>/dev/null
		done
		for f in "$KLP_SYSFS"/*/enabled "$KLP_SYSFS"/*/force; do
			v=${BAD_VALUES[RANDOM % ${#BAD_VALUES[@]}]}
			if { echo "$v" > "$f"; } 2>/dev/null; then
				echo "accepted: '$v' > $f" >> "$TMP/accepted"
			fi
			# 0 to force is a no-op.
			[ "${f##*/}" = force ] && { echo 0 > "$f"; } 2>/dev/null
		done
	done
}

debugfs_writer() {
	local f v x

	[ -d $DBG ] || return 0
	while [ ! -e "$STOP" ]; do
		for f in $DBG/*; do
			{ mapfile -t x < "$f"; } 2>/dev/null
		done
		echo $((RANDOM % 20)) > $DBG/signal_delay_ms
		echo 0 > $DBG/transition_timeout_ms
		v=${BAD_VALUES[RANDOM % ${#BAD_VALUES[@]}]}
		if [ -n "$v" ] && [ "$v" != 2 ] &&
		   { echo "$v" > $DBG/signal_delay_ms; } 2>/dev/null; then
			echo "accepted: '$v' > $DBG/signal_delay_ms" >> "$TMP/accepted"
		fi
	done
}

proc_reader() {
	local f x

	shopt -s nullglob
	while [ ! -e "$STOP" ]; do
		for f in /proc/[0-9]*/patch_state; do
			{ mapfile -t x < "$f"; } 2>/dev/null
		done
		{ mapfile -t x < /sys/kernel/tracing/enabled_functions; } 2>/dev/null
	done
	: "${x[@]}"
}

# ---- memory ----

# mem_snapshot FILE: unreclaimable slab and vmalloc (kB), and the
# objects in use per slab cache when /proc/slabinfo exists, after
# dropping caches and flushing per-CPU slabs and RCU frees.
mem_snapshot() {
	local c

	sync
	echo 3 > /proc/sys/vm/drop_caches
	for c in /sys/kernel/slab/*/shrink; do
		echo 1 > "$c" 2>/dev/null
	done
	# Objects freed by RCU callbacks: let a few grace periods pass.
	sleep 2
	echo 3 > /proc/sys/vm/drop_caches
	for c in /sys/kernel/slab/*/shrink; do
		echo 1 > "$c" 2>/dev/null
	done
	{
		awk '/^(SUnreclaim|VmallocUsed):/ {
			sub(":", "", $1); print "meminfo", $1, $2
		}' /proc/meminfo
		[ -r /proc/slabinfo ] &&
			awk 'NR > 2 { print "slab", $1, $2 * $4 }' /proc/slabinfo
	} > "$1"
}

# ---- kmemleak ----

# kmemleak_ours: the unreferenced objects kmemleak reports whose
# allocation backtrace has a livepatch function or module, or a frame
# that no longer resolves (a module removed since: only test modules
# come and go here).
kmemleak_ours() {
	klp_kmemleak_ours
}

# ---- the run ----

saved_signal_delay=$(cat $DBG/signal_delay_ms 2>/dev/null)
saved_timeout=$(cat $DBG/transition_timeout_ms 2>/dev/null)
saved_settle=$(cat $DBG/fast_settle_ms 2>/dev/null)
# Calls on the fast path between the changes, not only after the run.
[ -z "$saved_settle" ] || echo 0 > $DBG/fast_settle_ms
# The driver's model is exact only when no transition reverses itself.
[ -z "$saved_timeout" ] || echo 0 > $DBG/transition_timeout_ms

HAVE_STACK_ORDER=
# Warm up: a vmlinux and a module patch once, so that what the kernel allocates once
# for good (ftrace pages, sysfs and module caches) is in the baseline.
klp_say "warm-up"
# Test modules a test before this one left loaded for good (a forced
# transition pins its patch module): not this test's doing.
modules_before=$(lsmod | awk '$1 ~ /^test_klp_/ { print $1 }' | sort | xargs)
publish
modprobe $TARGET || klp_fail "cannot load $TARGET"
for p in test_klp_layer1 test_klp_basic; do
	klp_load "$p"
	[ -e "$KLP_SYSFS/$p/stack_order" ] && HAVE_STACK_ORDER=1
	klp_disable "$p"
	klp_remove "$p"
done
refused
klp_remove $TARGET

mem_snapshot "$TMP/mem.before"
if [ -w "$KMEMLEAK" ]; then
	# What was unreferenced before the stress is not its doing.
	echo scan > "$KMEMLEAK"
	echo clear > "$KMEMLEAK"
fi
klp_log_start
modprobe $TARGET || klp_fail "cannot load $TARGET"
publish

# Callers run at nice 10 and writers as SCHED_IDLE: when the driver has
# something to do, it gets the CPU (it has the most to do per step).
ncpu=$(nproc)
for ((c = 0; c < ncpu; c++)); do
	nice -n 10 "$CALLER" $c "$EXPECT" "$STOP" > "$TMP/caller.$c" 2>&1 &
	bg_pids+=($!)
done
for w in sysfs_writer sysfs_writer debugfs_writer proc_reader; do
	( chrt -i -p 0 $BASHPID >/dev/null 2>&1; $w ) &
	bg_pids+=($!)
done

klp_say "stress: ${STRESS_SECONDS}s, $ncpu callers, 4 writers, STRESS_SEED=$STRESS_SEED"
end=$((SECONDS + STRESS_SECONDS))
while [ $SECONDS -lt $end ]; do
	drive_step
done
touch "$STOP"
wait "${bg_pids[@]}"
bg_pids=()

# ---- the verdict ----

for ((c = 0; c < ncpu; c++)); do
	sed "s/^/  /" "$TMP/caller.$c"
	line=$(grep '^caller ' "$TMP/caller.$c")
	klp_expect "caller on CPU $c: violations" 0 \
		"$(echo "$line" | sed -n 's/.* violations=\([0-9]*\).*/\1/p')"
	n=$(echo "$line" | sed -n 's/.* checked=\([0-9]*\).*/\1/p')
	klp_expect "caller on CPU $c checked calls" yes \
		"$([ "${n:-0}" -gt 0 ] && echo yes || echo "${n:-none}")"
done
counts=$(for k in "${!count[@]}"; do echo "$k=${count[$k]}"; done | sort | xargs)
klp_say "driver: $step steps; $counts"
[ ! -r $DBG/fast ] || klp_say "fast path: $(head -1 $DBG/fast)"
klp_expect "values accepted by the writers" "" "$(cat "$TMP/accepted" 2>/dev/null)"

# Tear everything down: each remaining patch, the modules, the target.
klp_wait_until "done with every transition" not_in_transition
for ((i = ${#stack[@]} - 1; i >= 0; i--)); do
	klp_disable "${stack[i]}"
done
stack=()
remove_unused
klp_is_loaded $TARGET && klp_remove $TARGET
klp_expect "driver problems" "" "$(printf '%s\n' "${problems[@]}" | sed '/^$/d')"
klp_expect "test modules left" "$modules_before" \
	"$(lsmod | awk '$1 ~ /^test_klp_/ { print $1 }' | sort | xargs)"
klp_expect "patches left" "" "$(klp_test_patches)"
klp_expect "functions left traced" "" \
	"$(grep -E '^(cmdline_proc_show|version_proc_show|tgt_)' \
		/sys/kernel/tracing/enabled_functions 2>/dev/null)"
[ ! -r $DBG/redirect ] ||
	klp_expect "patched locations (debugfs redirect)" 0 \
		"$(sed -n 's/.*sites=\([0-9]*\).*/\1/p' $DBG/redirect)"
# What counts as a kernel report in the log.
REPORTS='BUG:|WARNING:|Oops|Call Trace|KASAN|UBSAN|circular locking|RCU usage|'
REPORTS+='DEBUG_LOCKS|ODEBUG|list_(add|del) corruption'
klp_expect "kernel reports since the start" "" \
	"$(dmesg | awk -v m="$klp_log_marker" 'seen; index($0, m) { seen = 1 }' |
	   grep -E "$REPORTS" || true)"

if [ -w "$KMEMLEAK" ]; then
	# Objects younger than kmemleak's minimum age (5 s) are not
	# reported: let the teardown's age first.
	sleep 6
	echo scan > "$KMEMLEAK"
	klp_say "kmemleak: $(grep -c '^unreferenced object' "$KMEMLEAK")" \
		"unreferenced object(s) since the warm-up"
	klp_expect "unreferenced objects from livepatch code (kmemleak)" "" "$(kmemleak_ours)"
else
	klp_say "no $KMEMLEAK: no leak scan"
fi

# Slab and vmalloc: back to the baseline.  Everything livepatch and the
# test modules allocated is freed by now; vmalloc (module memory, the
# redirect tables) must be exactly back.  Unreclaimable slab may differ
# by SLAB_TOLERANCE_KB (default 512): caches of other subsystems that
# dropping caches does not empty (process mappings, maple tree nodes,
# the metadata of kmemleak and debug objects) and the per-CPU slabs that
# SLUB counts whole.  /proc/slabinfo, when there, says which grew.
SLAB_TOLERANCE_KB=${SLAB_TOLERANCE_KB:-512}
VMALLOC_TOLERANCE_KB=${VMALLOC_TOLERANCE_KB:-0}
mem_snapshot "$TMP/mem.after"
delta() { # KIND NAME
	local a b

	a=$(awk -v k="$1" -v n="$2" '$1 == k && $2 == n { print $3 }' "$TMP/mem.before")
	b=$(awk -v k="$1" -v n="$2" '$1 == k && $2 == n { print $3 }' "$TMP/mem.after")
	echo $((${b:-0} - ${a:-0}))
}
d_slab=$(delta meminfo SUnreclaim)
d_vmalloc=$(delta meminfo VmallocUsed)
klp_say "memory after - before: SUnreclaim ${d_slab} kB, VmallocUsed ${d_vmalloc} kB"
klp_expect "SUnreclaim back to its baseline (+${SLAB_TOLERANCE_KB} kB)" yes \
	"$([ "$d_slab" -le "$SLAB_TOLERANCE_KB" ] && echo yes || echo "+$d_slab kB")"
klp_expect "VmallocUsed back to its baseline (+${VMALLOC_TOLERANCE_KB} kB)" yes \
	"$([ "$d_vmalloc" -le "$VMALLOC_TOLERANCE_KB" ] && echo yes || echo "+$d_vmalloc kB")"
if [ -r /proc/slabinfo ]; then
	klp_say "slab caches that grew (bytes in use, whole per-CPU slabs counted):"
	join <(awk '$1 == "slab" { print $2, $3 }' "$TMP/mem.before" | sort) \
	     <(awk '$1 == "slab" { print $2, $3 }' "$TMP/mem.after" | sort) |
		awk '$3 > $2 { printf "  %s +%d\n", $1, $3 - $2 }'
fi
klp_done
