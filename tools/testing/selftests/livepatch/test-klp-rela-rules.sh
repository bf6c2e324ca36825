#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the rules for the symbols and sections of .klp.rela
#   relocations (Documentation/livepatch/module-elf-format.rst), one
#   module per rule (the check_rule calls below), with test_klp_target
#   and test_klp_cb_mod_a loaded: loading the module fails with EINVAL,
#   leaves neither the module nor a patch behind, logs one line naming
#   the patch, the section and the symbol or object, and tgt_probe()
#   stays the target's own.
# requires: test_klp_target, test_klp_cb_mod_a, and the test_klp_rela_*.ko
#   below, converted by klp_rela.py at install time.  On upstream 6.12
#   (recognized by the lack of /sys/kernel/debug/livepatch), whose log
#   lines are worded otherwise, the lines are shown, not compared; and
#   the three patches that upstream accepts, and this tree refuses on
#   purpose, are checked to load there and to show what their new code
#   does.
. "$(dirname "$0")/klp_common.sh"
klp_setup

T=test_klp_target
O=test_klp_cb_mod_a
TSEC=.klp.rela.$T.klp_refs.$T
ours=true
[ -d /sys/kernel/debug/livepatch ] || ours=false

# check_rule MODULE DEFECT LINE UPSTREAM: loading MODULE, whose
# .klp.rela section has DEFECT, fails with EINVAL and logs
# "livepatch: '<module>': LINE"; on upstream 6.12, UPSTREAM is "refused",
# or what tgt_probe() returns once upstream accepted the patch.
check_rule() {
	local p=$1 defect=$2 line=$3 upstream=$4

	klp_say "--- $defect ($p)"
	if [ ! -f "$KLP_DIR/$p.ko" ]; then
		klp_expect "$KLP_DIR/$p.ko, made by the kselftest Makefile" \
			present absent
		return
	fi

	klp_log_start
	if ! $ours && [ "$upstream" != refused ]; then
		klp_say "upstream 6.12 accepts $p, which this tree refuses on" \
			"purpose (see module-elf-format.rst): checking that it does"
		klp_load "$KLP_DIR/$p.ko"
		klp_expect "upstream 6.12: $T probe with $p" "$upstream" \
			"$(klp_param $T probe)"
		klp_disable "$p"
		klp_remove "$p"
		return
	fi

	klp_load_refused EINVAL "$KLP_DIR/$p.ko"
	if $ours; then
		klp_expect_log "% insmod $p.ko
livepatch: '$p': $line"
	else
		klp_say "upstream 6.12 logged:"
		klp_log_seen | sed 's/^/    /'
	fi
	klp_expect "$T probe after the refusal" original "$(klp_param $T probe)"

	# A patch accepted by mistake would spoil the next cases.
	if klp_patch_exists "$p"; then
		klp_say "$p: $T probe while it is loaded: $(klp_param $T probe)"
		klp_wait_until "done with the transition of $p" \
			klp_transition_done "$p"
		klp_disable "$p"
	fi
	if klp_is_loaded "$p"; then
		klp_remove "$p"
	fi
}

klp_insert $T
klp_insert $O
$ours || klp_say "upstream 6.12: log lines shown, not compared"

check_rule test_klp_rela_badsec \
	"a .klp.rela section without an object in its name" \
	"malformed livepatch relocation section name '.klp.rela..klp_refs..none'" \
	refused
check_rule test_klp_rela_undef \
	"an undefined symbol (SHN_UNDEF) in a .klp.rela section" \
	"$TSEC: symbol 'tgt_secret' is not a livepatch symbol (SHN_LIVEPATCH)" \
	refused
check_rule test_klp_rela_local \
	"a symbol defined in the patch module in a .klp.rela section" \
	"$TSEC: symbol 'rela_local_secret' is not a livepatch symbol (SHN_LIVEPATCH)" \
	refused
check_rule test_klp_rela_modvmlinux \
	"a vmlinux symbol in a module's .klp.rela section" \
	"$TSEC: vmlinux symbol 'skip_atoi' belongs in a .klp.rela.vmlinux section" \
	refused
line="$TSEC: symbol 'cb_mod_answer' of module '$O' is out of reach:"
line+=" only '$T' ones may be used here"
check_rule test_klp_rela_othermod \
	"another module's symbol in a module's .klp.rela section" \
	"$line" \
	"called $O's cb_mod_answer()"
line=".klp.rela.vmlinux.klp_refs.vmlinux: symbol 'tgt_secret' of module '$T'"
line+=" is out of reach: only 'vmlinux' ones may be used here"
check_rule test_klp_rela_vmlinuxmod \
	"a module's symbol in a .klp.rela.vmlinux section" \
	"$line" \
	"secret of $T"
check_rule test_klp_rela_noobj \
	"a .klp.rela section for an object that is not in the patch" \
	".klp.rela.$O.klp_refs: object '$O' is not part of the patch" \
	unresolved

klp_remove $O
klp_remove $T

klp_done
