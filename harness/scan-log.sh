#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scan-log.sh SERIAL_LOG: fail if the kernel reported trouble anywhere in
# a VM's serial log, and print each report (up to its end marker or 60
# lines).  Only kernel lines (with a printk timestamp) are looked at, so a
# test printing the word "BUG:" does not count.
source "$(dirname "$0")/lib.sh"

log=${1:?usage: scan-log.sh SERIAL_LOG}
[ -f "$log" ] || die "$log: no such log"

# Each is an extended regexp matched after the timestamp.
PATTERNS=(
	'Oops'
	'Kernel panic'
	'BUG:'
	'kernel BUG at'
	'WARNING:'
	'general protection fault'
	'Unable to handle kernel'
	'possible circular locking'
	'possible recursive locking'
	'inconsistent lock state'
	'suspicious RCU usage'
	'bad unlock balance'
	'lock held when returning to user space'
	'lock held at task exit'
	'possible irq lock inversion'
	'INFO: task .* blocked for more than'
	'rcu: INFO: .* stall'
	'detected stall'
	'soft lockup'
	'hard LOCKUP'
	'KASAN'
	'UBSAN'
	# kmemleak: an object of livepatch code (guest/kmemleak-check), or
	# kmemleak switching itself off (its checks would be void).
	'klp-kmemleak:'
	'Kernel memory leak detector disabled'
	'kmemleak: Cannot'
	'ODEBUG:'
	'KFENCE:'
	'list_(add|del) corruption'
	'Call Trace:'
)
re=$(IFS='|'; echo "${PATTERNS[*]}")

tr -d '\r' < "$log" | awk -v re="$re" '
	function flush() { if (n) { print "----"; for (i = 1; i <= n; i++) print lines[i]; n = 0 } }
	# A report: a matching kernel line, and what follows it.
	/^\[ *[0-9]+\.[0-9]+\]/ || /\[ *[0-9]+\.[0-9]+\] / {
		line = $0
		sub(/^.*\[ *[0-9]+\.[0-9]+\] /, "", line)
		if (!inrep && line ~ re) {
			inrep = 1; found++; n = 0
		}
	}
	inrep {
		lines[++n] = $0
		if ($0 ~ /---\[ end (trace|Kernel panic|of livepatch leaks)/ || n >= 60) { flush(); inrep = 0 }
	}
	END {
		flush()
		if (found) { printf "scan: %d kernel report(s) in the log\n", found; exit 1 }
	}' | { out=$(cat); [ -z "$out" ] || { echo "scan: $log"; echo "$out"; }; }
[ "${PIPESTATUS[1]}" = 0 ]
