#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-vm.sh [-t SECONDS] KERNEL WHAT [ARG...]: boot the kernel (ours,
# upstream, or a variant such as ours-nodyn, see build-kernel.sh) in QEMU
# with the harness initramfs and run WHAT in it:
#   a script of harness/guest/ (demo, upstream-compat, selftests, ...),
#   "shell" for an interactive shell, or any shell command line.
#
# stdout is the guest's output (its clean ttyS1 channel); the whole serial
# console (kernel messages included) is saved in
# $KLP_CACHE/logs/<timestamp>-<kernel>-<what>.log and scanned afterwards:
# an oops, panic, BUG, WARNING, lockdep/RCU report, hung task, KASAN or
# UBSAN report, or a KCSAN report involving livepatch fails the run and
# the offending part is printed (scan-log.sh; other KCSAN reports are
# listed, not failures).
#
# Exit status: the guest command's, or 124 on timeout, 125 when the guest
# never reported a result (crash), 126 when the command passed but the
# kernel log did not.
#   -t SECONDS / KLP_TIMEOUT  host-side limit (default 1200; 0: none)
#   KLP_STALL=SECONDS         also stop the guest when its output has had
#   KLP_STALL_RE=REGEX        no new line matching REGEX for that long
#                             (a test that hangs); reported as a timeout
#   KLP_ACCEL=kvm|tcg         override the KVM probe
#   KLP_APPEND="..."          extra kernel command line
#   KLP_SMP=N                 guest CPUs (default 2)
#   KLP_LOG_TAG=-SUFFIX       added to the log's name (VMs started at once)
source "$(dirname "$0")/lib.sh"

timeout=${KLP_TIMEOUT:-1200}
if [ "${1:-}" = -t ]; then
	timeout=$2
	shift 2
fi
k=${1:?usage: run-vm.sh [-t SECONDS] ours|upstream[-VARIANT] WHAT [ARG...]}
what=${2:?usage: run-vm.sh [-t SECONDS] ours|upstream[-VARIANT] WHAT [ARG...]}
shift 2
check_kernel_name "$k"
OUT=$(out_of "$k")
KERNEL=$OUT/arch/x86/boot/bzImage
[ -f "$KERNEL" ] || die "no $k kernel: $(make_target_of "$k")"

"$HARNESS/mkinitramfs.sh" "$k" >&2
INITRD=$OUT/initramfs.cpio

# The command line: what to run.
if [ -f "$HARNESS/guest/$what" ] && [ "$what" != init ] || [ "$what" = shell ]; then
	run="klp.run=$what"
	[ $# -gt 0 ] && run="$run klp.args=$(IFS=,; echo "$*")"
	tag=$what
else
	[ $# -eq 0 ] || what="$what $*"
	run="klp.cmd=$(printf '%s' "$what" | base64 -w0)"
	tag=cmd
fi
[ ${#run} -lt 1800 ] || die "command too long for the kernel command line"

# KVM when it works, else single-threaded TCG (multi-threaded TCG makes
# the stock kernel oops on int3 while it patches kernel text).  /dev/kvm
# can be there and still unable to run a stock kernel (a sandbox's KVM),
# so the probe boots this kernel once; the answer is cached per host.
accel=${KLP_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	probe=$KLP_CACHE/kvm-probe.$( (uname -rv; qemu-system-x86_64 --version | head -n1) |
		sha1sum | cut -c1-12)
	if [ -f "$probe" ]; then
		accel=$(cat "$probe")
	elif [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		# No initramfs: a kernel that boots panics at once (no init).
		if timeout --foreground 30 qemu-system-x86_64 -accel kvm -cpu host -m 256M \
			-nographic -no-reboot -nodefaults -no-user-config \
			-serial stdio -kernel "$KERNEL" \
			-append "console=ttyS0 panic=-1 loglevel=3" </dev/null 2>/dev/null |
			grep -q 'Kernel panic'; then
			accel=kvm
		fi
		echo "vm: probed /dev/kvm: using $accel" >&2
		mkdir -p "$KLP_CACHE" && echo $accel > "$probe"
	fi
fi
case "$accel" in
kvm) ACCEL=(-accel kvm -cpu host) ;;
tcg) ACCEL=(-accel tcg,thread=single) ;;
*) die "KLP_ACCEL=$accel: kvm or tcg" ;;
esac

mkdir -p "$LOGS"
LOG=$LOGS/$(date +%Y%m%d-%H%M%S)-$k-$tag${KLP_LOG_TAG:-}.log
GUEST_OUT=${LOG%.log}.out
APPEND="console=ttyS0,115200 panic=-1 oops=panic $run ${KLP_APPEND:-}"

smp=${KLP_SMP:-2}
QEMU=(qemu-system-x86_64 "${ACCEL[@]}" -smp "$smp,sockets=$smp,cores=1,threads=1"
	-m 1G -nographic -no-reboot -no-user-config -nodefaults
	-kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND")

# stall_watch SECONDS REGEX: stop QEMU (its pid in $LOG.pid) once the
# guest's output has gone SECONDS without a new line matching REGEX.
stall_watch() {
	local limit=$1 re=$2 seen=-1 n pid last now

	last=$(date +%s)
	while sleep 5; do
		pid=$(cat "$LOG.pid" 2>/dev/null) || continue
		kill -0 "$pid" 2>/dev/null || return 0
		n=$(tr -d '\r' < "$GUEST_OUT" 2>/dev/null | grep -cE "$re")
		now=$(date +%s)
		if [ "$n" != "$seen" ]; then
			seen=$n
			last=$now
		elif [ $((now - last)) -ge "$limit" ]; then
			echo "vm: no progress for ${limit}s: stopping QEMU" >&2
			touch "$LOG.stalled"
			kill "$pid" 2>/dev/null
			sleep 5
			kill -9 "$pid" 2>/dev/null
			return 0
		fi
	done
}

echo "vm: $k kernel $(cat "$OUT/kernelrelease"), $accel, running '$tag'" >&2
echo "vm: serial log $LOG" >&2
t0=$(date +%s)
if [ "$what" = shell ]; then
	# Interactive: the console on this terminal (Ctrl-A X quits QEMU).
	set +e
	"${QEMU[@]}" -chardev stdio,id=con,mux=on,logfile="$LOG" \
		-serial chardev:con -mon chardev=con,mode=readline \
		-serial file:"$GUEST_OUT"
	qrc=$?
	set -e
else
	set +e
	tmo=()
	[ "$timeout" -gt 0 ] 2>/dev/null && tmo=(timeout --foreground -k 5 "$timeout")
	wd=
	if [ "${KLP_STALL:-0}" -gt 0 ] 2>/dev/null; then
		stall_watch "${KLP_STALL}" "${KLP_STALL_RE:-.}" &
		wd=$!
	fi
	"${tmo[@]}" "${QEMU[@]}" -pidfile "$LOG.pid" -monitor none -serial file:"$LOG" \
		-chardev stdio,id=out,signal=off,logfile="$GUEST_OUT" \
		-serial chardev:out </dev/null | sed -u 's/\r$//' | grep --line-buffered -v '^KLP-RESULT: '
	qrc=${PIPESTATUS[0]}
	if [ -n "$wd" ]; then
		kill "$wd" 2>/dev/null
		wait "$wd" 2>/dev/null
	fi
	rm -f "$LOG.pid"
	set -e
fi
secs=$(( $(date +%s) - t0 ))

# The guest's status is the last KLP-RESULT line.
rc=$(tr -d '\r' < "$GUEST_OUT" 2>/dev/null | sed -n 's/^KLP-RESULT: \([0-9]*\)$/\1/p' | tail -n1)
if [ -f "$LOG.stalled" ]; then
	rm -f "$LOG.stalled"
	echo "vm: TIMEOUT: no progress for ${KLP_STALL}s" >&2
	rc=124
elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "vm: TIMEOUT after ${timeout}s: killed QEMU" >&2
	rc=124
elif [ -z "$rc" ]; then
	echo "vm: the guest did not report a result (QEMU status $qrc): crashed?" >&2
	rc=125
fi

# Scan the kernel's side of the log.
if ! "$HARNESS/scan-log.sh" "$LOG" "$OUT/System.map" >&2; then
	[ "$rc" = 0 ] && rc=126
fi
if [ "$rc" != 0 ] && [ "${CI:-}" = true ]; then
	echo "vm: last 60 lines of $LOG:" >&2
	tr -d '\r' < "$LOG" | tail -n 60 | sed 's/^/  | /' >&2
fi
echo "vm: exit status $rc after ${secs}s (log: $LOG)" >&2
exit "$rc"
