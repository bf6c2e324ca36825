#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-configs.sh [CONFIG...]: build our kernel and its modules (our
# livepatch, samples/livepatch and lib/livepatch as modules, so modpost
# checks what they link against) in the configurations that "make check"
# does not boot, and say which build breaks:
#   ppc64le    ARCH=powerpc with powerpc64le-linux-gnu-gcc: tinyconfig +
#              config/cross/livepatch.config + config/cross/ppc64le.config
#   s390x      ARCH=s390 with s390x-linux-gnu-gcc: tinyconfig +
#              config/cross/livepatch.config + config/cross/s390x.config
#   x86_64-rt  the variant ours-rt (build-kernel.sh ours rt): PREEMPT_RT
# None of them has the PREEMPT_DYNAMIC static call, so every module that
# calls cond_resched() links against klp_sched_try_switch_key.  Each
# configuration is checked like build-kernel.sh does (every option of its
# fragments must stick).  Prints one "PASS|FAIL <config> (<seconds>s)"
# line per configuration, with the first errors of a failed one (the
# whole build log is $KLP_CACHE/logs/<time>-configs-<config>.log), and
# ends with "N passed, N failed"; exits non-zero when one fails.
# Builds go to $KLP_CACHE/out/<config> (x86_64-rt: out/ours-rt), with
# ccache, so a second run only rebuilds what changed.
source "$(dirname "$0")/lib.sh"

ALL="ppc64le s390x x86_64-rt"
configs=${*:-$ALL}
for c in $configs; do
	case " $ALL " in
	*" $c "*) ;;
	*) die "unknown configuration '$c' (one of: $ALL)" ;;
	esac
done

CROSS_FRAGS=$HARNESS/config/cross
TREE=$(tree_of ours)
mkdir -p "$LOGS" "$CCACHE_DIR"

# cross_build CONFIG ARCH PREFIX: configure and build vmlinux and the
# modules of one cross configuration.
cross_build() {
	local c=$1 arch=$2 cc=$3 out frags id
	local make

	out=$(out_of "$c")
	frags=("$CROSS_FRAGS/livepatch.config" "$CROSS_FRAGS/$c.config")
	command -v "${cc}gcc" >/dev/null ||
		{ echo "no ${cc}gcc: run harness/install-deps.sh --cross"; return 1; }
	make=(make -C "$TREE" O="$out" ARCH="$arch" CROSS_COMPILE="$cc"
		CC="ccache ${cc}gcc" HOSTCC="ccache gcc" -j"$JOBS")
	mkdir -p "$out"
	id=$(cat "${frags[@]}" | sha1sum | cut -c1-16)
	if [ ! -f "$out/.config" ] || [ "$(cat "$out/.klp-config-id" 2>/dev/null)" != "$id" ]; then
		echo "configure $c: tinyconfig$(printf ' + %s' "${frags[@]#"$REPO"/}")"
		"${make[@]}" -s tinyconfig >/dev/null &&
			"$TREE/scripts/kconfig/merge_config.sh" -m -O "$out" \
				"$out/.config" "${frags[@]}" >/dev/null &&
			"${make[@]}" -s olddefconfig >/dev/null || return 1
		echo "$id" > "$out/.klp-config-id"
	fi
	if ! config_unmet "$out/.config" "${frags[@]}" 2>&1; then
		rm -f "$out/.klp-config-id"
		echo "kernel config for $c is incomplete"
		return 1
	fi
	echo "build $c: vmlinux modules"
	"${make[@]}" -s vmlinux modules 2>&1
}

# build CONFIG: the build of one configuration, all its output.
build() {
	case "$1" in
	ppc64le) cross_build ppc64le powerpc powerpc64le-linux-gnu- ;;
	s390x) cross_build s390x s390 s390x-linux-gnu- ;;
	x86_64-rt) "$HARNESS/build-kernel.sh" ours rt 2>&1 ;;
	esac
}

passed=0 failed=0
summary=()
"$HARNESS/make-tree.sh" ours
for c in $configs; do
	log=$LOGS/$(date +%Y%m%d-%H%M%S)-configs-$c.log
	phase "$c: our kernel and modules"
	t0=$(date +%s)
	if build "$c" > "$log" 2>&1; then
		st=PASS
		passed=$((passed + 1))
	else
		st=FAIL
		failed=$((failed + 1))
	fi
	line="$st $c ($(( $(date +%s) - t0 ))s)"
	echo "$line"
	if [ $st = FAIL ]; then
		# The compiler's, linker's and modpost's errors; else the
		# end of the log.
		{ grep -E 'error:|ERROR:|: in function|undefined reference|^config: |^no |incomplete' "$log" ||
			tail -n 20 "$log"; } | head -n 20 | sed 's/^/    /'
		echo "    (whole log: $log)"
	fi
	summary+=("$line")
	phase_end
done
echo
echo "==> configurations"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
