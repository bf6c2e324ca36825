#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unpack Debian's linux-source-6.12 into $KLP_CACHE/base (once) and record
# its exact version.  KSRC=/path/to/linux-6.12.y uses that tree instead.
source "$(dirname "$0")/lib.sh"

TARBALL=/usr/src/linux-source-6.12.tar.xz
mkdir -p "$KLP_CACHE"
if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree"
	src_id="dir:$(cd "$KSRC" && pwd)"
else
	[ -f "$TARBALL" ] || die "$TARBALL missing: run harness/install-deps.sh"
	src_id="deb:$(dpkg-query -W -f='${Version}' linux-source-6.12)"
fi

if [ ! -f "$BASE/.klp-base-id" ] || [ "$(cat "$BASE/.klp-base-id")" != "$src_id" ]; then
	phase "unpack base tree ($src_id)"
	rm -rf "$BASE" "$KLP_CACHE"/tree-* "$KLP_CACHE"/out
	if [ -n "${KSRC:-}" ]; then
		mkdir -p "$BASE"
		rsync -a --exclude=.git "$KSRC/" "$BASE/"
	else
		tmp=$KLP_CACHE/unpack.$$
		rm -rf "$tmp" && mkdir -p "$tmp"
		tar -C "$tmp" -xf "$TARBALL"
		mv "$tmp"/linux-source-6.12 "$BASE"
		rmdir "$tmp"
	fi
	echo "$src_id" > "$BASE/.klp-base-id"
	phase_end
fi
ver=$(make -s -C "$BASE" kernelversion)
case "$ver" in
6.12*) ;;
*) die "base tree is $ver, not 6.12.y" ;;
esac
echo "$ver" > "$KLP_CACHE/base-version"
echo "base: linux $ver ($src_id) in $BASE"
