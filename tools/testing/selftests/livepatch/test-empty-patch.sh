#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a patch whose objs array holds only its terminator is a
#   valid patch.  Plain, it enables and disables with the usual log lines
#   and a directory without objects.  With replace=1 it is the cumulative
#   patch that reverts everything: the stacked patches before it leave,
#   their modules can be removed and /proc/cmdline and /proc/version are
#   the original again.  Carrying only a klp_state, it may replace a
#   patch that owns that state, which it may not without the state.
# requires: test_klp_empty, test_klp_layer1, test_klp_layer2, test_klp_state_1
. "$(dirname "$0")/klp_common.sh"
klp_setup

E=test_klp_empty
L1=test_klp_layer1
L2=test_klp_layer2
S1=test_klp_state_1
cmdline=$(cat /proc/cmdline)
version=$(cat /proc/version)

# klp_objects PATCH: the object directories of a patch, on one line.
klp_objects() {
	find "$KLP_SYSFS/$1" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' |
		sort | tr '\n' ' ' | sed 's/ $//'
}

klp_log_start
klp_load $E
klp_expect "$E/enabled" 1 "$(klp_attr $E enabled)"
klp_expect "$E/replace" 0 "$(klp_attr $E replace)"
klp_expect "object directories of $E" "" "$(klp_objects $E)"
klp_expect "/proc/cmdline with $E" "$cmdline" "$(cat /proc/cmdline)"
klp_disable $E
klp_remove $E

klp_load $L1
klp_load $L2
klp_expect "/proc/cmdline with $L1 and $L2" $L2 "$(cat /proc/cmdline)"
klp_load $E replace=1
klp_wait_until "rid of the replaced $L1" klp_patch_gone $L1
klp_wait_until "rid of the replaced $L2" klp_patch_gone $L2
klp_expect "patches once $E replaced the others" $E "$(klp_test_patches)"
klp_expect "object directories of the replace patch $E" "" "$(klp_objects $E)"
klp_expect "/proc/cmdline with the replace patch $E" "$cmdline" "$(cat /proc/cmdline)"
klp_expect "/proc/version with the replace patch $E" "$version" "$(cat /proc/version)"
klp_remove $L1
klp_remove $L2
klp_disable $E
klp_remove $E

klp_load $S1
klp_load_refused EINVAL $E replace=1
klp_load $E replace=1 state=1
klp_wait_until "rid of the replaced $S1" klp_patch_gone $S1
klp_expect "/proc/cmdline once $E replaced $S1" "$cmdline" "$(cat /proc/cmdline)"
klp_remove $S1
klp_disable $E
klp_remove $E

klp_expect_log "% modprobe $E
$(klp_expected_enable $E)
$(klp_expected_disable $E)
% rmmod $E
% modprobe $L1
$(klp_expected_enable $L1 vmlinux)
% modprobe $L2
$(klp_expected_enable $L2 vmlinux)
% modprobe $E replace=1
$(klp_expected_enable $E)
% rmmod $L1
% rmmod $L2
$(klp_expected_disable $E)
% rmmod $E
% modprobe $S1
livepatch: enabling patch '$S1'
livepatch: '$S1': initializing patching transition
$S1: pre_patch: no earlier state
$S1: pre_patch: 'set up by $S1'
livepatch: '$S1': starting patching transition
livepatch: '$S1': completing patching transition
$S1: post_patch: state version 1, data 'set up by $S1'
livepatch: '$S1': patching complete
% modprobe $E replace=1
livepatch: Livepatch patch ($E) is not compatible with the already installed livepatches.
% modprobe $E replace=1 state=1
$(klp_expected_enable $E)
% rmmod $S1
$(klp_expected_disable $E)
% rmmod $E"

klp_done
