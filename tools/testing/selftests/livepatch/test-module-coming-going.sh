#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a patch for a module that is not loaded yet: the patch is
#   applied when the module loads (and logged as such), reverted when it
#   unloads, applied again when it comes back; the module object's
#   "patched" says which.  Disabling the patch then restores the module's
#   own code without unloading it.
# requires: test_klp_target, test_klp_basic
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
P=test_klp_basic

klp_log_start
klp_load $P
klp_expect "$P/$T/patched while $T is not loaded" 0 "$(klp_attr $P $T/patched)"

klp_insert $T
klp_expect "$T answer, loaded after $P" "patched by $P" "$(klp_param $T answer)"
klp_expect "$P/$T/patched once $T is loaded" 1 "$(klp_attr $P $T/patched)"

klp_remove $T
klp_expect "$P/$T/patched once $T is removed" 0 "$(klp_attr $P $T/patched)"

klp_insert $T
klp_expect "$T answer, loaded again" "patched by $P" "$(klp_param $T answer)"
klp_expect "$P/$T/patched once $T is back" 1 "$(klp_attr $P $T/patched)"

klp_disable $P
klp_expect "$T answer once $P is disabled" original "$(klp_param $T answer)"
klp_remove $P
klp_remove $T

klp_expect_log "% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete
% modprobe $T
livepatch: applying patch '$P' to loading module '$T'
$T: loaded
% rmmod $T
$T: unloading
livepatch: reverting patch '$P' on unloading module '$T'
% modprobe $T
livepatch: applying patch '$P' to loading module '$T'
$T: loaded
% echo 0 > /sys/kernel/livepatch/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete
% rmmod $P
% rmmod $T
$T: unloading"

klp_done
