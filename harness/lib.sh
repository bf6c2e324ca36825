# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the harness scripts.  Sourced, not run.
#
# Everything large lives in the build cache, outside the repository:
#   $KLP_CACHE/base         pristine unpacked linux-source-6.12 (never edited)
#   $KLP_CACHE/tree-ours    base + our overlay, upstream livepatch removed
#   $KLP_CACHE/tree-upstream base + only the test wiring (reference kernel)
#   $KLP_CACHE/out/<kernel> O= build directories; a variant of a kernel
#                           (ours-nodyn: harness/config/nodyn.config over
#                           the usual config) builds from the same tree
#                           into out/ours-nodyn
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

# A kernel name is ours or upstream, or a variant of either: ours-nodyn
# is ours configured with harness/config/nodyn.config merged last.
kernel_base() { echo "${1%%-*}"; }
kernel_variant() { case "$1" in *-*) echo "${1#*-}" ;; esac; }
tree_of() { echo "$KLP_CACHE/tree-$(kernel_base "$1")"; }
out_of() { echo "$KLP_CACHE/out/$1"; }
# The make target that builds a kernel, for messages.
make_target_of() {
	case "$1" in
	ours) echo "make kernel" ;;
	upstream) echo "make reference" ;;
	*) echo "harness/build-kernel.sh $(kernel_base "$1") $(kernel_variant "$1")" ;;
	esac
}

# The variants: harness/config/*.config but the base fragment.
kernel_variants() {
	local f

	for f in "$HARNESS"/config/*.config; do
		f=$(basename "$f" .config)
		[ "$f" = livepatch ] || echo "$f"
	done
}

check_kernel_name() {
	local v

	case "$1" in
	ours|upstream) return ;;
	ours-*|upstream-*)
		v=$(kernel_variant "$1")
		case "$v" in
		livepatch|*[!a-z0-9_]*) ;;
		*) [ -f "$HARNESS/config/$v.config" ] && return ;;
		esac
		;;
	esac
	echo "unknown kernel '$1' (ours or upstream, or <kernel>-<variant> with a" \
		"variant of $(kernel_variants | tr '\n' ' ')in harness/config/)" >&2
	exit 2
}

# config_unmet CONFIG FRAGMENT...: check a .config against the fragments
# merged into it: each option they set ("CONFIG_X=v", or "# CONFIG_X is
# not set"; the last fragment naming an option wins) must have stuck.
# Prints every one that did not; false if any.
config_unmet() {
	local cfg=$1 opt want bad=0

	shift
	while read -r opt want; do
		case "$want" in
		n) grep -q "^$opt=" "$cfg" || continue ;;
		*) grep -qx "$opt=$want" "$cfg" && continue ;;
		esac
		echo "config: $opt requested as $want but is" \
			"'$(grep -E "^(# )?$opt[= ]" "$cfg" || echo absent)'" >&2
		bad=1
	done < <(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)/\1 \2/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 n/p' "$@" |
		awk '{ if (!($1 in v)) o[n++] = $1; v[$1] = $2 }
			END { for (i = 0; i < n; i++) print o[i], v[o[i]] }')
	[ $bad = 0 ]
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

# vm_why RC: what a non-zero exit status of run-vm.sh means.
vm_why() {
	case "$1" in
	124) echo "timeout" ;;
	125) echo "the guest crashed or hung" ;;
	126) echo "the kernel reported a problem (see above)" ;;
	*) echo "guest exit status $1" ;;
	esac
}

die() {
	echo "error: $*" >&2
	exit 1
}
