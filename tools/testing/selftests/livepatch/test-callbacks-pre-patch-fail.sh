#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a failing pre_patch callback.  While the patch is being
#   enabled, it makes the patch module's load fail with the callback's
#   errno; the transition is cancelled ("canceling patching transition,
#   going to unpatch") and post_unpatch runs only for the objects whose
#   pre_patch succeeded.  For a module loaded later, it refuses that
#   module ("patch '%s' failed for module '%s', refusing to load module
#   '%s'"), with the callback's errno; a patch already applied to the
#   module is reverted (pre/post_unpatch); the patch itself stays enabled
#   and the module loads once the callback succeeds again.
# requires: test_klp_cb_patch1, test_klp_cb_patch2, test_klp_cb_mod_a
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

P=test_klp_cb_patch1
P2=test_klp_cb_patch2
A=test_klp_cb_mod_a
cmdline=$(cat /proc/cmdline)

klp_say "case 1: the vmlinux pre_patch fails while enabling"
klp_log_start
klp_insert $A
klp_load_refused ENODEV $P pre_patch_fail=vmlinux
klp_expect "$A answer after the refused patch" original "$(klp_param $A answer)"
klp_remove $A
klp_expect_log "% modprobe $A
$A: init
% modprobe $P pre_patch_fail=vmlinux
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
$P: pre_patch vmlinux: failing with -19
livepatch: pre-patch callback failed for object 'vmlinux'
livepatch: failed to enable patch '$P'
livepatch: '$P': canceling patching transition, going to unpatch
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete
% rmmod $A
$A: exit"

klp_say "case 2: a module's pre_patch fails while enabling, after vmlinux's succeeded"
klp_log_start
klp_insert $A
klp_load_refused EDOM $P pre_patch_fail=$A pre_patch_errno=-33
klp_expect "$A answer after the refused patch" original "$(klp_param $A answer)"
klp_expect "/proc/cmdline after the refused patch" "$cmdline" "$(cat /proc/cmdline)"
klp_remove $A
klp_expect_log "% modprobe $A
$A: init
% modprobe $P pre_patch_fail=$A pre_patch_errno=-33
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
$P: pre_patch vmlinux
$P: pre_patch $A [LIVE]: failing with -33
livepatch: pre-patch callback failed for object '$A'
livepatch: failed to enable patch '$P'
livepatch: '$P': canceling patching transition, going to unpatch
livepatch: '$P': completing unpatching transition
$P: post_unpatch vmlinux
livepatch: '$P': unpatching complete
% rmmod $A
$A: exit"

klp_say "case 3: pre_patch refuses a module loaded later"
klp_log_start
klp_load $P
klp_api_set_param $P pre_patch_fail $A
klp_load_refused ENODEV $A
klp_expect "$P/enabled after refusing $A" 1 "$(klp_attr $P enabled)"
klp_expect "$P/$A/patched after refusing $A" 0 "$(klp_attr $P $A/patched)"
klp_api_set_param $P pre_patch_fail none
klp_insert $A
klp_expect "$A answer, loaded once pre_patch succeeds" "patched by $P" "$(klp_param $A answer)"
klp_disable $P
klp_remove $P
klp_remove $A
klp_expect_log "% modprobe $P
$(klp_expected_enable $P vmlinux)
% echo -n $A > /sys/module/$P/parameters/pre_patch_fail
% modprobe $A
livepatch: applying patch '$P' to loading module '$A'
$P: pre_patch $A [COMING]: failing with -19
livepatch: pre-patch callback failed for object '$A'
livepatch: patch '$P' failed for module '$A', refusing to load module '$A'
% echo -n none > /sys/module/$P/parameters/pre_patch_fail
% modprobe $A
livepatch: applying patch '$P' to loading module '$A'
$P: pre_patch $A [COMING]
$P: post_patch $A [COMING]
$A: init
$(klp_expected_disable $P vmlinux "$A [LIVE]")
% rmmod $P
% rmmod $A
$A: exit"

klp_say "case 4: the second of two patches refuses a module loaded later"
klp_log_start
klp_load $P
klp_load $P2 pre_patch_fail=$A pre_patch_errno=-33
klp_load_refused EDOM $A
klp_disable $P2
klp_disable $P
klp_remove $P2
klp_remove $P
klp_expect_log "% modprobe $P
$(klp_expected_enable $P vmlinux)
% modprobe $P2 pre_patch_fail=$A pre_patch_errno=-33
$(klp_expected_enable $P2 vmlinux)
% modprobe $A
livepatch: applying patch '$P' to loading module '$A'
$P: pre_patch $A [COMING]
$P: post_patch $A [COMING]
livepatch: applying patch '$P2' to loading module '$A'
$P2: pre_patch $A [COMING]: failing with -33
livepatch: pre-patch callback failed for object '$A'
livepatch: patch '$P2' failed for module '$A', refusing to load module '$A'
$P: pre_unpatch $A [COMING]
livepatch: reverting patch '$P' on unloading module '$A'
$P: post_unpatch $A [COMING]
$(klp_expected_disable $P2 vmlinux)
$(klp_expected_disable $P vmlinux)
% rmmod $P2
% rmmod $P"

klp_done
