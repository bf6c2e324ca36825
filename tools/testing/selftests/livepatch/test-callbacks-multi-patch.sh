#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: two patches stacked (no replace), each with its callbacks:
#   each runs its own callbacks when it is enabled or disabled; a module
#   loaded while both are enabled gets the patches applied in the order
#   they were enabled, each with its pre/post_patch, and the newest wins;
#   when it goes, each patch is reverted from it in the same order with
#   its pre/post_unpatch; disabling the older patch leaves the newer one
#   in effect.
# requires: test_klp_cb_patch1, test_klp_cb_patch2, test_klp_cb_mod_a
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

P1=test_klp_cb_patch1
P2=test_klp_cb_patch2
A=test_klp_cb_mod_a
cmdline=$(cat /proc/cmdline)

klp_log_start
klp_load $P1
klp_load $P2
klp_expect "/proc/cmdline with both patches" $P2 "$(cat /proc/cmdline)"
klp_insert $A
klp_expect "$A answer with both patches" "patched by $P2" "$(klp_param $A answer)"
klp_remove $A
klp_disable $P1
klp_expect "/proc/cmdline once $P1 is disabled" $P2 "$(cat /proc/cmdline)"
klp_disable $P2
klp_expect "/proc/cmdline once both are disabled" "$cmdline" "$(cat /proc/cmdline)"
klp_remove $P1
klp_remove $P2
klp_expect_log "% modprobe $P1
$(klp_expected_enable $P1 vmlinux)
% modprobe $P2
$(klp_expected_enable $P2 vmlinux)
% modprobe $A
livepatch: applying patch '$P1' to loading module '$A'
$P1: pre_patch $A [COMING]
$P1: post_patch $A [COMING]
livepatch: applying patch '$P2' to loading module '$A'
$P2: pre_patch $A [COMING]
$P2: post_patch $A [COMING]
$A: init
% rmmod $A
$A: exit
$P1: pre_unpatch $A [GOING]
livepatch: reverting patch '$P1' on unloading module '$A'
$P1: post_unpatch $A [GOING]
$P2: pre_unpatch $A [GOING]
livepatch: reverting patch '$P2' on unloading module '$A'
$P2: post_unpatch $A [GOING]
$(klp_expected_disable $P1 vmlinux)
$(klp_expected_disable $P2 vmlinux)
% rmmod $P1
% rmmod $P2"

klp_done
