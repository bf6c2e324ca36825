#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a system state shared by stacked patches: a patch stacked
#   (no replace) on another with a higher version of the state is
#   accepted and takes the state's data over (klp_get_prev_state() in
#   pre/post_patch); disabled, it finds the earlier patch's state again
#   (klp_get_prev_state() in post_unpatch) and hands the data back; the
#   earlier patch, disabled last, releases it.
# requires: test_klp_state_1, test_klp_state_2
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

S1=test_klp_state_1
S2=test_klp_state_2
DATA="set up by $S1"

klp_log_start
klp_load $S1 replace=0
klp_load $S2 version=2 replace=0
klp_expect "patches in sysfs" "$S1 $S2" "$(klp_test_patches)"
klp_disable $S2
klp_expect "/proc/cmdline once $S2 is disabled" $S1 "$(cat /proc/cmdline)"
klp_disable $S1
klp_remove $S2
klp_remove $S1
klp_expect_log "% modprobe $S1 replace=0
livepatch: enabling patch '$S1'
livepatch: '$S1': initializing patching transition
$S1: pre_patch: no earlier state
$S1: pre_patch: '$DATA'
livepatch: '$S1': starting patching transition
livepatch: '$S1': completing patching transition
$S1: post_patch: state version 1, data '$DATA'
livepatch: '$S1': patching complete
% modprobe $S2 version=2 replace=0
livepatch: enabling patch '$S2'
livepatch: '$S2': initializing patching transition
$S2: pre_patch: earlier state version 1, data '$DATA'
$S2: pre_patch: taking over '$DATA'
livepatch: '$S2': starting patching transition
livepatch: '$S2': completing patching transition
$S2: post_patch: state version 2, data '$DATA'
livepatch: '$S2': patching complete
% echo 0 > $KLP_SYSFS/$S2/enabled
livepatch: '$S2': initializing unpatching transition
$S2: pre_unpatch: data '$DATA'
livepatch: '$S2': starting unpatching transition
livepatch: '$S2': completing unpatching transition
$S2: post_unpatch: handing '$DATA' back to the earlier patch (version 1)
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
