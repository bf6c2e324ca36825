#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-kernel.sh ours|upstream [VARIANT]: lay the tree, configure
# (tinyconfig + harness/config/livepatch.config, then
# harness/config/VARIANT.config when given, every option checked), build
# bzImage and modules out of tree with ccache, install the modules for the
# guest.  A variant builds from the same tree into out/<kernel>-VARIANT,
# and "ours-VARIANT" names that kernel everywhere else (run-vm.sh,
# run-suite.sh, ...); "build-kernel.sh ours-VARIANT" works too.
source "$(dirname "$0")/lib.sh"

k=${1:?usage: build-kernel.sh ours|upstream [VARIANT]}
[ -z "${2:-}" ] || k=$k-$2
check_kernel_name "$k"
kb=$(kernel_base "$k")
TREE=$(tree_of "$k")
OUT=$(out_of "$k")
FRAGS=("$HARNESS/config/livepatch.config")
# Options only our kernel has (harness/config/ours/).
[ "$kb" != ours ] || FRAGS+=("$HARNESS"/config/ours/*.config)
v=$(kernel_variant "$k")
[ -z "$v" ] || FRAGS+=("$HARNESS/config/$v.config")

"$HARNESS/make-tree.sh" "$kb"
mkdir -p "$OUT" "$CCACHE_DIR"
MAKE=(make -C "$TREE" O="$OUT" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS")

cfg_id=$(cat "${FRAGS[@]}" | sha1sum | cut -c1-16)
if [ ! -f "$OUT/.config" ] || [ "$(cat "$OUT/.klp-config-id" 2>/dev/null)" != "$cfg_id" ]; then
	frags=$(printf ' + %s' "${FRAGS[@]#"$REPO"/}")
	phase "configure $k (tinyconfig$frags)"
	"${MAKE[@]}" -s tinyconfig >/dev/null
	"$TREE/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" "${FRAGS[@]}" >/dev/null
	"${MAKE[@]}" -s olddefconfig >/dev/null
	echo "$cfg_id" > "$OUT/.klp-config-id"
	phase_end
fi

# Every requested option must have stuck.
config_unmet "$OUT/.config" "${FRAGS[@]}" ||
	{ rm -f "$OUT/.klp-config-id"; die "kernel config for $k is incomplete"; }

phase "build $k kernel (-j$JOBS, ccache)"
"${MAKE[@]}" -s bzImage modules 2>&1 | { grep -v '^  \(CC\|LD\|AR\)' || true; } ||
	die "kernel build ($k) failed"
phase_end

phase "install $k modules"
rm -rf "$OUT/modroot.new"
"${MAKE[@]}" -s INSTALL_MOD_PATH="$OUT/modroot.new" INSTALL_MOD_STRIP=1 \
	DEPMOD=/sbin/depmod modules_install >/dev/null
rm -rf "$OUT/modroot" && mv "$OUT/modroot.new" "$OUT/modroot"
make -s -C "$TREE" O="$OUT" kernelrelease > "$OUT/kernelrelease"
phase_end
echo "$k kernel: $OUT/arch/x86/boot/bzImage ($(cat "$OUT/kernelrelease"))"
