#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scan-log.sh [--kcsan] SERIAL_LOG [SYSTEM_MAP]: fail if the kernel
# reported trouble anywhere in a VM's serial log, and print each report
# (up to its end marker or 60 lines).  Only kernel lines (with a printk
# timestamp) are looked at, so a test printing the word "BUG:" does not
# count.
#
# KCSAN data-race reports (a kernel built with CONFIG_KCSAN, the variant
# ours-kcsan) are judged by where they are: one with a livepatch function
# (klp_*, __klp_*) in either stack or in its title fails the scan and is
# printed whole; the others are races elsewhere in the kernel, which we
# do not own: they are counted and listed by title, and do not fail it.
# With SYSTEM_MAP, the address of a racing access that falls in a global
# of vmlinux is named ("(klp_target_state+0x0/0x4)").
#   --kcsan  look only at KCSAN reports, and always end with their count
source "$(dirname "$0")/lib.sh"

kcsan_only=0
if [ "${1:-}" = --kcsan ]; then
	kcsan_only=1
	shift
fi
log=${1:?usage: scan-log.sh [--kcsan] SERIAL_LOG [SYSTEM_MAP]}
map=${2:-/dev/null}
[ -f "$log" ] || die "$log: no such log"
[ -r "$map" ] || map=/dev/null

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

# The data symbols of vmlinux (System.map: "ADDR TYPE NAME"), by address.
export LC_ALL=C
syms=$(awk '$1 ~ /^ffffffff[0-9a-f]{8}$/ && $2 ~ /^[dDbBrR]$/ { print $1, $3 }' "$map" | sort)

{ echo "$syms"; echo "--log--"; tr -d '\r' < "$log"; } | awk -v re="$re" -v kcsan_only=$kcsan_only '
	function flush() { if (n) { print "----"; for (i = 1; i <= n; i++) print lines[i]; n = 0 } }
	function hex8(s,    i, v) {
		v = 0
		for (i = 1; i <= 8; i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	# The global of vmlinux that holds address a (16 hex digits), if any.
	function symbol(a,    lo, hi, mid, off) {
		lo = 1; hi = nsym
		while (lo < hi) {
			mid = int((lo + hi + 1) / 2)
			if (saddr[mid] <= a) lo = mid; else hi = mid - 1
		}
		if (!nsym || saddr[lo] > a || lo == nsym)
			return ""
		if (substr(a, 1, 8) != substr(saddr[lo + 1], 1, 8))
			return ""
		off = hex8(substr(a, 9)) - hex8(substr(saddr[lo], 9))
		if (substr(a, 1, 8) != substr(saddr[lo], 1, 8) || off > 65536)
			return ""
		return sprintf("%s+0x%x/0x%x", sname[lo], off,
			       hex8(substr(saddr[lo + 1], 9)) - hex8(substr(saddr[lo], 9)))
	}
	# A KCSAN report ends: judge it.
	function kflush(    i, l, ours, fn, title) {
		if (!kn)
			return
		ours = 0
		for (i = 1; i <= kn; i++) {
			l = klines[i]
			sub(/^.*\[ *[0-9]+\.[0-9]+\] /, "", l)
			if (l ~ /^BUG: KCSAN: /) {
				title = l
				sub(/^BUG: KCSAN: /, "", title)
				if (title ~ /(in|\/) (__)?klp_[A-Za-z0-9_]/)
					ours = 1
			}
			# A stack frame: " func+0x12/0x40 [module]".
			if (l ~ /^ +(\+-> reordered to: )?[A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x[0-9a-f]+/) {
				fn = l
				sub(/^ +(\+-> reordered to: )?/, "", fn)
				if (fn ~ /^(__)?klp_/)
					ours = 1
			}
		}
		if (ours) {
			found++; kours++
			print "----"
			for (i = 1; i <= kn; i++) print klines[i]
		} else {
			kother++
			if (!(title in seen)) order[++nt] = title
			seen[title]++
		}
		kn = 0
	}
	!inlog && $0 == "--log--" { inlog = 1; next }
	!inlog { nsym++; saddr[nsym] = $1; sname[nsym] = $2; next }
	/^\[ *[0-9]+\.[0-9]+\]/ || /\[ *[0-9]+\.[0-9]+\] / {
		line = $0
		sub(/^.*\[ *[0-9]+\.[0-9]+\] /, "", line)
		if (line ~ /^BUG: KCSAN: /) {
			flush(); inrep = 0; kflush()
			kn = 0
			if (prev_rule) klines[++kn] = prev_rule
			klines[++kn] = $0
			inkcsan = 1
			next
		}
		prev_rule = line ~ /^=+$/ ? $0 : ""
		# Anything else that is a report ends a KCSAN report.
		if (!kcsan_only && !inrep && line ~ re) {
			if (inkcsan) { kflush(); inkcsan = 0 }
			inrep = 1; found++; n = 0
		}
		if (inkcsan) {
			if (match(line, /to 0x[0-9a-f]+ of [0-9]+ bytes/)) {
				a = substr(line, RSTART + 5, 16)
				s = symbol(a)
				if (s != "") $0 = $0 " (" s ")"
			}
			klines[++kn] = $0
			if (line ~ /^=+$/ || kn >= 200) { kflush(); inkcsan = 0 }
			next
		}
	}
	inrep {
		lines[++n] = $0
		if ($0 ~ /---\[ end (trace|Kernel panic|of livepatch leaks)/ || n >= 60) { flush(); inrep = 0 }
	}
	END {
		flush()
		if (inkcsan) kflush()
		if (kother) {
			printf "scan: %d KCSAN report(s) elsewhere in the kernel, not livepatch (not failures):\n", kother
			for (i = 1; i <= nt; i++) printf "  %3dx %s\n", seen[order[i]], order[i]
		}
		if (kcsan_only || kours || kother)
			printf "scan: KCSAN: %d report(s) involving livepatch, %d elsewhere\n", kours, kother
		if (found) { printf "scan: %d kernel report(s) in the log\n", found; exit 1 }
	}' | { out=$(cat); [ -z "$out" ] || { echo "scan: $log"; echo "$out"; }; }
[ "${PIPESTATUS[1]}" = 0 ]
