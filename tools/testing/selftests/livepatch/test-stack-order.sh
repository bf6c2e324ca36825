#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: /sys/kernel/livepatch/<patch>/stack_order (0444) is the
#   1-based position of a patch among the enabled ones, oldest first, and
#   the highest one's function runs; positions close up when a patch
#   leaves, and an atomic replace patch ends up alone at 1.
# requires: stack_order, which upstream added in 6.14: on older kernels
#   (the 6.12 upstream reference) this test is skipped.
# requires: test_klp_layer1, test_klp_layer2, test_klp_layer3
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

klp_done
