#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: klp_shadow_alloc() of a variable that exists returns NULL,
#   does not call the constructor and leaves the existing variable as it
#   was (test_klp_shadow_api run=duplicate).
# requires: test_klp_shadow_api, and this tree's livepatch: upstream 6.12
#   WARN()s on a duplicate klp_shadow_alloc() by design (its
#   kernel/livepatch/shadow.c), and the harness fails any run whose kernel
#   log has a WARNING, so the test is skipped there.
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

M=test_klp_shadow_api

[ -d /sys/kernel/debug/livepatch ] ||
	klp_skip "not this tree's livepatch (no /sys/kernel/debug/livepatch):" \
		"upstream 6.12 WARN()s on a duplicate klp_shadow_alloc()," \
		"a kernel WARNING fails the harness run"

klp_log_start
klp_insert $M run=duplicate
klp_remove $M
klp_expect "what $M run=duplicate observed" "run=duplicate
alloc: a variable
alloc of an existing variable: NULL
alloc of an existing variable: ctor calls: 0
alloc of an existing variable: value: 0x1111
get: the same variable
get after free: NULL
done (0)" "$(klp_api_report $M)"
klp_api_expect_no_reports

klp_done
