#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the parts of <linux/livepatch.h> that out-of-tree modules
#   use besides the fields they set: test_klp_walk builds against them,
#   counts its objects and functions with the _static walks before
#   klp_enable_patch(), walks the registered patch in post_patch, where
#   klp_func.old_func is the resolved old function, and reads
#   klp_callbacks.post_unpatch_enabled (1: its pre_patch, absent, did not
#   refuse) in pre_unpatch.
# requires: test_klp_walk
. "$(dirname "$0")/klp_common.sh"
klp_setup

W=test_klp_walk

klp_log_start
klp_load $W
klp_expect "/proc/cmdline with $W" $W "$(cat /proc/cmdline)"
klp_disable $W
klp_remove $W
klp_expect_log "% modprobe $W
$W: static walk: 1 object(s), 1 function(s)
livepatch: enabling patch '$W'
livepatch: '$W': initializing patching transition
livepatch: '$W': starting patching transition
livepatch: '$W': completing patching transition
$W: post_patch: vmlinux: cmdline_proc_show replaces cmdline_proc_show
livepatch: '$W': patching complete
% echo 0 > $KLP_SYSFS/$W/enabled
livepatch: '$W': initializing unpatching transition
$W: pre_unpatch: post_unpatch_enabled: 1
livepatch: '$W': starting unpatching transition
livepatch: '$W': completing unpatching transition
livepatch: '$W': unpatching complete
% rmmod $W"

klp_done
