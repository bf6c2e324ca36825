#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: livepatch and the kernel.ftrace_enabled sysctl: while a
#   patch is enabled, ftrace cannot be turned off (EBUSY) and the patch
#   keeps working; with ftrace off, enabling a patch fails with EBUSY,
#   logs which function could not be hooked, and leaves nothing behind;
#   with ftrace back on, the same patch loads.
# requires: test_klp_basic
. "$(dirname "$0")/klp_common.sh"
klp_setup

P=test_klp_basic
cmdline=$(cat /proc/cmdline)

# set_ftrace VALUE: the errno of setting kernel.ftrace_enabled, or "ok".
set_ftrace() {
	local out

	klp_log "% sysctl kernel.ftrace_enabled=$1"
	out=$(sysctl -q kernel.ftrace_enabled="$1" 2>&1) && { echo ok; return; }
	klp_errno "$out"
}

klp_load $P
klp_expect "turning ftrace off with $P enabled" EBUSY "$(set_ftrace 0)"
klp_expect "kernel.ftrace_enabled after that" 1 "$(sysctl -n kernel.ftrace_enabled)"
klp_expect "/proc/cmdline after that" "$P: patched cmdline_proc_show" "$(cat /proc/cmdline)"
klp_disable $P
klp_remove $P

[ "$(set_ftrace 0)" = ok ] || klp_fail "cannot set kernel.ftrace_enabled=0 without patches"
klp_log_start
klp_load_refused EBUSY $P
klp_expect "/proc/cmdline after the refusal" "$cmdline" "$(cat /proc/cmdline)"
klp_expect_log "% modprobe $P
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: failed to register ftrace handler for function 'cmdline_proc_show' (-16)
livepatch: failed to patch object 'vmlinux'
livepatch: failed to enable patch '$P'
livepatch: '$P': canceling patching transition, going to unpatch
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete"

[ "$(set_ftrace 1)" = ok ] || klp_fail "cannot set kernel.ftrace_enabled=1 again"
klp_load $P
klp_expect "/proc/cmdline with ftrace back on" "$P: patched cmdline_proc_show" \
	"$(cat /proc/cmdline)"
klp_disable $P
klp_remove $P

klp_done
