#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: patches that are not compatible with the installed
#   patches' states are refused with EINVAL and the line "Livepatch patch
#   (%s) is not compatible with the already installed livepatches.",
#   before any callback runs: a replacing patch without the state, or
#   with a lower version, and a stacked patch with a lower version; the
#   installed patch stays as it was.  A stacked patch without the state
#   is accepted (only a replacing patch must carry every state), and
#   still sees the earlier state in its callbacks.
# requires: test_klp_state_1, test_klp_state_2
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

S1=test_klp_state_1
S2=test_klp_state_2
DATA="set up by $S1"
REFUSED="livepatch: Livepatch patch ($S2) is not compatible with the already installed livepatches."

klp_log_start
klp_load $S1 version=2
klp_load_refused EINVAL $S2 version=1
klp_load_refused EINVAL $S2 has_state=0
klp_load_refused EINVAL $S2 version=1 replace=0
klp_expect "$S1/enabled after the refusals" 1 "$(klp_attr $S1 enabled)"
klp_expect "/proc/cmdline after the refusals" $S1 "$(cat /proc/cmdline)"
klp_load $S2 has_state=0 replace=0
klp_expect "/proc/cmdline with $S2 stacked" $S2 "$(cat /proc/cmdline)"
klp_disable $S2
klp_disable $S1
klp_remove $S2
klp_remove $S1
klp_expect_log "% modprobe $S1 version=2
livepatch: enabling patch '$S1'
livepatch: '$S1': initializing patching transition
$S1: pre_patch: no earlier state
$S1: pre_patch: '$DATA'
livepatch: '$S1': starting patching transition
livepatch: '$S1': completing patching transition
$S1: post_patch: state version 2, data '$DATA'
livepatch: '$S1': patching complete
% modprobe $S2 version=1
$REFUSED
% modprobe $S2 has_state=0
$REFUSED
% modprobe $S2 version=1 replace=0
$REFUSED
% modprobe $S2 has_state=0 replace=0
livepatch: enabling patch '$S2'
livepatch: '$S2': initializing patching transition
$S2: pre_patch: earlier state version 2, data '$DATA'
$S2: pre_patch: this patch has no state
livepatch: '$S2': starting patching transition
livepatch: '$S2': completing patching transition
$S2: post_patch: state version 0, data '(none)'
livepatch: '$S2': patching complete
% echo 0 > $KLP_SYSFS/$S2/enabled
livepatch: '$S2': initializing unpatching transition
$S2: pre_unpatch: data '(none)'
livepatch: '$S2': starting unpatching transition
livepatch: '$S2': completing unpatching transition
$S2: post_unpatch: nothing to release
livepatch: '$S2': unpatching complete
% echo 0 > $KLP_SYSFS/$S1/enabled
livepatch: '$S1': initializing unpatching transition
$S1: pre_unpatch: data '$DATA'
livepatch: '$S1': starting unpatching transition
livepatch: '$S1': completing unpatching transition
$S1: post_unpatch: releasing '$DATA'
livepatch: '$S1': unpatching complete
% rmmod $S2
% rmmod $S1"

klp_done
