#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a patch whose only object is a module may carry a
#   .klp.rela.vmlinux section, as kpatch-build and klp-convert lay out
#   the calls of its new code to static vmlinux functions: the new
#   tgt_probe() of test_klp_rela_vmlinux calls vmlinux's static
#   skip_atoi() through .klp.sym.vmlinux.skip_atoi,0, which livepatch
#   resolves while the patch module loads, though the patch has no
#   vmlinux object.  The patch loads before or after test_klp_target,
#   its new code runs while it is enabled, and the target's own code once
#   it is disabled.
# requires: test_klp_target, and test_klp_rela_vmlinux.ko converted by
#   klp_rela.py at install time
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
P=test_klp_rela_vmlinux
NEW="vmlinux skip_atoi() read 6120"

[ -f "$KLP_DIR/$P.ko" ] ||
	klp_skip "no $KLP_DIR/$P.ko:" \
		"the kselftest Makefile makes it from \$KDIR/lib/livepatch/$P.ko"

klp_insert $T
klp_expect "$T probe before patching" original "$(klp_param $T probe)"

klp_log_start
klp_say "$P after $T"
klp_load "$KLP_DIR/$P.ko"
klp_expect "$T probe with $P" "$NEW" "$(klp_param $T probe)"
klp_disable $P
klp_expect "$T probe once $P is disabled" original "$(klp_param $T probe)"
klp_remove $P
klp_remove $T

klp_say "$P before $T"
klp_load "$KLP_DIR/$P.ko"
klp_insert $T
klp_expect "$T probe, $T loaded after $P" "$NEW" "$(klp_param $T probe)"
klp_disable $P
klp_expect "$T probe once $P is disabled" original "$(klp_param $T probe)"
klp_remove $P
klp_remove $T

klp_expect_log "% insmod $P.ko
$(klp_expected_enable $P)
$(klp_expected_disable $P)
% rmmod $P
% rmmod $T
$T: unloading
% insmod $P.ko
$(klp_expected_enable $P)
% modprobe $T
livepatch: applying patch '$P' to loading module '$T'
$T: loaded
$(klp_expected_disable $P)
% rmmod $P
% rmmod $T
$T: unloading"

klp_done
