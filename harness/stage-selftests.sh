#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage-selftests.sh ours|upstream: build our kselftests
# (tools/testing/selftests/livepatch of this repository, laid into both
# trees by make-tree.sh) and install them the kselftest way in
# out/<kernel>/stage/klp/selftests, for the initramfs.  Their test modules
# are lib/livepatch's, built with the kernel and loaded from its modules.
source "$(dirname "$0")/lib.sh"

k=${1:?usage: stage-selftests.sh ours|upstream}
check_kernel_name "$k"
OUT=$(out_of "$k")
TREE=$(tree_of "$k")
SRC=$REPO/tools/testing/selftests/livepatch
DEST=$OUT/stage/klp/selftests
[ -f "$OUT/Module.symvers" ] || die "no $k kernel build in $OUT"

rm -rf "$DEST" "$DEST.new"
if [ ! -f "$SRC/Makefile" ]; then
	echo "selftests: $SRC has no Makefile yet: 0 tests"
	exit 0
fi
# make-tree.sh (run by build-kernel.sh) lays the directory into the tree.
diff -rq "$SRC" "$TREE/tools/testing/selftests/livepatch" >/dev/null ||
	die "$TREE is older than $SRC: run harness/build-kernel.sh $k"

phase "selftests: build and install our kselftests for $k"
# O= is the kernel's build directory: programs go to $OUT/kselftest, and
# a test_modules directory (if any) builds against this kernel.
make -s -C "$TREE/tools/testing/selftests" TARGETS=livepatch \
	O="$OUT" KDIR="$OUT" INSTALL_PATH="$DEST.new" install 2>&1 |
	{ grep -v -e '^Emit Tests' -e '^  \(CC\|LD\|MODPOST\)' -e '^make.*: \(Entering\|Leaving\)' || true; } ||
	die "building our livepatch selftests failed"
mv "$DEST.new" "$DEST"
echo "selftests: $(grep -c . "$DEST/kselftest-list.txt" || true) tests in $DEST"
phase_end
