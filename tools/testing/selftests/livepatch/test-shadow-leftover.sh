#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a shadow variable belongs to whoever allocated it; the
#   core never frees one behind its owner's back.  test_klp_shadow_api
#   run=leave allocates one and is removed without freeing it: the kernel
#   says one line about it, /sys/kernel/debug/livepatch/shadow lists it
#   with its owner, and it is still there, data intact, when the module
#   loads again (run=claim), which frees it with its destructor.
# requires: test_klp_shadow_api.  The listing and the log line are ours:
#   on a kernel without /sys/kernel/debug/livepatch (upstream 6.12) only
#   the variable's survival is checked.
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

M=test_klp_shadow_api
SHADOW=/sys/kernel/debug/livepatch/shadow
ID=0x6b6c7003

ours=
[ -d /sys/kernel/debug/livepatch ] && ours=1
[ -n "$ours" ] || klp_say "upstream livepatch: no listing, no log line to check"

# shadow_lines: the listing's lines for our id, without the object address.
shadow_lines() {
	[ -r "$SHADOW" ] || { echo "(no $SHADOW)"; return; }
	grep " id=$ID " "$SHADOW" | sed 's/ obj=[^ ]*//' || true
}

# expect_listing WHAT EXPECTED: a check of the listing, on our kernel.
expect_listing() {
	[ -n "$ours" ] && klp_expect "$1" "$2" "$(shadow_lines)"
	true
}

expect_listing "listing of id $ID before the test" ""

klp_log_start
klp_insert $M run=leave
expect_listing "listing while $M is loaded" \
	"owner=$M state=loaded id=$ID size=32"
klp_remove $M
expect_listing "listing once $M is gone" \
	"owner=$M state=removed id=$ID size=32"
klp_insert $M run=claim
klp_remove $M
expect_listing "listing once the variable is freed" ""

left="livepatch: '$M': 1 shadow variable(s) left allocated"
[ -n "$ours" ] || left=
klp_expect "kernel log" "% modprobe $M run=leave
$M: run=leave
$M: leave: variable allocated: yes
$M: done (0)
% rmmod $M${left:+
$left}
% modprobe $M run=claim
$M: run=claim
$M: claim: left variable: value 0x2222
$M: claim: dtor calls: 1, on its data: yes
$M: claim: get after free: NULL
$M: done (0)
% rmmod $M" "$(klp_log_seen)"
klp_api_expect_no_reports

klp_done
