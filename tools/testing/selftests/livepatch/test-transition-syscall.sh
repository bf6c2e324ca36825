#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: processes that call getpid() over and over while
#   test_klp_trans_patch changes __x64_sys_getpid() switch on their way
#   out of the kernel, while the transition is held open by a task
#   sleeping in trans_wait(); each sees the original while its
#   /proc/<pid>/patch_state is 0 and the patch while it is 1 (checked by
#   klp_trans_getpid around every call), and changes version once per
#   transition: original, patched, original for an enable and a disable.
# requires: test_klp_trans_target, test_klp_trans_patch, klp_trans_getpid
. "$(dirname "$0")/klp_transition.sh"
klp_trans_setup

T=$KLP_TRANS_TARGET
P=$KLP_TRANS_PATCH
NPROC=4
HAMMER=$KLP_DIR/klp_trans_getpid
[ -x "$HAMMER" ] || klp_skip "no $HAMMER: build the kselftests (TEST_GEN_FILES)"

OUT=$klp_trans_tmp/hammer.out
STOP=$klp_trans_tmp/stop

hammer_ready() {
	grep -qx ready "$OUT"
}

# hammer_states: the patch_state of every child, on one line.
hammer_states() {
	local p

	for p in $CHILDREN; do
		klp_trans_state "$p"
	done | xargs
}

# same N VALUE: VALUE N times, on one line.
same() {
	local i

	for ((i = 0; i < $1; i++)); do echo "$2"; done | xargs
}

klp_log_start
klp_insert $T
klp_trans_gate closed
klp_trans_sleep klp_sleeper_a
A=$(klp_trans_pid klp_sleeper_a)

"$HAMMER" $NPROC "$STOP" > "$OUT" 2>&1 &
klp_trans_bg=$!
klp_wait_until "all $NPROC getpid() callers running" hammer_ready
CHILDREN=$(sed -n 's/^child \([0-9]*\)$/\1/p' "$OUT" | xargs)
klp_expect "children of klp_trans_getpid" $NPROC "$(echo $CHILDREN | wc -w)"

# Patching, held open by the sleeper in the original trans_wait().
klp_insert $P
klp_patch_exists $P || klp_fail "$P loaded without $KLP_SYSFS/$P"
klp_trans_expect_eventually "patch_state of the getpid() callers during patching" \
	"$(same $NPROC 1)" hammer_states
klp_expect "$P/transition while the sleeper is in the original" 1 "$(klp_trans_transition $P)"
klp_expect "patch_state of the sleeper" 0 "$(klp_trans_state "$A")"
klp_trans_gate open
klp_expect "what the sleeper returned" original "$(klp_trans_result klp_sleeper_a)"
klp_wait_until "done with the patching transition of $P" klp_transition_done $P
klp_expect "patch_state of the getpid() callers after patching" \
	"$(same $NPROC -1)" "$(hammer_states)"

# Unpatching, held open by a sleeper in the patched trans_wait().
klp_trans_gate closed
klp_trans_sleep klp_sleeper_b
B=$(klp_trans_pid klp_sleeper_b)
klp_trans_write 0 $KLP_SYSFS/$P/enabled
klp_trans_expect_eventually "patch_state of the getpid() callers during unpatching" \
	"$(same $NPROC 0)" hammer_states
klp_expect "$P/transition while the sleeper is in the patch" 1 "$(klp_trans_transition $P)"
klp_expect "patch_state of the sleeper" 1 "$(klp_trans_state "$B")"
klp_trans_gate open
klp_expect "what the sleeper returned" "patched by $P" "$(klp_trans_result klp_sleeper_b)"
klp_wait_until "rid of $KLP_SYSFS/$P" klp_patch_gone $P

touch "$STOP"
wait $klp_trans_bg
rc=$?
klp_trans_bg=
klp_expect "exit status of klp_trans_getpid (0: no violation)" 0 $rc
for p in $CHILDREN; do
	line=$(grep "^child $p: calls=" "$OUT")
	[ -n "$line" ] || klp_expect "report of getpid() caller $p" "a report" "none"
	klp_expect "versions seen by getpid() caller $p" original,patched,original \
		"$(echo "$line" | sed -n 's/.* results=\([^ ]*\).*/\1/p')"
	klp_expect "violations seen by getpid() caller $p" 0 \
		"$(echo "$line" | sed -n 's/.* violations=\([^ ]*\).*/\1/p')"
	for s in 0 1; do
		klp_expect "getpid() caller $p made calls checked in patch_state $s" yes \
			"$(echo "$line" | grep -qE " checked$s=[1-9]" &&
				echo yes || echo "no: $line")"
	done
done
klp_say "klp_trans_getpid output:"
sed 's/^/  /' "$OUT"

klp_remove $P
klp_remove $T

klp_trans_expect_log "% modprobe $T
% echo closed > $KLP_TRANS_DBG/gate
% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
% echo open > $KLP_TRANS_DBG/gate
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete
% echo closed > $KLP_TRANS_DBG/gate
% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
% echo open > $KLP_TRANS_DBG/gate
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete
% rmmod $P
% rmmod $T"

klp_done
