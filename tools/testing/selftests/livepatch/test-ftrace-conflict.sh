#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a function whose ftrace location another user already
#   redirects (a kprobe with a post handler: FTRACE_OPS_FL_IPMODIFY) cannot
#   be patched.  A patch of vmlinux and of that module function is
#   refused with EBUSY, and the log names that function and its object,
#   whether or not another patch is enabled at the time; nothing is left
#   and the other patch keeps working.  Once the kprobe is gone the patch
#   loads.  Two names of one function (an alias) patched together share
#   one location; with ftrace off, such a patch is refused and leaves no
#   location allocated.
# requires: test_klp_target, test_klp_basic, test_klp_kprobe (CONFIG_KPROBES),
#   test_klp_alias, test_klp_layer1
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
B=test_klp_basic
K=test_klp_kprobe
A=test_klp_alias
L=test_klp_layer1
REDIRECT=/sys/kernel/debug/livepatch/redirect
cmdline=$(cat /proc/cmdline)

modinfo $K >/dev/null 2>&1 || klp_skip "no test module $K: CONFIG_KPROBES=y is needed"

# expect_redirect WHAT EXPECTED: our debugfs counters, where they exist.
expect_redirect() {
	[ -d /sys/kernel/debug/livepatch ] || return 0
	klp_expect "$1" "$2" "$(cat $REDIRECT 2>&1)"
}

# refused_log: what refusing $B for tgt_answer logs.
refused_log() {
	echo "% modprobe $B
livepatch: enabling patch '$B'
livepatch: '$B': initializing patching transition
livepatch: failed to register ftrace handler for function 'tgt_answer' (-16)
livepatch: failed to patch object '$T'
livepatch: failed to enable patch '$B'
livepatch: '$B': canceling patching transition, going to unpatch
livepatch: '$B': completing unpatching transition
livepatch: '$B': unpatching complete"
}

klp_insert $T
klp_insert $K

klp_say "no other patch"
klp_log_start
klp_load_refused EBUSY $B
klp_expect_log "$(refused_log)"
klp_expect "/proc/cmdline after the refusal" "$cmdline" "$(cat /proc/cmdline)"
klp_expect "$T answer after the refusal" original "$(klp_param $T answer)"
expect_redirect "redirection counters after the refusal" "sites=0 sites_allocated=0"

klp_say "with $L enabled"
klp_load $L
klp_log_start
klp_load_refused EBUSY $B
klp_expect_log "$(refused_log)"
klp_expect "/proc/cmdline with $L after the refusal" $L "$(cat /proc/cmdline)"
expect_redirect "redirection counters with $L (2 functions) after the refusal" \
	"sites=2 sites_allocated=2"
klp_disable $L
klp_remove $L

klp_remove $K
klp_load $B
klp_expect "$T answer once $K is gone" "patched by $B" "$(klp_param $T answer)"
klp_disable $B
klp_remove $B

if [ ! -d /sys/kernel/debug/livepatch ]; then
	# Upstream 6.12 accepts such a patch, but its transition never
	# completes: for the older of two entries of one patch on one
	# location, its stack check takes the code "below" from past the
	# end of the list.
	klp_remove $T
	klp_say "two names of one function: not checked on this kernel (upstream 6.12" \
		"never completes such a transition)"
	klp_done
fi

klp_say "two names of one function"
klp_load $A
klp_expect "$T answer with $A" "patched by $A (alias)" "$(klp_param $T answer)"
klp_expect "functions of $A" "tgt_answer,1 tgt_answer_alias,1" \
	"$(ls "$KLP_SYSFS/$A/$T" | grep , | tr '\n' ' ' | sed 's/ $//')"
expect_redirect "redirection counters with $A" "sites=1 sites_allocated=1"
klp_disable $A
klp_remove $A
expect_redirect "redirection counters once $A is gone" "sites=0 sites_allocated=0"

sysctl -q kernel.ftrace_enabled=0 || klp_fail "cannot set kernel.ftrace_enabled=0"
klp_load_refused EBUSY $A
sysctl -q kernel.ftrace_enabled=1 || klp_fail "cannot set kernel.ftrace_enabled=1"
expect_redirect "redirection counters after refusing $A with ftrace off" \
	"sites=0 sites_allocated=0"
klp_expect "$T answer after the refusal" original "$(klp_param $T answer)"
klp_remove $T

klp_done
