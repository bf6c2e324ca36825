#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: callbacks while an unpatching transition is held up, by a
#   kworker sleeping in the patch's own version of a function
#   (test_klp_cb_patch1 busy_hold=1, test_klp_cb_busy kicked): pre_unpatch
#   runs before the transition; a target module loaded meanwhile is still
#   patched and gets pre_patch, one unloaded meanwhile gets post_unpatch
#   only; re-enabling the patch meanwhile reverses the transition, and
#   post_patch runs again for every loaded object when it completes (no
#   pre_patch: that already ran); otherwise, once the hold ends, the
#   transition completes with post_unpatch for every loaded object.
# requires: test_klp_cb_patch1, test_klp_cb_mod_a, test_klp_cb_mod_b, test_klp_cb_busy
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup
trap klp_api_cleanup_holds EXIT

P=test_klp_cb_patch1
A=test_klp_cb_mod_a
B=test_klp_cb_mod_b
BUSY=test_klp_cb_busy
HOLD_SECS=3

# A kworker runs $P's cb_busy_work_fn() and stays there.
hold_in_patch() {
	klp_api_set_param $P busy_hold 1
	klp_api_set_param $BUSY kick 1
	klp_wait_until "seeing the kworker in $P's cb_busy_work_fn()" \
		klp_api_log_has "^$P: cb_busy_work_fn: patched version entered, hold=1$"
}

held_lines="% echo -n 1 > /sys/module/$P/parameters/busy_hold
% echo -n 1 > /sys/module/$BUSY/parameters/kick
$BUSY: kick
$P: cb_busy_work_fn: patched version entered, hold=1
% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': initializing unpatching transition
$P: pre_unpatch vmlinux
$P: pre_unpatch $BUSY [LIVE]
livepatch: '$P': starting unpatching transition"

klp_say "case 1: the patch is enabled again during the held unpatching transition"
klp_log_start
klp_insert $BUSY
klp_load $P
hold_in_patch
klp_api_set_enabled $P 0
klp_api_expect_held $P $HOLD_SECS
klp_insert $A
klp_expect "$P/transition after $A loaded" 1 "$(klp_attr $P transition)"
klp_api_set_enabled $P 1
klp_wait_until "done with the transition of $P" klp_transition_done $P
klp_expect "$P/enabled after the reversal" 1 "$(klp_attr $P enabled)"
klp_expect "$A answer after the reversal" "patched by $P" "$(klp_param $A answer)"
klp_api_set_param $P busy_hold 0
klp_wait_until "seeing the kworker leave $P's cb_busy_work_fn()" \
	klp_api_log_has "^$P: cb_busy_work_fn: patched version returns$"
klp_disable $P
klp_remove $P
klp_remove $A
klp_remove $BUSY
klp_expect_log "% modprobe $BUSY
$BUSY: init
$BUSY: cb_busy_work_fn entered, hold=0
$BUSY: cb_busy_work_fn returns
% modprobe $P
$(klp_expected_enable $P vmlinux "$BUSY [LIVE]")
$held_lines
% modprobe $A
livepatch: applying patch '$P' to loading module '$A'
$P: pre_patch $A [COMING]
$A: init
% echo 1 > $KLP_SYSFS/$P/enabled
livepatch: '$P': reversing transition from unpatching to patching
livepatch: '$P': starting patching transition
livepatch: '$P': completing patching transition
$P: post_patch vmlinux
$P: post_patch $A [LIVE]
$P: post_patch $BUSY [LIVE]
livepatch: '$P': patching complete
% echo -n 0 > /sys/module/$P/parameters/busy_hold
$P: cb_busy_work_fn: patched version returns
$(klp_expected_disable $P vmlinux "$A [LIVE]" "$BUSY [LIVE]")
% rmmod $P
% rmmod $A
$A: exit
% rmmod $BUSY
$BUSY: exit"

klp_say "case 2: modules come and go during the held unpatching transition, then the hold ends"
klp_log_start
klp_insert $BUSY
klp_load $P
hold_in_patch
klp_api_set_enabled $P 0
klp_api_expect_held $P $HOLD_SECS
klp_insert $A
klp_insert $B
klp_remove $B
klp_expect "$P/transition after $A and $B" 1 "$(klp_attr $P transition)"
klp_api_set_param $P busy_hold 0
klp_wait_until "rid of $KLP_SYSFS/$P" klp_patch_gone $P
klp_expect "$A answer once $P is gone" original "$(klp_param $A answer)"
klp_remove $P
klp_remove $A
klp_remove $BUSY
klp_expect_log "% modprobe $BUSY
$BUSY: init
$BUSY: cb_busy_work_fn entered, hold=0
$BUSY: cb_busy_work_fn returns
% modprobe $P
$(klp_expected_enable $P vmlinux "$BUSY [LIVE]")
$held_lines
% modprobe $A
livepatch: applying patch '$P' to loading module '$A'
$P: pre_patch $A [COMING]
$A: init
% modprobe $B
livepatch: applying patch '$P' to loading module '$B'
$P: pre_patch $B [COMING]
$B: init
% rmmod $B
$B: exit
livepatch: reverting patch '$P' on unloading module '$B'
$P: post_unpatch $B [GOING]
% echo -n 0 > /sys/module/$P/parameters/busy_hold
$P: cb_busy_work_fn: patched version returns
livepatch: '$P': completing unpatching transition
$P: post_unpatch vmlinux
$P: post_unpatch $A [LIVE]
$P: post_unpatch $BUSY [LIVE]
livepatch: '$P': unpatching complete
% rmmod $P
% rmmod $A
$A: exit
% rmmod $BUSY
$BUSY: exit"

klp_done
