#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: callbacks while a patching transition is held up by a
#   target module whose patched function sleeps (test_klp_cb_busy,
#   hold=1): the transition stays pending; a target module loaded
#   meanwhile gets pre_patch at once but post_patch only when the
#   transition completes, with every other object; one unloaded
#   meanwhile gets no pre_unpatch (its post_patch never ran) but
#   post_unpatch; disabling the patch meanwhile reverses the transition,
#   which runs no pre_unpatch at all, and post_unpatch for the objects
#   whose pre_patch ran.
# requires: test_klp_cb_patch1, test_klp_cb_mod_a, test_klp_cb_busy
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

P=test_klp_cb_patch1
A=test_klp_cb_mod_a
BUSY=test_klp_cb_busy
HOLD_SECS=3

klp_say "case 1: a module loaded during the held transition, then the hold ends"
klp_log_start
klp_insert $BUSY hold=1
klp_insert $P
klp_api_expect_held $P $HOLD_SECS
klp_insert $A
klp_expect "$P/transition after $A loaded" 1 "$(klp_attr $P transition)"
klp_api_set_param $BUSY hold 0
klp_wait_until "done with the transition of $P" klp_transition_done $P
klp_expect "$A answer once the transition completed" "patched by $P" "$(klp_param $A answer)"
klp_disable $P
klp_remove $P
klp_remove $A
klp_remove $BUSY
klp_expect_log "% modprobe $BUSY hold=1
$BUSY: init
$BUSY: cb_busy_work_fn entered, hold=1
% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
$P: pre_patch vmlinux
$P: pre_patch $BUSY [LIVE]
livepatch: '$P': starting patching transition
% modprobe $A
livepatch: applying patch '$P' to loading module '$A'
$P: pre_patch $A [COMING]
$A: init
% echo -n 0 > /sys/module/$BUSY/parameters/hold
$BUSY: cb_busy_work_fn returns
livepatch: '$P': completing patching transition
$P: post_patch vmlinux
$P: post_patch $A [LIVE]
$P: post_patch $BUSY [LIVE]
livepatch: '$P': patching complete
$(klp_expected_disable $P vmlinux "$A [LIVE]" "$BUSY [LIVE]")
% rmmod $P
% rmmod $A
$A: exit
% rmmod $BUSY
$BUSY: exit"

klp_say "case 2: a module loaded and unloaded during the held transition," \
	"then the patch is disabled"
klp_log_start
klp_insert $BUSY hold=1
klp_insert $P
klp_api_expect_held $P $HOLD_SECS
klp_insert $A
klp_remove $A
klp_expect "$P/transition after $A came and went" 1 "$(klp_attr $P transition)"
klp_disable $P
klp_remove $P
klp_remove $BUSY
klp_expect_log "% modprobe $BUSY hold=1
$BUSY: init
$BUSY: cb_busy_work_fn entered, hold=1
% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
$P: pre_patch vmlinux
$P: pre_patch $BUSY [LIVE]
livepatch: '$P': starting patching transition
% modprobe $A
livepatch: applying patch '$P' to loading module '$A'
$P: pre_patch $A [COMING]
$A: init
% rmmod $A
$A: exit
livepatch: reverting patch '$P' on unloading module '$A'
$P: post_unpatch $A [GOING]
% echo 0 > $KLP_SYSFS/$P/enabled
livepatch: '$P': reversing transition from patching to unpatching
livepatch: '$P': starting unpatching transition
livepatch: '$P': completing unpatching transition
$P: post_unpatch vmlinux
$P: post_unpatch $BUSY [LIVE]
livepatch: '$P': unpatching complete
% rmmod $P
% rmmod $BUSY
$BUSY: cb_busy_work_fn returns
$BUSY: exit"

klp_done
