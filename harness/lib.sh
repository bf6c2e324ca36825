# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the harness scripts.  Sourced, not run.
#
# Everything large lives in the build cache, outside the repository:
#   $KLP_CACHE/base         pristine unpacked linux-source-6.12 (never edited)
#   $KLP_CACHE/tree-ours    base + our overlay, upstream livepatch removed
#   $KLP_CACHE/tree-upstream base + only the test wiring (reference kernel)
#   $KLP_CACHE/out/<kernel> O= build directories
#   $KLP_CACHE/logs         serial logs and transcripts of every VM run

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$REPO/harness
KLP_CACHE=${KLP_CACHE:-$HOME/.cache/klp}
BASE=$KLP_CACHE/base
LOGS=$KLP_CACHE/logs
JOBS=${JOBS:-$(nproc)}
export ARCH=x86_64
# Fixed build identity: keeps ccache hits and the version string stable.
export KBUILD_BUILD_TIMESTAMP='Mon Jan  1 00:00:00 UTC 2024'
export KBUILD_BUILD_USER=klp KBUILD_BUILD_HOST=harness
export CCACHE_DIR=${CCACHE_DIR:-$KLP_CACHE/ccache}
# Paths below the cache's parent are hashed relative to the build
# directory, so caches laid out alike (KLP_CACHE=~/.cache/klp-x for a
# second work tree) share ccache hits.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$KLP_CACHE")}

# The paths that make up the series (owned by this repository).
OWNED_DIRS="kernel/livepatch lib/livepatch samples/livepatch
	tools/testing/selftests/livepatch Documentation/livepatch"
OWNED_FILES="include/linux/livepatch.h include/linux/livepatch_sched.h
	Documentation/ABI/testing/sysfs-kernel-livepatch"

tree_of() { echo "$KLP_CACHE/tree-$1"; }
out_of() { echo "$KLP_CACHE/out/$1"; }

check_kernel_name() {
	case "$1" in
	ours|upstream) ;;
	*) echo "unknown kernel '$1' (ours or upstream)" >&2; exit 2 ;;
	esac
}

_t0=$(date +%s)
# phase NAME: print a phase banner; phase_end prints its elapsed time.
phase() {
	_phase_name=$1
	_phase_t0=$(date +%s)
	echo "==> $_phase_name"
}
phase_end() {
	echo "<== $_phase_name: $(( $(date +%s) - _phase_t0 ))s"
}

die() {
	echo "error: $*" >&2
	exit 1
}
