#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: atomic replace: of three stacked patches, the third has
#   replace=true.  Once it is enabled the other two leave sysfs without
#   running any unpatch callback, their modules can be removed, the shared
#   function runs the third patch's code and a function only the first
#   patch changed (/proc/version) is back to the original.  Disabling the
#   replace patch then restores everything, with its own callbacks.
# requires: test_klp_layer1, test_klp_layer2, test_klp_layer3
. "$(dirname "$0")/klp_common.sh"
klp_setup

L1=test_klp_layer1
L2=test_klp_layer2
L3=test_klp_layer3
cmdline=$(cat /proc/cmdline)
version=$(cat /proc/version)

klp_log_start
klp_load $L1
klp_load $L2
klp_expect "replace of $L1 and $L2" "0 0" "$(klp_attr $L1 replace) $(klp_attr $L2 replace)"
klp_expect "/proc/version before the replace" "$L1 version" "$(cat /proc/version)"

klp_load $L3 replace=1
klp_wait_until "rid of the replaced $L1" klp_patch_gone $L1
klp_wait_until "rid of the replaced $L2" klp_patch_gone $L2
klp_expect "patches in $KLP_SYSFS" $L3 \
	"$(klp_test_patches)"
klp_expect "$L3/replace" 1 "$(klp_attr $L3 replace)"
klp_expect "$L3/enabled" 1 "$(klp_attr $L3 enabled)"
klp_expect "/proc/cmdline with $L3" $L3 "$(cat /proc/cmdline)"
klp_expect "/proc/version, patched by $L1 only" "$version" "$(cat /proc/version)"

klp_remove $L1
klp_remove $L2
klp_expect "/proc/cmdline once $L1 and $L2 are removed" $L3 "$(cat /proc/cmdline)"

klp_disable $L3
klp_expect "/proc/cmdline once $L3 is disabled" "$cmdline" "$(cat /proc/cmdline)"
klp_expect "/proc/version once $L3 is disabled" "$version" "$(cat /proc/version)"
klp_remove $L3

klp_expect_log "% modprobe $L1
$(klp_expected_enable $L1 vmlinux)
% modprobe $L2
$(klp_expected_enable $L2 vmlinux)
% modprobe $L3 replace=1
$(klp_expected_enable $L3 vmlinux)
% rmmod $L1
% rmmod $L2
$(klp_expected_disable $L3 vmlinux)
% rmmod $L3"

klp_done
