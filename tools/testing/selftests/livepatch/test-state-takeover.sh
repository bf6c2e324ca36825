#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a system state handed down a chain of cumulative patches
#   (klp_state, klp_get_state(), klp_get_prev_state()): the first patch
#   finds no earlier state and sets it up; a replacing patch with the same
#   version, then one with a higher version, is accepted, finds the state
#   of the patch it replaces in its callbacks and takes its data over; the
#   replaced patch runs none of its callbacks and can be removed; the last
#   patch, disabled, finds no earlier state and releases the data that the
#   first one set up.
# requires: test_klp_state_1, test_klp_state_2, test_klp_state_3
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

S1=test_klp_state_1
S2=test_klp_state_2
S3=test_klp_state_3
DATA="set up by $S1"
cmdline=$(cat /proc/cmdline)

klp_log_start
klp_load $S1
klp_load $S2
klp_wait_until "rid of the replaced $S1" klp_patch_gone $S1
klp_expect "/proc/cmdline after $S2 replaced $S1" $S2 "$(cat /proc/cmdline)"
klp_remove $S1
klp_load $S3 version=2
klp_wait_until "rid of the replaced $S2" klp_patch_gone $S2
klp_expect "/proc/cmdline after $S3 replaced $S2" $S3 "$(cat /proc/cmdline)"
klp_remove $S2
klp_disable $S3
klp_expect "/proc/cmdline once $S3 is disabled" "$cmdline" "$(cat /proc/cmdline)"
klp_remove $S3
klp_expect_log "% modprobe $S1
livepatch: enabling patch '$S1'
livepatch: '$S1': initializing patching transition
$S1: pre_patch: no earlier state
$S1: pre_patch: '$DATA'
livepatch: '$S1': starting patching transition
livepatch: '$S1': completing patching transition
$S1: post_patch: state version 1, data '$DATA'
livepatch: '$S1': patching complete
% modprobe $S2
livepatch: enabling patch '$S2'
livepatch: '$S2': initializing patching transition
$S2: pre_patch: earlier state version 1, data '$DATA'
$S2: pre_patch: taking over '$DATA'
livepatch: '$S2': starting patching transition
livepatch: '$S2': completing patching transition
$S2: post_patch: state version 1, data '$DATA'
livepatch: '$S2': patching complete
% rmmod $S1
% modprobe $S3 version=2
livepatch: enabling patch '$S3'
livepatch: '$S3': initializing patching transition
$S3: pre_patch: earlier state version 1, data '$DATA'
$S3: pre_patch: taking over '$DATA'
livepatch: '$S3': starting patching transition
livepatch: '$S3': completing patching transition
$S3: post_patch: state version 2, data '$DATA'
livepatch: '$S3': patching complete
% rmmod $S2
% echo 0 > $KLP_SYSFS/$S3/enabled
livepatch: '$S3': initializing unpatching transition
$S3: pre_unpatch: data '$DATA'
livepatch: '$S3': starting unpatching transition
livepatch: '$S3': completing unpatching transition
$S3: post_unpatch: releasing '$DATA'
livepatch: '$S3': unpatching complete
% rmmod $S3"

klp_done
