#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: atomic replace and callbacks: the replacing patch runs its
#   pre/post_patch callbacks; the replaced patch runs none of its
#   callbacks, neither when it is replaced nor when its module is removed;
#   its sysfs directory goes and its module can be removed; a target
#   module loaded afterwards gets only the new patch; disabling the new
#   patch runs its unpatch callbacks and brings back the original code.
# requires: test_klp_cb_patch1, test_klp_cb_patch2, test_klp_cb_mod_a, test_klp_cb_mod_b
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

P1=test_klp_cb_patch1
P2=test_klp_cb_patch2
A=test_klp_cb_mod_a
B=test_klp_cb_mod_b
cmdline=$(cat /proc/cmdline)

klp_log_start
klp_insert $A
klp_load $P1
klp_load $P2 replace=1
klp_wait_until "rid of the replaced $P1" klp_patch_gone $P1
klp_expect "$P2/replace" 1 "$(klp_attr $P2 replace)"
klp_expect "/proc/cmdline after the replace" $P2 "$(cat /proc/cmdline)"
klp_expect "$A answer after the replace" "patched by $P2" "$(klp_param $A answer)"
klp_insert $B
klp_expect "$B answer, loaded after the replace" "patched by $P2" "$(klp_param $B answer)"
klp_remove $P1
klp_disable $P2
klp_expect "/proc/cmdline once $P2 is disabled" "$cmdline" "$(cat /proc/cmdline)"
klp_expect "$A answer once $P2 is disabled" original "$(klp_param $A answer)"
klp_remove $P2
klp_remove $A
klp_remove $B
klp_expect_log "% modprobe $A
$A: init
% modprobe $P1
$(klp_expected_enable $P1 vmlinux "$A [LIVE]")
% modprobe $P2 replace=1
$(klp_expected_enable $P2 vmlinux "$A [LIVE]")
% modprobe $B
livepatch: applying patch '$P2' to loading module '$B'
$P2: pre_patch $B [COMING]
$P2: post_patch $B [COMING]
$B: init
% rmmod $P1
$(klp_expected_disable $P2 vmlinux "$A [LIVE]" "$B [LIVE]")
% rmmod $P2
% rmmod $A
$A: exit
% rmmod $B
$B: exit"

klp_done
