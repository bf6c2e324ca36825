#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# upstream-samples.sh [--kernel ours|upstream]: check that upstream 6.12's
# samples/livepatch, unmodified, build against a kernel's livepatch
# header as external modules and work on that kernel: each loads, does
# what it is for, is disabled and unloads (guest side:
# harness/guest/upstream-samples):
#   livepatch-sample    /proc/cmdline changes, and changes back
#   callbacks           the callbacks demo with its target loaded before
#                       and after the patch, line for line
#   callbacks-refuse    pre_patch_ret refuses the patch, then a target
#   callbacks-busy      busymod holds the transition while a target
#                       comes and goes
#   shadow              shadow-fix1 and -fix2 stop shadow-mod's leak
# The kernel must be built (make kernel / make reference).
#   KERNEL=...        default kernel (ours)
#   KLP_RESULTS=FILE  append "STATUS<TAB>upstream-samples<TAB>check" lines
# The copy of the samples is $KLP_CACHE/upstream-samples-<kernel>/ (kept
# with rsync, so kbuild stays incremental); the modules are staged in
# out/<kernel>/stage/klp/upstream-samples for the initramfs.  Ends with
# "N passed, N failed, N skipped"; exits non-zero on a failure, a kernel
# report in the serial log, a crash or a timeout.
source "$(dirname "$0")/lib.sh"

k=${KERNEL:-ours}
case "${1:-}" in
--kernel) k=${2:?--kernel ours|upstream}; shift 2 ;;
--kernel=*) k=${1#--kernel=}; shift ;;
esac
check_kernel_name "$k"
OUT=$(out_of "$k")
[ -f "$OUT/Module.symvers" ] || die "no $k kernel build in $OUT: $(make_target_of "$k")"
SRC=$BASE/samples/livepatch
COPY=$KLP_CACHE/upstream-samples-$k
DEST=$OUT/stage/klp/upstream-samples
SUITE=upstream-samples
# Results of a variant: "upstream-samples@ours-debug".
[ -z "$(kernel_variant "$k")" ] || SUITE=upstream-samples@$k

passed=0 failed=0 skipped=0
# result STATUS NAME [DETAIL]: count and record one check.
result() {
	case "$1" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	esac
	[ -z "${KLP_RESULTS:-}" ] || printf '%s\t%s\t%s\t%s\n' "$1" "$SUITE" "$2" "${3:-}" >> "$KLP_RESULTS"
}
summary() {
	echo "$SUITE on $k: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
}

phase "$SUITE: build upstream 6.12's samples/livepatch against the $k kernel"
[ -f "$SRC/Makefile" ] || die "no $SRC: run harness/prepare-base.sh"
mkdir -p "$COPY"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod*' \
	--exclude='.*.cmd' --exclude=Module.symvers --exclude=modules.order \
	"$SRC/" "$COPY/src/"
# The samples' Makefile uses obj-$(CONFIG_SAMPLE_LIVEPATCH): set it here,
# whatever the kernel's configuration says.
set +e
make -s -C "$OUT" M="$COPY/src" CONFIG_SAMPLE_LIVEPATCH=m modules 2>&1 |
	grep -v -e '^  \(CC\|LD\|MODPOST\)' -e '^make.*: \(Entering\|Leaving\)'
mrc=${PIPESTATUS[0]}
set -e
mods=$(cd "$COPY/src" && ls *.ko 2>/dev/null | wc -l)
want=$(grep -c '^obj-\$(CONFIG_SAMPLE_LIVEPATCH) += ' "$SRC/Makefile")
if [ "$mrc" != 0 ] || [ "$mods" != "$want" ]; then
	echo "FAIL $SUITE build: make exited with $mrc, $mods of the $want sample modules built"
	result FAIL build "make status $mrc, $mods of $want modules built"
	summary
	exit 1
fi
rm -rf "$DEST.new" && mkdir -p "$DEST.new"
cp "$COPY"/src/*.ko "$DEST.new/"
rm -rf "$DEST" && mv "$DEST.new" "$DEST"
echo "$SUITE: $mods modules in $DEST"
phase_end

phase "$SUITE on the $k kernel"
guest=$(mktemp)
trap 'rm -f "$guest"' EXIT
set +e
"$HARNESS/run-vm.sh" "$k" upstream-samples | tee "$guest"
vmrc=${PIPESTATUS[0]}
set -e

while read -r st name; do
	case "$st" in
	PASS|SKIP) result "$st" "$name" ;;
	FAIL) result FAIL "${name%%:*}" "${name#*: }" ;;
	esac
done < <(grep -E '^(PASS|FAIL|SKIP) ' "$guest")
if [ "$vmrc" != 0 ]; then
	why=$(vm_why "$vmrc")
	# A failed check already says why; anything else is the VM's failure.
	if [ "$vmrc" != 1 ] || [ "$failed" = 0 ]; then
		echo "FAIL $SUITE vm: $why"
		result FAIL vm "$why"
	fi
fi
[ $((passed + failed + skipped)) -gt 0 ] || { echo "FAIL $SUITE: no check ran"; result FAIL vm "no check ran"; }
phase_end
summary
