#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: hostile .klp.rela sections and .klp.sym names are refused
#   cleanly, one module per defect: test_klp_rela.ko (a section of
#   test_klp_target) and test_klp_rela_vmlinux.ko (one of vmlinux),
#   spoiled by klp_rela.py --defect (see DEFECTS there) as
#   test_klp_hostile_*.ko.  Loading one fails with the errno of the case,
#   logs one "livepatch:" line naming the patch and the section or
#   symbol, reports nothing (WARNING, BUG, stack dump), leaves the module
#   out and /sys/kernel/livepatch and ftrace's enabled_functions as they
#   were; and the valid module loads, works and goes afterwards.  Prints
#   a table: case, expected errno, got, result, and the number of
#   distinct hostile inputs.  HOSTILE_CASES="<glob>..." runs only the
#   cases whose names match.
# requires: test_klp_target, and the test_klp_rela*.ko and
#   test_klp_hostile_*.ko that the kselftest Makefile makes with
#   klp_rela.py.  On upstream 6.12 (no /sys/kernel/debug/livepatch) each
#   case expects upstream's own behaviour, which
#   Documentation/livepatch/differences.rst explains where it differs;
#   the cases that make upstream write or read through a bad pointer are
#   not run there (they take the kernel down).
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_hostile.sh"
klp_setup

for f in $RELA $RELAV test_klp_hostile_info-zero; do
	[ -f "$KLP_DIR/$f.ko" ] ||
		klp_fail "no $KLP_DIR/$f.ko: the kselftest Makefile makes it" \
			"from \$KDIR/lib/livepatch"
done

klp_insert $T

klp_say "=== .klp.rela sections of a module object (test_klp_hostile_*.ko, made from $RELA)"
SEC=.klp.rela.$T.klp_refs
h() { echo "$KLP_DIR/test_klp_hostile_$1.ko"; }
UNSAFE="oopses or writes past the section (HOSTILE_UNSAFE=1 shows it)"
refuse_case rela_applies_to_section_0 EINVAL skip:"$UNSAFE" \
	"1|'$RELA': $SEC: applies to section 0, which does not exist" rela "$(h info-zero)"
refuse_case rela_applies_past_e_shnum EINVAL skip:"$UNSAFE" \
	"1|'$RELA': $SEC: applies to section|which does not exist" rela "$(h info-range)"
refuse_case rela_applies_to_comment EINVAL skip:"$UNSAFE" \
	"1|'$RELA': $SEC: applies to section '.comment', which is not loaded" \
	rela "$(h info-noalloc)"
refuse_case rela_applies_to_symtab EINVAL skip:"$UNSAFE" \
	"1|'$RELA': $SEC: applies to '.symtab', the symbol or string table" rela "$(h info-symtab)"
refuse_case rela_not_SHF_ALLOC EINVAL skip:"oopses reading the freed copy of the file" \
	"1|'$RELA': $SEC: is not kept in memory (no SHF_ALLOC)" rela "$(h noalloc)"
refuse_case rela_type_SHT_REL EINVAL loads \
	"1|'$RELA': $SEC: is not a SHT_RELA section" rela "$(h type-rel)"
refuse_case rela_offset_at_section_end EINVAL skip:"$UNSAFE" \
	"1|'$RELA': $SEC: relocation 0 at offset 8 is outside its section" rela "$(h offset-end)"
refuse_case rela_offset_1TiB EINVAL skip:"$UNSAFE" \
	"1|'$RELA': $SEC: relocation 0 at offset 1099511627776 is outside its section" \
	rela "$(h offset-huge)"
refuse_case rela_symbol_index_past_symtab EINVAL skip:"$UNSAFE" \
	"1|'$RELA': $SEC: relocation 0 names symbol|past the symbol table" rela "$(h sym-range)"
refuse_case rela_type_unknown ENOEXEC ENOEXEC \
	"1|'$RELA': $SEC: apply_relocate_add() failed (-8)" rela "$(h type-unknown)"
refuse_case klp_sym_unterminated EINVAL loads \
	"1|'$RELA': $SEC: malformed livepatch symbol name '.klp.sym.$T.tgt_secret,0" \
	rela "$(h sym-unterminated)"
refuse_case klp_sym_without_sympos EINVAL EINVAL \
	"1|'$RELA': $SEC: malformed livepatch symbol name '.klp.sym.$T.tgt_secret,'" \
	rela "$(h sym-nopos)"
refuse_case klp_sym_without_symbol EINVAL EINVAL \
	"1|'$RELA': $SEC: malformed livepatch symbol name '.klp.sym.$T'" \
	rela "$(h sym-nosym)"
refuse_case klp_sym_empty_object EINVAL EINVAL \
	"1|'$RELA': $SEC: malformed livepatch symbol name '.klp.sym..tgt_secret,0'" \
	rela "$(h sym-noobj)"
refuse_case klp_sym_huge_sympos EINVAL EINVAL \
	"1|'$RELA': object '$T': symbol 'tgt_secret' (sympos $ULONG_MAX) has no such position" \
	rela "$(h sym-hugepos)"
refuse_case klp_sym_object_name_too_long EINVAL EINVAL \
	"1|'$RELA': $SEC: malformed livepatch symbol name '.klp.sym.oooo" \
	rela "$(h sym-longobj)"

klp_say "=== .klp.rela.vmlinux sections (test_klp_hostile_vmlinux_*.ko, made from $RELAV)"
SEC=.klp.rela.vmlinux.klp_refs
h() { echo "$KLP_DIR/test_klp_hostile_vmlinux_$1.ko"; }
refuse_case vmlinux_rela_applies_to_section_0 EINVAL loads \
	"1|'$RELAV': $SEC: applies to section 0, which does not exist" rela_vmlinux "$(h info-zero)"
refuse_case vmlinux_rela_applies_to_comment EINVAL loads \
	"1|'$RELAV': $SEC: applies to section '.comment', which is not loaded" \
	rela_vmlinux "$(h info-noalloc)"
refuse_case vmlinux_rela_applies_to_symtab EINVAL skip:"$UNSAFE" \
	"1|'$RELAV': $SEC: applies to '.symtab', the symbol or string table" \
	rela_vmlinux "$(h info-symtab)"
refuse_case vmlinux_rela_not_SHF_ALLOC EINVAL loads \
	"1|'$RELAV': $SEC: is not kept in memory (no SHF_ALLOC)" rela_vmlinux "$(h noalloc)"
refuse_case vmlinux_rela_offset_1TiB EINVAL skip:"$UNSAFE" \
	"1|'$RELAV': $SEC: relocation 0 at offset 1099511627776 is outside its section" \
	rela_vmlinux "$(h offset-huge)"
refuse_case vmlinux_rela_symbol_index_past_symtab EINVAL skip:"$UNSAFE" \
	"1|'$RELAV': $SEC: relocation 0 names symbol|past the symbol table" \
	rela_vmlinux "$(h sym-range)"
refuse_case vmlinux_klp_sym_unterminated EINVAL loads \
	"1|'$RELAV': $SEC: malformed livepatch symbol name '.klp.sym.vmlinux.skip_atoi,0" \
	rela_vmlinux "$(h sym-unterminated)"

klp_remove $T
hostile_done "hostile .klp.rela sections"
