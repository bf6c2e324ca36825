#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: two patches of one function stack: the newer one runs;
#   disabling it exposes the older one; disabling the older one while the
#   newer is enabled changes nothing for the shared function and restores
#   a function only the older one patched.  test_klp_layer1 patches
#   /proc/cmdline and /proc/version, test_klp_layer2 /proc/cmdline only.
#   Callbacks run for each patch in the documented order.
# requires: test_klp_layer1, test_klp_layer2
. "$(dirname "$0")/klp_common.sh"
klp_setup

L1=test_klp_layer1
L2=test_klp_layer2
cmdline=$(cat /proc/cmdline)
version=$(cat /proc/version)

klp_log_start
klp_load $L1
klp_expect "/proc/cmdline with $L1" $L1 "$(cat /proc/cmdline)"
klp_expect "/proc/version with $L1" "$L1 version" "$(cat /proc/version)"

klp_load $L2
klp_expect "/proc/cmdline with $L2 over $L1" $L2 "$(cat /proc/cmdline)"
klp_expect "/proc/version with $L2 over $L1" "$L1 version" "$(cat /proc/version)"

klp_disable $L2
klp_expect "/proc/cmdline once $L2 is disabled" $L1 "$(cat /proc/cmdline)"
klp_remove $L2

klp_load $L2
klp_expect "/proc/cmdline with $L2 back over $L1" $L2 "$(cat /proc/cmdline)"
klp_disable $L1
klp_expect "/proc/cmdline once $L1, below $L2, is disabled" $L2 "$(cat /proc/cmdline)"
klp_expect "/proc/version once $L1 is disabled" "$version" "$(cat /proc/version)"
klp_remove $L1

klp_disable $L2
klp_expect "/proc/cmdline once both are disabled" "$cmdline" "$(cat /proc/cmdline)"
klp_remove $L2

klp_expect_log "% modprobe $L1
$(klp_expected_enable $L1 vmlinux)
% modprobe $L2
$(klp_expected_enable $L2 vmlinux)
$(klp_expected_disable $L2 vmlinux)
% rmmod $L2
% modprobe $L2
$(klp_expected_enable $L2 vmlinux)
$(klp_expected_disable $L1 vmlinux)
% rmmod $L1
$(klp_expected_disable $L2 vmlinux)
% rmmod $L2"

klp_done
