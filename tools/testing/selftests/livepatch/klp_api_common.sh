#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klp_api_common.sh - what the callback, shadow variable, state and
# samples kselftests (test-callbacks-*.sh, test-shadow-*.sh,
# test-state-*.sh, test-samples.sh) add to klp_common.sh.  A test sources
# klp_common.sh first, then this file.
#
#   klp_api_set_param MOD PARAM VALUE   write a module parameter (logged)
#   klp_api_set_enabled PATCH 0|1       write PATCH/enabled (logged), do
#                                       not wait for the transition
#   klp_api_cleanup_holds               cleanup for tests that make
#                                       test_klp_cb_patch* hold a kworker
#   klp_api_expect_held PATCH SECONDS   PATCH is still in transition after
#                                       SECONDS
#   klp_api_log_has REGEX               a line since klp_log_start matches
#   klp_api_report MOD                  what MOD logged since
#                                       klp_log_start, without its prefix
#   klp_api_expect_no_reports           no kernel warning since then

# The kernel log since klp_log_start, without timestamps.
klp_api_log_since_start() {
	klp_log_since
}

# klp_api_log_has REGEX: a line since klp_log_start matches REGEX.
klp_api_log_has() {
	klp_api_log_since_start | grep -qE -- "$1"
}

# klp_api_set_param MOD PARAM VALUE: set a writable module parameter.  No
# newline is written: a string parameter would keep it.
klp_api_set_param() {
	local mod=$1 param=$2 value=$3

	klp_log "% echo -n $value > /sys/module/$mod/parameters/$param"
	printf '%s' "$value" > "/sys/module/$mod/parameters/$param" ||
		klp_fail "cannot write '$value' to /sys/module/$mod/parameters/$param"
}

# klp_api_set_enabled PATCH 0|1: start (or reverse) a transition that
# may be held; klp_disable waits until the patch is gone.
klp_api_set_enabled() {
	klp_log "% echo $2 > $KLP_SYSFS/$1/enabled"
	echo "$2" > "$KLP_SYSFS/$1/enabled" ||
		klp_fail "cannot write $2 to $KLP_SYSFS/$1/enabled"
}

# klp_api_cleanup_holds: let go of kworkers held in a patch's code (the
# busy_hold parameter of test_klp_cb_patch*), then the usual cleanup:
# without that, removing test_klp_cb_busy would wait forever.  Set as the
# EXIT trap after klp_setup.
klp_api_cleanup_holds() {
	local f

	for f in /sys/module/test_klp_cb_patch*/parameters/busy_hold; do
		[ -w "$f" ] && echo 0 > "$f"
	done
	klp_cleanup
}

# klp_api_expect_held PATCH SECONDS: the transition of PATCH has not
# finished after SECONDS (something holds it), and PATCH is still there.
klp_api_expect_held() {
	local patch=$1 secs=$2

	klp_expect "$patch/transition right after loading it" 1 "$(klp_attr "$patch" transition)"
	sleep "$secs"
	klp_expect "$patch/transition ${secs}s later" 1 "$(klp_attr "$patch" transition)"
}

# klp_api_report MOD: the lines MOD logged since klp_log_start, without
# the "MOD: " prefix and without its "info:" lines (measurements).
klp_api_report() {
	klp_api_log_since_start | sed -n "s/^$1: //p" | grep -v '^info:' || true
}

# klp_api_info MOD: MOD's "info:" lines since klp_log_start.
klp_api_info() {
	klp_api_log_since_start | sed -n "s/^$1: info: //p" || true
}

# klp_api_expect_no_reports: the kernel logged no warning, bug or lockdep
# report since klp_log_start (the harness also scans the whole log).  A
# KCSAN data-race report (a kernel built with KCSAN) is left to the
# harness: it reads the whole report and fails the run only when a stack
# is in livepatch, while most races it finds are elsewhere in the kernel.
klp_api_expect_no_reports() {
	local re='WARNING:|BUG:|Call Trace:|sleeping function called'

	re+='|lock(dep| state)|possible (circular|recursive)'
	klp_expect "no kernel warning, BUG or lockdep report since the start of the case" "" \
		"$(klp_api_log_since_start | grep -E "$re" | grep -v 'BUG: KCSAN: ' || true)"
}
