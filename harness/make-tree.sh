#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make-tree.sh ours|upstream: build the source tree of one kernel from the
# pristine base.
#
#   ours:     base, minus upstream's kernel/livepatch and livepatch*.h, plus
#             every path this repository owns and harness/patches/{common,ours}
#   upstream: base with upstream livepatch left alone, plus lib/livepatch
#             (our test modules), tools/testing/selftests/livepatch (our
#             kselftests: the "selftests" suite runs them on either kernel)
#             and harness/patches/common (their wiring)
#
# The tree starts as hard links to the base.  Files are laid through a
# staging directory and rsync --checksum, which replaces (never edits in
# place) only the files whose content changed, so the base stays pristine
# and make's timestamps keep rebuilds incremental.
source "$(dirname "$0")/lib.sh"

k=${1:?usage: make-tree.sh ours|upstream}
check_kernel_name "$k"
[ "$k" = "$(kernel_base "$k")" ] || die "make-tree.sh: $k is a variant: its tree is $(kernel_base "$k")'s"
TREE=$(tree_of "$k")
STAGE=$KLP_CACHE/stage-$k
[ -f "$BASE/Makefile" ] || die "no base tree: run harness/prepare-base.sh"

if [ "$k" = ours ]; then
	ls "$REPO"/kernel/livepatch/*.c >/dev/null 2>&1 ||
		die "our kernel/livepatch is missing from $REPO: refusing to build"
	dirs=$OWNED_DIRS
	files=$OWNED_FILES
	patchdirs="common ours"
else
	dirs="lib/livepatch tools/testing/selftests/livepatch"
	files=
	patchdirs=common
fi

if [ ! -f "$TREE/Makefile" ]; then
	phase "link $TREE"
	cp -al "$BASE" "$TREE.tmp"
	mv "$TREE.tmp" "$TREE"
	phase_end
fi

rm -rf "$STAGE"
mkdir -p "$STAGE"
for d in $dirs; do
	if [ -d "$REPO/$d" ]; then
		mkdir -p "$STAGE/$d"
		rsync -a "$REPO/$d/" "$STAGE/$d/"
	fi
done
for f in $files; do
	if [ -f "$REPO/$f" ]; then
		mkdir -p "$STAGE/$(dirname "$f")"
		cp -p "$REPO/$f" "$STAGE/$f"
	fi
done

# Base files changed by small patches: copy from base, patch in the stage.
for pd in $patchdirs; do
	for p in "$HARNESS/patches/$pd"/*.patch; do
		[ -e "$p" ] || continue
		for f in $(sed -n 's|^+++ b/||p' "$p" | cut -f1); do
			[ -f "$STAGE/$f" ] && continue
			mkdir -p "$STAGE/$(dirname "$f")"
			if [ -f "$BASE/$f" ]; then
				cp -p "$BASE/$f" "$STAGE/$f"
			fi
		done
		patch -p1 -s -f --no-backup-if-mismatch -d "$STAGE" < "$p" ||
			die "patch ${p#"$REPO"/} does not apply to the base tree"
	done
done

# Files laid last time but not any more go back to the base's version.
manifest=$TREE/.klp-manifest
(cd "$STAGE" && find . -type f | sed 's|^\./||' | sort) > "$manifest.new"
if [ -f "$manifest" ]; then
	comm -23 "$manifest" "$manifest.new" | while read -r f; do
		rm -f "$TREE/$f"
		if [ -f "$BASE/$f" ]; then
			ln "$BASE/$f" "$TREE/$f"
		fi
	done
fi

if [ "$k" = ours ]; then
	# Upstream's implementation must not survive in our kernel: its
	# headers go unless we lay our own, and the rsync --delete below
	# empties kernel/livepatch of every file we do not have.
	for f in "$TREE"/include/linux/livepatch*.h; do
		[ -f "$STAGE/include/linux/$(basename "$f")" ] || rm -f "$f"
	done
fi
changed=$(rsync -rc --out-format='%n' "$STAGE/" "$TREE/" | grep -v '/$' || true)
for d in $dirs; do
	[ -d "$STAGE/$d" ] || continue
	rsync -rc --delete "$STAGE/$d/" "$TREE/$d/" >/dev/null
done
mv "$manifest.new" "$manifest"

if [ "$k" = ours ]; then
	diff -r "$REPO/kernel/livepatch" "$TREE/kernel/livepatch" >/dev/null ||
		die "$TREE/kernel/livepatch differs from the repository"
	for f in "$TREE"/include/linux/livepatch*.h; do
		cmp -s "$f" "$REPO/include/linux/$(basename "$f")" ||
			die "$f is not ours"
	done
fi
n=$(echo -n "$changed" | grep -c . || true)
echo "tree-$k: $n file(s) updated${changed:+: $(echo $changed | head -c 300)}"
