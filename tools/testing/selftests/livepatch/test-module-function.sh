#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a patch replaces a function of a loaded module,
#   tgt_answer() of test_klp_target: its result changes while the patch is
#   enabled and comes back after it is disabled; the module object of the
#   patch reads patched=1 meanwhile.
# requires: test_klp_target, test_klp_basic
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
P=test_klp_basic

klp_log_start
klp_insert $T
original=$(klp_param $T answer)
klp_expect "$T answer before patching" original "$original"

klp_load $P
klp_expect "$T answer while $P is enabled" "patched by $P" "$(klp_param $T answer)"
klp_expect "$P/$T/patched" 1 "$(klp_attr $P $T/patched)"

klp_disable $P
klp_expect "$T answer once $P is disabled" "$original" "$(klp_param $T answer)"
klp_remove $P
klp_remove $T

klp_expect_log "% modprobe $T
$T: loaded
% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete
% echo 0 > /sys/kernel/livepatch/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete
% rmmod $P
% rmmod $T
$T: unloading"

klp_done
