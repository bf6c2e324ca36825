#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage-upstream-compat.sh ours|upstream: build upstream 6.12's livepatch
# kselftests, unmodified, against a kernel and install them the kselftest
# way in out/<kernel>/stage/klp/upstream-compat (for the initramfs).
#
# The pristine base is never built in: the kselftest skeleton (Makefile,
# lib.mk, runner) and the livepatch directory are copied to
# $KLP_CACHE/compat-<kernel>/, and test_modules is built there as external
# modules against out/<kernel> (KDIR).
source "$(dirname "$0")/lib.sh"

k=${1:?usage: stage-upstream-compat.sh ours|upstream}
check_kernel_name "$k"
OUT=$(out_of "$k")
[ -f "$OUT/Module.symvers" ] || die "no $k kernel build in $OUT"
SRC=$BASE/tools/testing/selftests
COMPAT=$KLP_CACHE/compat-$k
DEST=$OUT/stage/klp/upstream-compat

phase "upstream-compat: build the upstream tests for $k"
mkdir -p "$COMPAT/scripts" "$COMPAT/tools/testing/selftests"
# rsync keeps unchanged files' times: kbuild and make stay incremental.
rsync -a "$BASE/scripts/subarch.include" "$COMPAT/scripts/"
rsync -a --include=/kselftest/ --include=/livepatch/ --exclude='/*/' \
	"$SRC/" "$COMPAT/tools/testing/selftests/"
rm -rf "$DEST.new"
# Quiet build; errors still show.
make -s -C "$COMPAT/tools/testing/selftests" TARGETS=livepatch \
	KDIR="$OUT" INSTALL_PATH="$DEST.new" install 2>&1 |
	{ grep -v -e '^Emit Tests' -e '^  \(CC\|LD\|MODPOST\)' -e '^make.*: \(Entering\|Leaving\)' || true; } ||
	die "building the upstream livepatch selftests failed"
mods=$(ls "$DEST.new"/livepatch/test_modules/*.ko 2>/dev/null | wc -l)
[ "$mods" -gt 0 ] || die "no test modules were built for $k"
rm -rf "$DEST" && mv "$DEST.new" "$DEST"
echo "upstream-compat: $(grep -c . "$DEST/kselftest-list.txt") tests, $mods test modules in $DEST"
phase_end
