#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh ours|upstream [STAGING_DIR...]: build the test VM's
# initramfs, out/<kernel>/initramfs.cpio (newc, uncompressed).
#
# It is two cpio archives back to back (the kernel unpacks both):
#   initramfs-base.cpio  the host's Debian binaries (bash, kmod, procps,
#                        coreutils, grep, gawk, sed, diffutils, util-linux,
#                        findutils, busybox...) with their shared libraries
#                        and loader, the kernel's modules (out/<k>/modroot),
#                        harness/guest/init as /init, the rest of
#                        harness/guest/ in /klp/bin
#   the staging part     out/<k>/stage (filled by the stage-*.sh scripts)
#                        and every STAGING_DIR, copied to /
# Each part is rebuilt only when the checksum of its inputs changes.
source "$(dirname "$0")/lib.sh"

k=${1:?usage: mkinitramfs.sh ours|upstream [STAGING_DIR...]}
check_kernel_name "$k"
shift
OUT=$(out_of "$k")
MODROOT=$OUT/modroot
[ -d "$MODROOT/lib/modules" ] || die "no modules in $MODROOT: build the $k kernel first"
release=$(cat "$OUT/kernelrelease")

# Whole packages whose programs go in, and single files from others.
PKGS="bash kmod procps coreutils grep gawk sed diffutils util-linux mount
	findutils"
EXTRA_FILES="/usr/bin/getconf /bin/busybox"

stagings=()
[ -d "$OUT/stage" ] && stagings+=("$OUT/stage")
for d in "$@"; do
	[ -d "$d" ] || die "staging directory $d does not exist"
	stagings+=("$(cd "$d" && pwd)")
done

# Checksum of a directory tree: names, modes, link targets, contents.
tree_sum() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%p %m %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha1sum) | sha1sum | cut -c1-40
}

is_elf() { [ "$(head -c4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

# copy_in ROOT PATH: copy one host file to the same path under ROOT
# (symbolic links stay links; their targets are copied too).
copy_in() {
	local root=$1 f=$2 t
	[ -e "$root$f" ] || [ -L "$root$f" ] && return 0
	mkdir -p "$root$(dirname "$f")"
	if [ -L "$f" ]; then
		t=$(readlink "$f")
		cp -P "$f" "$root$f"
		case "$t" in
		/*) copy_in "$root" "$t" ;;
		*) copy_in "$root" "$(dirname "$f")/$t" ;;
		esac
	else
		cp -p "$f" "$root$f"
	fi
}

# libs_of FILE...: the shared libraries and loader the ELF files need.
libs_of() {
	local f
	for f in "$@"; do
		is_elf "$f" || continue
		ldd "$f" 2>/dev/null | sed -n 's|.*=> \(/[^ ]*\) .*|\1|p; s|^[[:space:]]*\(/[^ ]*\) (0x.*|\1|p'
	done | LC_ALL=C sort -u
}

host_files() {
	local p
	for p in $PKGS; do
		dpkg -L "$p" | grep -E '^/(usr/)?s?bin/[^/]+$|^/usr/libexec/coreutils/' || true
	done
	for p in $EXTRA_FILES; do echo "$p"; done
}

base_id=$( {
	cat "$0" "$HARNESS"/guest/*
	dpkg-query -W $PKGS libc6 libc-bin busybox-static
	echo "$release"
	tree_sum "$MODROOT"
} | sha1sum | cut -c1-40)

BASECPIO=$OUT/initramfs-base.cpio
if [ "$(cat "$BASECPIO.id" 2>/dev/null)" != "$base_id" ] || [ ! -f "$BASECPIO" ]; then
	phase "initramfs base ($k, $release)"
	root=$OUT/initramfs-root.$$
	rm -rf "$root" && mkdir -p "$root"
	# Same merged-/usr layout as the host.
	for d in bin sbin lib lib64; do
		if [ -L "/$d" ]; then
			ln -s "$(readlink "/$d")" "$root/$d"
		fi
	done
	mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,dev,proc,sys,tmp,run,root,mnt,etc,var/tmp,klp/bin}
	mapfile -t files < <(host_files | LC_ALL=C sort -u)
	for f in "${files[@]}"; do
		[ -e "$f" ] && copy_in "$root" "$f"
	done
	for f in $(libs_of "${files[@]}"); do
		copy_in "$root" "$f"
	done
	# awk is a Debian alternative (mawk on the host): make it gawk.
	ln -sf gawk "$root/usr/bin/awk"
	# sh is bash (the kselftest runner is #!/bin/sh), and busybox fills
	# in whatever is still missing (reboot, poweroff, ...).
	ln -sf bash "$root/usr/bin/sh"
	for a in $(busybox --list-full); do
		[ -e "$root/$a" ] || [ -L "$root/$a" ] || ln -s /bin/busybox "$root/$a"
	done

	mkdir -p "$root/lib/modules"
	cp -a "$MODROOT/lib/modules/$release" "$root/lib/modules/"
	# build and source point into the host's cache: useless in the VM.
	rm -f "$root/lib/modules/$release"/{build,source}

	install -m 755 "$HARNESS/guest/init" "$root/init"
	for f in "$HARNESS"/guest/*; do
		[ "$(basename "$f")" = init ] && continue
		install -m 755 "$f" "$root/klp/bin/"
	done
	echo 'root:x:0:0:root:/root:/bin/bash' > "$root/etc/passwd"
	echo 'root:x:0:' > "$root/etc/group"
	echo klp > "$root/etc/hostname"
	cat > "$root/etc/profile" <<-'EOF'
		export PATH=/usr/sbin:/usr/bin:/sbin:/bin
		PS1='klp:\w# '
		cd /klp 2>/dev/null
	EOF

	# /dev/console must be in the archive for the kernel to give /init a
	# console; gen_init_cpio (from the kernel build) makes the node
	# without needing root on the host.
	{
		printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\n' |
			"$OUT/usr/gen_init_cpio" -
		(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet)
	} > "$BASECPIO.tmp.$$"
	mv "$BASECPIO.tmp.$$" "$BASECPIO"
	echo "$base_id" > "$BASECPIO.id"
	rm -rf "$root"
	echo "initramfs base: ${#files[@]} host programs, $(du -k "$BASECPIO" | cut -f1) KiB"
	phase_end
fi

stage_id=$( {
	echo "$base_id"
	for s in "${stagings[@]}"; do echo "$s"; tree_sum "$s"; done
} | sha1sum | cut -c1-40)
CPIO=$OUT/initramfs.cpio
if [ "$(cat "$CPIO.id" 2>/dev/null)" != "$stage_id" ] || [ ! -f "$CPIO" ]; then
	phase "initramfs staging (${stagings[*]:-nothing staged})"
	cp "$BASECPIO" "$CPIO.tmp.$$"
	if [ ${#stagings[@]} -gt 0 ]; then
		sroot=$OUT/initramfs-stage.$$
		rm -rf "$sroot" && mkdir -p "$sroot"
		for s in "${stagings[@]}"; do
			cp -a "$s/." "$sroot/"
		done
		# Staged programs may need libraries the base does not have.
		mapfile -t elfs < <(find "$sroot" -type f -perm -u+x ! -name '*.ko')
		for f in $(libs_of "${elfs[@]}"); do
			copy_in "$sroot" "$f"
		done
		# Do not let the staging part replace the base's top-level
		# symlinks (/lib -> usr/lib) with directories.
		for d in bin sbin lib lib64; do
			if [ -d "$sroot/$d" ] && [ ! -L "$sroot/$d" ] && [ -L "/$d" ]; then
				mkdir -p "$sroot/$(readlink "/$d")"
				cp -a "$sroot/$d/." "$sroot/$(readlink "/$d")/"
				rm -rf "${sroot:?}/$d"
			fi
		done
		(cd "$sroot" && find . -mindepth 1 | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet) >> "$CPIO.tmp.$$"
		rm -rf "$sroot"
	fi
	mv "$CPIO.tmp.$$" "$CPIO"
	echo "$stage_id" > "$CPIO.id"
	phase_end
fi
echo "initramfs: $CPIO ($(du -k "$CPIO" | cut -f1) KiB)"
