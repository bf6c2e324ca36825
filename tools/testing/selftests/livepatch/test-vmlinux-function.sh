#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a patch replaces a vmlinux function, cmdline_proc_show():
#   /proc/cmdline shows the new code while the patch is enabled and the
#   old again once it is disabled; the patch module cannot be removed
#   until then; the kernel logs the patching and unpatching transitions.
# requires: test_klp_basic
. "$(dirname "$0")/klp_common.sh"
klp_setup

P=test_klp_basic
original=$(cat /proc/cmdline)

klp_log_start
klp_load $P
klp_expect "/proc/cmdline while $P is enabled" \
	"$P: patched cmdline_proc_show" "$(cat /proc/cmdline)"
klp_expect "rmmod $P while its patch is enabled is refused" refused \
	"$(rmmod $P >/dev/null 2>&1 && echo removed || echo refused)"
klp_expect "$P/enabled" 1 "$(klp_attr $P enabled)"

klp_disable $P
klp_expect "/proc/cmdline once $P is disabled" "$original" "$(cat /proc/cmdline)"
klp_remove $P
klp_expect "/proc/cmdline once $P is removed" "$original" "$(cat /proc/cmdline)"

klp_expect_log "% modprobe $P
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
% rmmod $P"

klp_done
