#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: old_sympos picks one of two functions of the same name:
#   test_klp_target has two static tgt_twin(), one per source file.  With
#   old_sympos=N the patch replaces the N-th in kallsyms order (which one
#   that is, is read from /proc/kallsyms and the module's own addresses),
#   its sysfs directory is "tgt_twin,N", and the other keeps running.
#   old_sympos=0 (the name must be unique) and an N past the last are
#   refused while the module is loaded, and make a later load of the
#   module fail while the patch waits for it.
# requires: test_klp_target, test_klp_sympos
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
P=test_klp_sympos

klp_insert $T
read -r -a in_kallsyms <<< \
	"$(awk -v m="[$T]" '$3 == "tgt_twin" && $4 == m { print $1 }' /proc/kallsyms | xargs)"
[ ${#in_kallsyms[@]} -eq 2 ] ||
	klp_fail "expected two tgt_twin in /proc/kallsyms for $T, found: ${in_kallsyms[*]}"
read -r main_addr twin_addr <<< "$(klp_param $T twin_addrs)"
original=$(klp_param $T twins)
klp_expect "$T twins before patching (main file, twin file)" "main twin" "$original"

for pos in 1 2; do
	case "${in_kallsyms[pos - 1]}" in
	"$main_addr") file=main expected="patched twin" ;;
	"$twin_addr") file=twin expected="main patched" ;;
	*) klp_fail "tgt_twin #$pos of /proc/kallsyms is at ${in_kallsyms[pos - 1]}," \
		"neither $main_addr nor $twin_addr" ;;
	esac
	klp_say "tgt_twin #$pos in /proc/kallsyms is the one of the $file file"

	klp_load $P pos=$pos
	klp_expect "$T twins with old_sympos=$pos" "$expected" "$(klp_param $T twins)"
	klp_expect "function directories of $P/$T" "tgt_twin,$pos" \
		"$(cd "$KLP_SYSFS/$P/$T" && find . -mindepth 1 -type d | sed 's|^\./||' | xargs)"
	klp_disable $P
	klp_remove $P
	klp_expect "$T twins once $P is gone" "$original" "$(klp_param $T twins)"
done

klp_load_refused EINVAL $P pos=0
klp_load_refused EINVAL $P pos=3
klp_expect "$T twins after the refusals" "$original" "$(klp_param $T twins)"

# Without the module, the ambiguity only shows when the module loads.
klp_remove $T
klp_load $P pos=0
klp_log_start
klp_load_refused EINVAL $T
klp_expect "livepatch refused $T for $P" \
	"livepatch: patch '$P' failed for module '$T', refusing to load module '$T'" \
	"$(klp_log_seen | grep "refusing to load module")"
klp_expect "$P/enabled, after $T was refused" 1 "$(klp_attr $P enabled)"
klp_expect "$P/$T/patched" 0 "$(klp_attr $P $T/patched)"
klp_disable $P
klp_remove $P

klp_done
