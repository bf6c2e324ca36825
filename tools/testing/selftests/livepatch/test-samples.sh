#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: this tree's samples/livepatch modules, as installed with
#   the kernel (CONFIG_SAMPLE_LIVEPATCH=m), load, do what the comment at
#   the top of each source file says, and unload:
#   livepatch-sample changes /proc/cmdline and taints the kernel 'K';
#   livepatch-callbacks-demo runs its callbacks in the order its tour
#   describes, with livepatch-callbacks-mod and -busymod coming and going,
#   a transition held by busymod that completes once busymod_work_fn()
#   returns (or reverses when the patch is disabled), and pre_patch_ret
#   refusing the patch or a target module; livepatch-shadow-fix1 keeps the
#   notes that livepatch-shadow-mod leaks, fix2 replaces fix1 and takes
#   its shadow variables over, and each frees what is left when disabled.
# requires: this tree's samples (modinfo livepatch-sample shows their
#   description); with upstream 6.12's samples (the reference kernel
#   builds the base's samples/livepatch) the test is skipped:
#   harness/upstream-samples.sh checks those.
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

OUR_DESC="Live patch sample: replaces /proc/cmdline's show function"
desc=$(modinfo -F description livepatch-sample 2>/dev/null) ||
	klp_skip "no livepatch-sample module for $(uname -r): CONFIG_SAMPLE_LIVEPATCH=m is needed"
[ "$desc" = "$OUR_DESC" ] ||
	klp_skip "the installed samples/livepatch modules are not this tree's" \
		"(modinfo livepatch-sample: description '$desc'):" \
		"upstream 6.12's samples are checked by harness/upstream-samples.sh"

SAMPLE=livepatch_sample
DEMO=livepatch_callbacks_demo
MOD=livepatch_callbacks_mod
BUSYMOD=livepatch_callbacks_busymod
SHMOD=livepatch_shadow_mod
FIX1=livepatch_shadow_fix1
FIX2=livepatch_shadow_fix2

# Samples left behind by a failure: patches first, then the rest.
samples_cleanup() {
	local p m i

	for p in "$KLP_SYSFS"/livepatch_*; do
		[ -d "$p" ] || continue
		[ "$(cat "$p/transition" 2>/dev/null)" = 1 ] && echo 1 > "$p/force" 2>/dev/null
		echo 0 > "$p/enabled" 2>/dev/null
	done
	for ((i = 0; i < KLP_WAIT_SECS * 10; i++)); do
		compgen -G "$KLP_SYSFS/livepatch_*" >/dev/null || break
		sleep 0.1
	done
	for m in $DEMO $FIX2 $FIX1 $SAMPLE $MOD $BUSYMOD $SHMOD; do
		klp_is_loaded $m && rmmod $m 2>/dev/null
	done
	klp_cleanup
}
trap samples_cleanup EXIT

# The samples' lines and ours since klp_log_start (klp_log_seen keeps only
# test_klp ones).
samples_log_seen() {
	klp_api_log_since_start | grep -E 'livepatch|^% ' | grep -vE 'taint(s|ing) kernel' || true
}

samples_expect_log() {
	klp_expect "kernel log since the start of the case" "$1" "$(samples_log_seen)"
}

# samples_wait_log REGEX: until a line since klp_log_start matches.
samples_wait_log() {
	klp_wait_until "seeing /$1/ in the kernel log" klp_api_log_has "$1"
}

# The callbacks demo's line: "<callback padded to 12> <object> (<state>)".
demo() {
	local state

	case "$3" in
	none) state="no module" ;;
	LIVE) state="LIVE: loaded and running" ;;
	COMING) state="COMING: being loaded, init not run yet" ;;
	GOING) state="GOING: being unloaded, exit already run" ;;
	esac
	printf '%s: %-12s %s (%s)\n' $DEMO "$1" "$2" "$state"
}

# ---- livepatch-sample ----

klp_say "livepatch-sample"
cmdline=$(cat /proc/cmdline)
klp_log_start
klp_load $SAMPLE
klp_expect "/proc/cmdline while $SAMPLE is enabled" \
	"this has been live patched by $SAMPLE" "$(cat /proc/cmdline)"
klp_expect "/proc/self/patch_state after the transition" -1 "$(cat /proc/self/patch_state)"
klp_expect "kernel tainted K (TAINT_LIVEPATCH, bit 15)" 1 \
	$(( ($(cat /proc/sys/kernel/tainted) >> 15) & 1 ))
klp_expect "rmmod $SAMPLE while enabled" refused \
	"$(rmmod $SAMPLE >/dev/null 2>&1 && echo removed || echo refused)"
klp_disable $SAMPLE
klp_remove $SAMPLE
klp_expect "/proc/cmdline once $SAMPLE is removed" "$cmdline" "$(cat /proc/cmdline)"
samples_expect_log "% modprobe $SAMPLE
livepatch: enabling patch '$SAMPLE'
livepatch: '$SAMPLE': initializing patching transition
livepatch: '$SAMPLE': starting patching transition
livepatch: '$SAMPLE': completing patching transition
livepatch: '$SAMPLE': patching complete
% echo 0 > $KLP_SYSFS/$SAMPLE/enabled
livepatch: '$SAMPLE': initializing unpatching transition
livepatch: '$SAMPLE': starting unpatching transition
livepatch: '$SAMPLE': completing unpatching transition
livepatch: '$SAMPLE': unpatching complete
% rmmod $SAMPLE"

# ---- livepatch-callbacks-demo, steps 1 to 3 of its tour ----

klp_say "livepatch-callbacks-demo: targets loaded before and after the patch"
klp_log_start
klp_insert $MOD
klp_load $DEMO
klp_insert $BUSYMOD
samples_wait_log "$DEMO: busymod_work_fn: patched version, never sleeps"
klp_remove $BUSYMOD
klp_disable $DEMO
klp_remove $DEMO
klp_remove $MOD
samples_expect_log "% modprobe $MOD
$MOD: loaded
% modprobe $DEMO
livepatch: enabling patch '$DEMO'
livepatch: '$DEMO': initializing patching transition
$(demo pre_patch vmlinux none)
$(demo pre_patch $MOD LIVE)
livepatch: '$DEMO': starting patching transition
livepatch: '$DEMO': completing patching transition
$(demo post_patch vmlinux none)
$(demo post_patch $MOD LIVE)
livepatch: '$DEMO': patching complete
% modprobe $BUSYMOD
livepatch: applying patch '$DEMO' to loading module '$BUSYMOD'
$(demo pre_patch $BUSYMOD COMING)
$(demo post_patch $BUSYMOD COMING)
$BUSYMOD: loaded
$DEMO: busymod_work_fn: patched version, never sleeps
% rmmod $BUSYMOD
$BUSYMOD: unloaded
$(demo pre_unpatch $BUSYMOD GOING)
livepatch: reverting patch '$DEMO' on unloading module '$BUSYMOD'
$(demo post_unpatch $BUSYMOD GOING)
% echo 0 > $KLP_SYSFS/$DEMO/enabled
livepatch: '$DEMO': initializing unpatching transition
$(demo pre_unpatch vmlinux none)
$(demo pre_unpatch $MOD LIVE)
livepatch: '$DEMO': starting unpatching transition
livepatch: '$DEMO': completing unpatching transition
$(demo post_unpatch vmlinux none)
$(demo post_unpatch $MOD LIVE)
livepatch: '$DEMO': unpatching complete
% rmmod $DEMO
% rmmod $MOD
$MOD: unloaded"

# ---- step 4: a transition held by busymod ----

BUSY_SECS=8
klp_say "livepatch-callbacks-demo: busymod holds the transition for ${BUSY_SECS}s"
klp_log_start
klp_insert $BUSYMOD block_transition=1 busy_seconds=$BUSY_SECS
samples_wait_log "$BUSYMOD: busymod_work_fn: unpatched version, sleeping"
klp_insert $DEMO
klp_expect "$DEMO/transition while busymod_work_fn() sleeps" 1 "$(klp_attr $DEMO transition)"
if [ -r /sys/kernel/debug/livepatch/pending ]; then
	pending=/sys/kernel/debug/livepatch/pending
	klp_expect "a kworker in $pending, waiting for busymod_work_fn" yes \
		"$(grep -q ' kworker/.* busymod_work_fn$' $pending && echo yes || cat $pending)"
fi
klp_wait_until "done with the transition of $DEMO" klp_transition_done $DEMO
klp_disable $DEMO
klp_remove $DEMO
klp_remove $BUSYMOD
samples_expect_log "% modprobe $BUSYMOD block_transition=1 busy_seconds=$BUSY_SECS
$BUSYMOD: loaded
$BUSYMOD: busymod_work_fn: unpatched version, sleeping
% modprobe $DEMO
livepatch: enabling patch '$DEMO'
livepatch: '$DEMO': initializing patching transition
$(demo pre_patch vmlinux none)
$(demo pre_patch $BUSYMOD LIVE)
livepatch: '$DEMO': starting patching transition
$BUSYMOD: busymod_work_fn: woke up after $BUSY_SECS s
$BUSYMOD: busymod_work_fn: returns
livepatch: '$DEMO': completing patching transition
$(demo post_patch vmlinux none)
$(demo post_patch $BUSYMOD LIVE)
livepatch: '$DEMO': patching complete
% echo 0 > $KLP_SYSFS/$DEMO/enabled
livepatch: '$DEMO': initializing unpatching transition
$(demo pre_unpatch vmlinux none)
$(demo pre_unpatch $BUSYMOD LIVE)
livepatch: '$DEMO': starting unpatching transition
livepatch: '$DEMO': completing unpatching transition
$(demo post_unpatch vmlinux none)
$(demo post_unpatch $BUSYMOD LIVE)
livepatch: '$DEMO': unpatching complete
% rmmod $DEMO
% rmmod $BUSYMOD
$BUSYMOD: unloaded"

klp_say "livepatch-callbacks-demo: disabled while busymod holds the transition"
klp_log_start
klp_insert $BUSYMOD block_transition=1 busy_seconds=600
samples_wait_log "$BUSYMOD: busymod_work_fn: unpatched version, sleeping"
klp_insert $DEMO
klp_expect "$DEMO/transition while busymod_work_fn() sleeps" 1 "$(klp_attr $DEMO transition)"
klp_disable $DEMO
klp_remove $DEMO
klp_remove $BUSYMOD
samples_expect_log "% modprobe $BUSYMOD block_transition=1 busy_seconds=600
$BUSYMOD: loaded
$BUSYMOD: busymod_work_fn: unpatched version, sleeping
% modprobe $DEMO
livepatch: enabling patch '$DEMO'
livepatch: '$DEMO': initializing patching transition
$(demo pre_patch vmlinux none)
$(demo pre_patch $BUSYMOD LIVE)
livepatch: '$DEMO': starting patching transition
% echo 0 > $KLP_SYSFS/$DEMO/enabled
livepatch: '$DEMO': reversing transition from patching to unpatching
livepatch: '$DEMO': starting unpatching transition
livepatch: '$DEMO': completing unpatching transition
$(demo post_unpatch vmlinux none)
$(demo post_unpatch $BUSYMOD LIVE)
livepatch: '$DEMO': unpatching complete
% rmmod $DEMO
% rmmod $BUSYMOD
$BUSYMOD: busymod_work_fn: returns
$BUSYMOD: unloaded"

# ---- step 5: a refusing pre_patch ----

klp_say "livepatch-callbacks-demo: pre_patch_ret refuses the patch, then a target module"
klp_log_start
klp_load_refused ENODEV $DEMO pre_patch_ret=-19
klp_load $DEMO
klp_api_set_param $DEMO pre_patch_ret -19
klp_load_refused ENODEV $MOD
klp_api_set_param $DEMO pre_patch_ret 0
klp_disable $DEMO
klp_remove $DEMO
samples_expect_log "% modprobe $DEMO pre_patch_ret=-19
livepatch: enabling patch '$DEMO'
livepatch: '$DEMO': initializing patching transition
$(demo pre_patch vmlinux none)
$DEMO: pre_patch    returning -19
livepatch: pre-patch callback failed for object 'vmlinux'
livepatch: failed to enable patch '$DEMO'
livepatch: '$DEMO': canceling patching transition, going to unpatch
livepatch: '$DEMO': completing unpatching transition
livepatch: '$DEMO': unpatching complete
% modprobe $DEMO
livepatch: enabling patch '$DEMO'
livepatch: '$DEMO': initializing patching transition
$(demo pre_patch vmlinux none)
livepatch: '$DEMO': starting patching transition
livepatch: '$DEMO': completing patching transition
$(demo post_patch vmlinux none)
livepatch: '$DEMO': patching complete
% echo -n -19 > /sys/module/$DEMO/parameters/pre_patch_ret
% modprobe $MOD
livepatch: applying patch '$DEMO' to loading module '$MOD'
$(demo pre_patch $MOD COMING)
$DEMO: pre_patch    returning -19
livepatch: pre-patch callback failed for object '$MOD'
livepatch: patch '$DEMO' failed for module '$MOD', refusing to load module '$MOD'
% echo -n 0 > /sys/module/$DEMO/parameters/pre_patch_ret
% echo 0 > $KLP_SYSFS/$DEMO/enabled
livepatch: '$DEMO': initializing unpatching transition
$(demo pre_unpatch vmlinux none)
livepatch: '$DEMO': starting unpatching transition
livepatch: '$DEMO': completing unpatching transition
$(demo post_unpatch vmlinux none)
livepatch: '$DEMO': unpatching complete
% rmmod $DEMO"

# ---- livepatch-shadow-mod, -fix1, -fix2 ----

HEX='[0-9a-f]{8}'
klp_say "livepatch-shadow-mod leaks a note per reading"
klp_log_start
klp_insert $SHMOD
samples_wait_log "^$SHMOD: new reading $HEX, its note leaks$"
samples_wait_log "^$SHMOD: freed reading $HEX$"

klp_say "livepatch-shadow-fix1 keeps the notes in shadow variables"
klp_load $FIX1
samples_wait_log "^$FIX1: new reading $HEX, note kept in a shadow variable$"
kept=$(klp_api_log_since_start |
	sed -nE "s/^$FIX1: new reading ($HEX), note kept in a shadow variable$/\1/p" | head -n1)
samples_wait_log "^$FIX1: freed reading $kept, note: lifetime [0-9]+ ms$"
samples_wait_log "^$FIX1: freed reading $HEX, made before the fix: its note was lost$"

klp_say "livepatch-shadow-fix2 replaces fix1 and takes its notes over"
klp_load $FIX2
klp_wait_until "rid of the replaced $FIX1" klp_patch_gone $FIX1
# The readings fix1 made and did not free: alive when fix2 took over.
fix1_made=$(klp_api_log_since_start | sed -nE "s/^$FIX1: new reading ($HEX), note kept.*/\1/p")
fix1_freed=$(klp_api_log_since_start | sed -nE "s/^$FIX1: freed reading ($HEX), note:.*/\1/p")
klp_expect "patches in sysfs after fix2 replaced fix1" $FIX2 \
	"$(ls $KLP_SYSFS | tr '\n' ' ' | sed 's/ $//')"
klp_remove $FIX1
samples_wait_log "^$FIX2: taking over the notes of an earlier patch$"
alive=$(comm -23 <(echo "$fix1_made" | sort) <(echo "$fix1_freed" | sort) |
	grep . | tr '\n' '|' | sed 's/|$//')
klp_expect "readings made under fix1 still alive when fix2 came" yes \
	"$([ -n "$alive" ] && echo yes || echo none)"
samples_wait_log "^$FIX2: freed reading ($alive), note: lifetime [0-9]+ ms, expiry checks: [0-9]+$"
samples_wait_log "^$FIX2: new reading $HEX, note kept in a shadow variable$"
klp_expect "fix1's post_unpatch did not run (it was replaced)" no \
	"$(klp_api_log_has "^$FIX1: freed the notes" && echo yes || echo no)"
klp_disable $FIX2
samples_wait_log "^$FIX2: freed the shadow variables of the remaining readings$"
klp_remove $FIX2

klp_say "livepatch-shadow-fix1, disabled, frees the notes of the remaining readings"
klp_log_start
klp_load $FIX1
samples_wait_log "^$FIX1: new reading $HEX, note kept in a shadow variable$"
klp_disable $FIX1
samples_wait_log "^$FIX1: freed the notes of the remaining readings$"
klp_remove $FIX1
if [ -w "$KLP_KMEMLEAK" ]; then
	# A debug kernel: kmemleak may find the notes livepatch-shadow-mod
	# leaked before fix1 came (a stale copy of a pointer on a stack
	# hides one), and nothing else of the samples'.  Both
	# scans while the module is there, so that its frames have names;
	# the second one, past kmemleak's minimum age (5 s), also catches
	# what a reference still in flight hid from the first.  Then
	# "clear": a later test is not blamed for them.
	echo scan > "$KLP_KMEMLEAK"
	sleep 6
	echo scan > "$KLP_KMEMLEAK"
	notes=$(klp_kmemleak_ours $SHMOD | grep -c '^unreferenced object')
	klp_say "kmemleak: $notes note(s) that $SHMOD leaked on purpose"
	klp_expect "unreferenced objects of the samples but $SHMOD's notes" "" \
		"$(klp_kmemleak_ours)"
	echo clear > "$KLP_KMEMLEAK"
fi
klp_remove $SHMOD
klp_api_expect_no_reports

klp_done
