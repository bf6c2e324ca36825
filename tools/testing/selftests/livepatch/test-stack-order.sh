#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: /sys/kernel/livepatch/<patch>/stack_order (0444) is the
#   1-based position of a patch among the enabled ones, oldest first, and
#   the highest one's function runs; positions close up when a patch
#   leaves, and an atomic replace patch ends up alone at 1.
# requires: stack_order, which upstream added in 6.14: on older kernels
#   (the 6.12 upstream reference) this test is skipped.
#   A patch that has left the stack (its unpatching completed) but whose
#   directory is still there reads 0: a reader that waited for the
#   livepatch core while the patch's post_unpatch callback held, below
#   another patch, sees it leave.
# requires: test_klp_layer1, test_klp_layer2, test_klp_layer3,
#   test_klp_cb_patch1, test_klp_cb_patch2
. "$(dirname "$0")/klp_common.sh"
klp_setup

L1=test_klp_layer1
L2=test_klp_layer2
L3=test_klp_layer3

klp_load $L1
[ -e "$KLP_SYSFS/$L1/stack_order" ] ||
	klp_skip "this kernel has no $KLP_SYSFS/<patch>/stack_order (added upstream in 6.14)"

klp_expect "mode of $L1/stack_order" -r--r--r-- "$(stat -c %A "$KLP_SYSFS/$L1/stack_order")"
klp_expect "$L1/stack_order, alone" 1 "$(klp_attr $L1 stack_order)"
klp_load $L2
klp_load $L3
klp_expect "stack_order of $L1 $L2 $L3" "1 2 3" \
	"$(klp_attr $L1 stack_order) $(klp_attr $L2 stack_order) $(klp_attr $L3 stack_order)"
klp_expect "/proc/cmdline: the patch at 3 runs" $L3 "$(cat /proc/cmdline)"

klp_disable $L2
klp_expect "stack_order of $L1 $L3 once $L2 is disabled" "1 2" \
	"$(klp_attr $L1 stack_order) $(klp_attr $L3 stack_order)"
klp_remove $L2
klp_disable $L3
klp_expect "stack_order of $L1 once $L3 is disabled" 1 "$(klp_attr $L1 stack_order)"
klp_expect "/proc/cmdline: the patch at 1 runs" $L1 "$(cat /proc/cmdline)"
klp_remove $L3

klp_load $L2
klp_load $L3 replace=1
klp_wait_until "rid of the replaced patches" klp_patch_gone $L1
klp_wait_until "rid of the replaced patches" klp_patch_gone $L2
klp_expect "stack_order of $L3, replacing $L1 and $L2" 1 "$(klp_attr $L3 stack_order)"
klp_disable $L3
klp_remove $L3
klp_remove $L2
klp_remove $L1

# A patch leaving: P1 on P2, P1's post_unpatch holds (with the core's
# mutex held) while a reader of P1/stack_order waits for that mutex; when
# the reader gets it, P1 has left the stack.
P1=test_klp_cb_patch1
P2=test_klp_cb_patch2
klp_load $P2
klp_load $P1 post_unpatch_hold=1
klp_expect "stack_order of $P2 $P1" "1 2" \
	"$(klp_attr $P2 stack_order) $(klp_attr $P1 stack_order)"
klp_log_start
# In the background: the write may be the one that completes the
# transition, and then it waits for the callback too.
(echo 0 > "$KLP_SYSFS/$P1/enabled") &
writer=$!
post_held() { klp_log_seen | grep -q "post_unpatch vmlinux: holding"; }
klp_wait_until "$P1's post_unpatch holding" post_held
order_file=$(mktemp)
# One read(2) (bash's read on a regular file): the directory goes right
# after it, and a second read would see -ENODEV.
(read -r v < "$KLP_SYSFS/$P1/stack_order" && echo "$v" > "$order_file") &
reader=$!
# The reader has to sleep on the core's mutex (state D) before the release.
reader_waits() { [ "$(awk '{ print $3 }' /proc/$reader/stat 2>/dev/null)" = D ]; }
klp_wait_until "the stack_order reader waiting for the core" reader_waits
echo N > /sys/module/$P1/parameters/post_unpatch_hold
wait $reader || true
wait $writer || klp_fail "echo 0 > $KLP_SYSFS/$P1/enabled failed"
klp_expect "$P1/stack_order read as it left the stack" 0 "$(cat "$order_file")"
rm -f "$order_file"
klp_wait_until "rid of $KLP_SYSFS/$P1" klp_patch_gone $P1
klp_expect "stack_order of $P2 after $P1 left" 1 "$(klp_attr $P2 stack_order)"
klp_remove $P1
klp_disable $P2
klp_remove $P2

klp_done
