#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: atomic replace held up by a kworker sleeping in the
#   replaced patch's version of a function (test_klp_cb_patch1
#   busy_hold=1): the replacing patch's transition stays pending (a task
#   may not leave the older patch's code for the newer one while it runs
#   it); when the hold ends, it completes and the replaced patch runs none
#   of its callbacks; disabled instead, the replacing patch's transition
#   is reversed, it runs its post_unpatch callbacks and the older patch
#   stays enabled, its callbacks untouched.
# requires: test_klp_cb_patch1, test_klp_cb_patch2, test_klp_cb_busy
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup
trap klp_api_cleanup_holds EXIT

P1=test_klp_cb_patch1
P2=test_klp_cb_patch2
BUSY=test_klp_cb_busy
HOLD_SECS=3

# A kworker runs $P1's cb_busy_work_fn() and stays there.
hold_in_p1() {
	klp_api_set_param $P1 busy_hold 1
	klp_api_set_param $BUSY kick 1
	klp_wait_until "seeing the kworker in $P1's cb_busy_work_fn()" \
		klp_api_log_has "^$P1: cb_busy_work_fn: patched version entered, hold=1$"
}

start_lines="% modprobe $BUSY
$BUSY: init
$BUSY: cb_busy_work_fn entered, hold=0
$BUSY: cb_busy_work_fn returns
% modprobe $P1
$(klp_expected_enable $P1 vmlinux "$BUSY [LIVE]")
% echo -n 1 > /sys/module/$P1/parameters/busy_hold
% echo -n 1 > /sys/module/$BUSY/parameters/kick
$BUSY: kick
$P1: cb_busy_work_fn: patched version entered, hold=1
% modprobe $P2 replace=1
livepatch: enabling patch '$P2'
livepatch: '$P2': initializing patching transition
$P2: pre_patch vmlinux
$P2: pre_patch $BUSY [LIVE]
livepatch: '$P2': starting patching transition"

klp_say "case 1: the hold ends, the replace completes"
klp_log_start
klp_insert $BUSY
klp_load $P1
hold_in_p1
klp_insert $P2 replace=1
klp_api_expect_held $P2 $HOLD_SECS
klp_expect "$P1/enabled while $P2 waits" 1 "$(klp_attr $P1 enabled)"
klp_api_set_param $P1 busy_hold 0
klp_wait_until "done with the transition of $P2" klp_transition_done $P2
klp_wait_until "rid of the replaced $P1" klp_patch_gone $P1
klp_expect "/proc/cmdline after the replace" $P2 "$(cat /proc/cmdline)"
klp_remove $P1
klp_disable $P2
klp_remove $P2
klp_remove $BUSY
klp_expect_log "$start_lines
% echo -n 0 > /sys/module/$P1/parameters/busy_hold
$P1: cb_busy_work_fn: patched version returns
livepatch: '$P2': completing patching transition
$P2: post_patch vmlinux
$P2: post_patch $BUSY [LIVE]
livepatch: '$P2': patching complete
% rmmod $P1
$(klp_expected_disable $P2 vmlinux "$BUSY [LIVE]")
% rmmod $P2
% rmmod $BUSY
$BUSY: exit"

klp_say "case 2: the replacing patch is disabled while held"
klp_log_start
klp_insert $BUSY
klp_load $P1
hold_in_p1
klp_insert $P2 replace=1
klp_api_expect_held $P2 $HOLD_SECS
klp_disable $P2
klp_expect "$P1/enabled after $P2 was disabled" 1 "$(klp_attr $P1 enabled)"
klp_expect "$P1/transition after $P2 was disabled" 0 "$(klp_attr $P1 transition)"
klp_expect "/proc/cmdline after $P2 was disabled" $P1 "$(cat /proc/cmdline)"
klp_api_set_param $P1 busy_hold 0
klp_wait_until "seeing the kworker leave $P1's cb_busy_work_fn()" \
	klp_api_log_has "^$P1: cb_busy_work_fn: patched version returns$"
klp_disable $P1
klp_remove $P2
klp_remove $P1
klp_remove $BUSY
klp_expect_log "$start_lines
% echo 0 > $KLP_SYSFS/$P2/enabled
livepatch: '$P2': reversing transition from patching to unpatching
livepatch: '$P2': starting unpatching transition
livepatch: '$P2': completing unpatching transition
$P2: post_unpatch vmlinux
$P2: post_unpatch $BUSY [LIVE]
livepatch: '$P2': unpatching complete
% echo -n 0 > /sys/module/$P1/parameters/busy_hold
$P1: cb_busy_work_fn: patched version returns
$(klp_expected_disable $P1 vmlinux "$BUSY [LIVE]")
% rmmod $P2
% rmmod $P1
% rmmod $BUSY
$BUSY: exit"

klp_done
