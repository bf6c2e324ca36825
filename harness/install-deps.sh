#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# install-deps.sh [--cross]: install with apt-get whatever the harness
# needs and is missing; --cross adds the cross compilers of
# check-configs.sh.
source "$(dirname "$0")/lib.sh"

PKGS="linux-source-6.12 qemu-system-x86 ccache gcc make flex bison bc
	libelf-dev libssl-dev dwarves cpio xz-utils rsync perl python3
	busybox-static bash kmod procps coreutils grep gawk sed diffutils
	util-linux sparse git patch python3-sphinx python3-sphinx-rtd-theme"
if [ "${1:-}" = --cross ]; then
	PKGS="$PKGS gcc-powerpc64le-linux-gnu gcc-s390x-linux-gnu"
fi

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all installed"
	exit 0
fi
phase "apt-get install$missing"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	--no-install-recommends $missing >/dev/null
phase_end
