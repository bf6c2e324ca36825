#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the callbacks of a patch and the kernel's livepatch lines
#   come in the documented order (Documentation/livepatch/callbacks.rst),
#   checked line for line, whether the target module is loaded before the
#   patch, after it, or goes away while patched: pre_patch runs for every
#   loaded object before the patching transition starts, post_patch after
#   it completed; pre_unpatch before the unpatching transition, post_unpatch
#   after it; a module that comes or goes while patched gets pre/post_patch
#   (state COMING) or pre/post_unpatch (state GOING) around the kernel's
#   "applying patch" / "reverting patch" line; a patch whose module is not
#   loaded runs callbacks for vmlinux only.
# requires: test_klp_cb_patch1, test_klp_cb_mod_a
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

P=test_klp_cb_patch1
A=test_klp_cb_mod_a

klp_say "case 1: the target module is loaded before the patch"
klp_log_start
klp_insert $A
klp_load $P
klp_expect "$A answer while $P is enabled" "patched by $P" "$(klp_param $A answer)"
klp_expect "$P/$A/patched" 1 "$(klp_attr $P $A/patched)"
klp_disable $P
klp_expect "$A answer once $P is disabled" original "$(klp_param $A answer)"
klp_remove $P
klp_remove $A
klp_expect_log "% modprobe $A
$A: init
% modprobe $P
$(klp_expected_enable $P vmlinux "$A [LIVE]")
$(klp_expected_disable $P vmlinux "$A [LIVE]")
% rmmod $P
% rmmod $A
$A: exit"

klp_say "case 2: the target module is loaded after the patch"
klp_log_start
klp_load $P
klp_expect "$P/$A/patched before $A loads" 0 "$(klp_attr $P $A/patched)"
klp_insert $A
klp_expect "$A answer, loaded while $P is enabled" "patched by $P" "$(klp_param $A answer)"
klp_expect "$P/$A/patched once $A loaded" 1 "$(klp_attr $P $A/patched)"
klp_disable $P
klp_remove $P
klp_remove $A
klp_expect_log "% modprobe $P
$(klp_expected_enable $P vmlinux)
% modprobe $A
livepatch: applying patch '$P' to loading module '$A'
$P: pre_patch $A [COMING]
$P: post_patch $A [COMING]
$A: init
$(klp_expected_disable $P vmlinux "$A [LIVE]")
% rmmod $P
% rmmod $A
$A: exit"

klp_say "case 3: the target module goes away while patched, and comes back"
klp_log_start
klp_insert $A
klp_load $P
klp_remove $A
klp_expect "$P/$A/patched once $A is gone" 0 "$(klp_attr $P $A/patched)"
klp_expect "$P/enabled once $A is gone" 1 "$(klp_attr $P enabled)"
klp_insert $A
klp_expect "$A answer, loaded again" "patched by $P" "$(klp_param $A answer)"
klp_remove $A
klp_disable $P
klp_remove $P
klp_expect_log "% modprobe $A
$A: init
% modprobe $P
$(klp_expected_enable $P vmlinux "$A [LIVE]")
% rmmod $A
$A: exit
$P: pre_unpatch $A [GOING]
livepatch: reverting patch '$P' on unloading module '$A'
$P: post_unpatch $A [GOING]
% modprobe $A
livepatch: applying patch '$P' to loading module '$A'
$P: pre_patch $A [COMING]
$P: post_patch $A [COMING]
$A: init
% rmmod $A
$A: exit
$P: pre_unpatch $A [GOING]
livepatch: reverting patch '$P' on unloading module '$A'
$P: post_unpatch $A [GOING]
$(klp_expected_disable $P vmlinux)
% rmmod $P"

klp_done
