#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a livepatch module with a .klp.rela section: the new
#   tgt_probe() of test_klp_rela calls test_klp_target's static
#   tgt_secret() through a relocation against the livepatch symbol
#   .klp.sym.test_klp_target.tgt_secret,0, which livepatch resolves when
#   the target is there: whether the patch loads before or after its
#   target, and again when the target is reloaded.  The raw module of the
#   kernel build, without the conversion, cannot reach the symbol.  A
#   module whose .klp.sym name is malformed is refused, and so is the
#   target while such a patch waits for it.
# requires: test_klp_target, test_klp_rela, and test_klp_rela.ko and
#   test_klp_rela_badsym.ko converted by klp_rela.py at install time
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
R=test_klp_rela
B=test_klp_rela_badsym
for m in $R $B; do
	[ -f "$KLP_DIR/$m.ko" ] ||
		klp_skip "no $KLP_DIR/$m.ko:" \
			"the kselftest Makefile makes it from \$KDIR/lib/livepatch/$m.ko"
done

klp_insert $T
secret=$(klp_param $T secret)
klp_expect "$T probe before patching" original "$(klp_param $T probe)"

klp_say "the raw $R, from the module tree"
klp_load $R
klp_expect "$T probe with the raw $R" unresolved "$(klp_param $T probe)"
klp_disable $R
klp_remove $R

klp_log_start
klp_say "$R after $T"
klp_load "$KLP_DIR/$R.ko"
klp_expect "$T probe with $R, loaded after $T" "$secret" "$(klp_param $T probe)"
klp_disable $R
klp_expect "$T probe once $R is disabled" original "$(klp_param $T probe)"
klp_remove $R
klp_remove $T

klp_say "$R before $T"
klp_load "$KLP_DIR/$R.ko"
klp_insert $T
klp_expect "$T probe, $T loaded after $R" "$secret" "$(klp_param $T probe)"
klp_remove $T
klp_insert $T
klp_expect "$T probe, $T loaded again" "$secret" "$(klp_param $T probe)"
klp_disable $R
klp_remove $R
klp_remove $T

klp_expect_log "% insmod $R.ko
$(klp_expected_enable $R)
$(klp_expected_disable $R)
% rmmod $R
% rmmod $T
$T: unloading
% insmod $R.ko
$(klp_expected_enable $R)
% modprobe $T
livepatch: applying patch '$R' to loading module '$T'
$T: loaded
% rmmod $T
$T: unloading
livepatch: reverting patch '$R' on unloading module '$T'
% modprobe $T
livepatch: applying patch '$R' to loading module '$T'
$T: loaded
$(klp_expected_disable $R)
% rmmod $R
% rmmod $T
$T: unloading"

klp_say "malformed .klp.sym name, $T loaded"
klp_insert $T
klp_load_refused EINVAL "$KLP_DIR/$B.ko"
klp_expect "$T probe after the refusal" original "$(klp_param $T probe)"
klp_remove $T

klp_say "malformed .klp.sym name, $T loaded later"
klp_load "$KLP_DIR/$B.ko"
klp_log_start
klp_load_refused EINVAL $T
klp_expect "livepatch refused $T for $B" \
	"livepatch: patch '$B' failed for module '$T', refusing to load module '$T'" \
	"$(klp_log_seen | grep "refusing to load module")"
klp_disable $B
klp_remove $B

klp_done
