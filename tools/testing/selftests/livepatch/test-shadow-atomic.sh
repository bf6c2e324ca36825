#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: shadow variables with GFP_ATOMIC in atomic context
#   (test_klp_shadow_api run=atomic): get_or_alloc, get and free work
#   under a spinlock with interrupts off, in a timer (softirq) and in
#   irq_work (hardirq), without a sleeping-in-atomic or lockdep report
#   (the kernel runs with CONFIG_DEBUG_ATOMIC_SLEEP and PROVE_LOCKING).
# requires: test_klp_shadow_api
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

M=test_klp_shadow_api
ok="get_or_alloc: yes, get: yes, get_or_alloc again: yes, ctor once: yes, freed: yes"

klp_log_start
klp_insert $M run=atomic
klp_remove $M
klp_expect "what $M run=atomic observed" "run=atomic
spinlock held: interrupts off: yes
spinlock held: $ok
timer: in softirq: yes
timer: $ok
irq_work: in hardirq: yes
irq_work: $ok
done (0)" "$(klp_api_report $M)"
klp_api_expect_no_reports

klp_done
