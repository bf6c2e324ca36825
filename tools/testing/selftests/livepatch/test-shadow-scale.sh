#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: many shadow variables (test_klp_shadow_api run=scale):
#   16384 variables on distinct objects are each found with their own
#   data; looking up 64 of them is at most 32 times slower among 16384
#   variables than among 64 (a hashed lookup; one list to walk would be
#   hundreds of times slower); free_all calls the destructor for each.
# requires: test_klp_shadow_api
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

M=test_klp_shadow_api

klp_log_start
klp_insert $M run=scale
klp_remove $M
klp_say "$(klp_api_info $M)"
klp_expect "what $M run=scale observed" "run=scale
scale: 16384 variables found with their own data: 16384
scale: lookups among 16384 variables at most 32x slower than among 64: yes
scale: free_all dtor calls: 16384
done (0)" "$(klp_api_report $M)"
klp_api_expect_no_reports

klp_done
