#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: one patch, several target modules: loaded before the patch,
#   they get their callbacks with vmlinux's, in the order of the patch's
#   objects; one loaded later gets its own pre/post_patch; one unloaded
#   while patched gets its own pre/post_unpatch and the others stay
#   patched; a target that does not hold (test_klp_cb_busy, hold=0) does
#   not delay the transition.
# requires: test_klp_cb_patch1, test_klp_cb_mod_a, test_klp_cb_mod_b, test_klp_cb_busy
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

P=test_klp_cb_patch1
A=test_klp_cb_mod_a
B=test_klp_cb_mod_b
BUSY=test_klp_cb_busy

klp_log_start
klp_insert $BUSY hold=0
klp_insert $A
klp_load $P
klp_insert $B
klp_expect "$A answer" "patched by $P" "$(klp_param $A answer)"
klp_expect "$B answer" "patched by $P" "$(klp_param $B answer)"
klp_remove $A
klp_expect "$B answer once $A is gone" "patched by $P" "$(klp_param $B answer)"
klp_expect "$P/$A/patched once $A is gone" 0 "$(klp_attr $P $A/patched)"
klp_expect "$P/$B/patched once $A is gone" 1 "$(klp_attr $P $B/patched)"
klp_disable $P
klp_expect "$B answer once $P is disabled" original "$(klp_param $B answer)"
klp_remove $P
klp_remove $B
klp_remove $BUSY
klp_expect_log "% modprobe $BUSY hold=0
$BUSY: init
$BUSY: cb_busy_work_fn entered, hold=0
$BUSY: cb_busy_work_fn returns
% modprobe $A
$A: init
% modprobe $P
$(klp_expected_enable $P vmlinux "$A [LIVE]" "$BUSY [LIVE]")
% modprobe $B
livepatch: applying patch '$P' to loading module '$B'
$P: pre_patch $B [COMING]
$P: post_patch $B [COMING]
$B: init
% rmmod $A
$A: exit
$P: pre_unpatch $A [GOING]
livepatch: reverting patch '$P' on unloading module '$A'
$P: post_unpatch $A [GOING]
$(klp_expected_disable $P vmlinux "$B [LIVE]" "$BUSY [LIVE]")
% rmmod $P
% rmmod $B
$B: exit
% rmmod $BUSY
$BUSY: exit"

klp_done
