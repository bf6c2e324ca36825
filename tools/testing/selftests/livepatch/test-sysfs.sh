#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the sysfs interface of a patch: /sys/kernel/livepatch/<patch>
#   with enabled (0644), transition (0444), force (0200), replace (0444);
#   one directory per object, vmlinux and module alike, present even while
#   the module is not loaded, with patched (0444); one empty directory per
#   function, "<name>,<sympos>".  Values: enabled, transition, replace and
#   patched as the patch's state says; writes that must be refused are.
#   stack_order (newer kernels) is checked by test-stack-order.sh, and
#   transition_timeout_ms (ours only) by test-transition-timeout.sh; its
#   mode is 0644 where it exists.
# requires: test_klp_target, test_klp_basic, test_klp_layer3
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
P=test_klp_basic

# mode PATH: its ls-style mode, or "absent".
mode() {
	stat -c %A "$KLP_SYSFS/$1" 2>/dev/null || echo absent
}

# entries DIR: the names in a directory, sorted, on one line.
entries() {
	ls -A "$KLP_SYSFS/$1" 2>/dev/null | sort | xargs
}

# write VALUE PATH: the errno of writing VALUE, or "ok".
write() {
	local err

	err=$( { echo "$1" > "$KLP_SYSFS/$2"; } 2>&1) && { echo ok; return; }
	klp_errno "$err"
}

not_dirs=$(find "$KLP_SYSFS" -mindepth 1 -maxdepth 1 ! -type d | xargs)
klp_expect "$KLP_SYSFS holds only directories" "" "$not_dirs"

klp_load $P

klp_expect "mode of $P/" drwxr-xr-x "$(mode $P)"
klp_expect "entries of $P/ (but stack_order, transition_timeout_ms)" \
	"enabled force replace $T transition vmlinux" \
	"$(entries $P | sed 's/ *stack_order//; s/ *transition_timeout_ms//')"
if [ -e "$KLP_SYSFS/$P/transition_timeout_ms" ]; then
	klp_expect "mode of $P/transition_timeout_ms" -rw-r--r-- \
		"$(mode $P/transition_timeout_ms)"
fi
klp_expect "mode of $P/enabled" -rw-r--r-- "$(mode $P/enabled)"
klp_expect "mode of $P/transition" -r--r--r-- "$(mode $P/transition)"
klp_expect "mode of $P/force" --w------- "$(mode $P/force)"
klp_expect "mode of $P/replace" -r--r--r-- "$(mode $P/replace)"
klp_expect "$P/enabled" 1 "$(klp_attr $P enabled)"
klp_expect "$P/transition" 0 "$(klp_attr $P transition)"
klp_expect "$P/replace" 0 "$(klp_attr $P replace)"

klp_expect "mode of $P/vmlinux/" drwxr-xr-x "$(mode $P/vmlinux)"
klp_expect "entries of $P/vmlinux/" "cmdline_proc_show,1 patched" \
	"$(entries $P/vmlinux)"
klp_expect "mode of $P/vmlinux/patched" -r--r--r-- "$(mode $P/vmlinux/patched)"
klp_expect "$P/vmlinux/patched" 1 "$(klp_attr $P vmlinux/patched)"
klp_expect "mode of $P/vmlinux/cmdline_proc_show,1/" drwxr-xr-x \
	"$(mode $P/vmlinux/cmdline_proc_show,1)"
klp_expect "entries of $P/vmlinux/cmdline_proc_show,1/" "" \
	"$(entries $P/vmlinux/cmdline_proc_show,1)"

klp_expect "mode of $P/$T/ ($T not loaded)" drwxr-xr-x "$(mode $P/$T)"
klp_expect "entries of $P/$T/" "patched tgt_answer,1" "$(entries $P/$T)"
klp_expect "mode of $P/$T/patched" -r--r--r-- "$(mode $P/$T/patched)"
klp_expect "$P/$T/patched ($T not loaded)" 0 "$(klp_attr $P $T/patched)"
klp_expect "mode of $P/$T/tgt_answer,1/" drwxr-xr-x "$(mode $P/$T/tgt_answer,1)"
klp_expect "entries of $P/$T/tgt_answer,1/" "" "$(entries $P/$T/tgt_answer,1)"
klp_insert $T
klp_expect "$P/$T/patched ($T loaded)" 1 "$(klp_attr $P $T/patched)"
klp_remove $T
klp_expect "$P/$T/patched ($T removed)" 0 "$(klp_attr $P $T/patched)"

klp_expect "writing 1 to enabled of an enabled patch" EINVAL "$(write 1 $P/enabled)"
klp_expect "writing 'maybe' to enabled" EINVAL "$(write maybe $P/enabled)"
klp_expect "writing 1 to force outside a transition" EINVAL "$(write 1 $P/force)"
klp_expect "writing 0 to force" ok "$(write 0 $P/force)"
klp_expect "$P/enabled after those writes" 1 "$(klp_attr $P enabled)"
klp_expect "$P/transition after those writes" 0 "$(klp_attr $P transition)"

klp_disable $P
klp_expect "$P/ once disabled" absent "$(mode $P)"
klp_remove $P

L=test_klp_layer3
klp_load $L replace=1
klp_expect "$L/replace of a replace patch" 1 "$(klp_attr $L replace)"
klp_disable $L
klp_remove $L

klp_done
