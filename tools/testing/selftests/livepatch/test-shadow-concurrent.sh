#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: concurrent klp_shadow_get_or_alloc() (test_klp_shadow_api
#   run=concurrent): in each of 20 rounds, 4 kthreads released together
#   ask for the same 256 <object, id> variables; every thread gets the one
#   variable that ends up attached, never NULL, and its constructor ran
#   exactly once.
# requires: test_klp_shadow_api
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

M=test_klp_shadow_api

klp_log_start
klp_insert $M run=concurrent
klp_remove $M
klp_expect "what $M run=concurrent observed" "run=concurrent
concurrent: 20 rounds of 4 threads on 256 variables
concurrent: NULL results: 0
concurrent: results other than the attached variable: 0
concurrent: variables missing or with wrong data: 0
concurrent: ctor calls per variable: min 1, max 1
done (0)" "$(klp_api_report $M)"
klp_api_expect_no_reports

klp_done
