#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""klp_rela.py [-v] [--defect NAME] RAW.ko OUT.ko: give a livepatch module its .klp.rela sections.

Kbuild builds lib/livepatch/test_klp_rela*.ko in a "raw" form: each
reference that only livepatch can resolve (a static symbol of the patched
module) is a weak undefined symbol that already has its livepatch name,
".klp.sym.<object>.<symbol>,<sympos>", and the relocations that use it sit
alone in their own section.  This script writes a copy in the livepatch
module ELF format (Documentation/livepatch/module-elf-format.rst):

  - each undefined ".klp.sym.*" symbol gets section index SHN_LIVEPATCH and
    global binding, so the module loader leaves it to livepatch;
  - each relocation section whose relocations all use such symbols, of one
    object, is renamed ".klp.rela.<object>.<section>" and flagged SHF_ALLOC
    | SHF_RELA_LIVEPATCH, so livepatch applies it when <object> is present;
  - so is the relocation section of a section named ".klp_refs.<object>"
    or ".klp_refs.<object>.<anything>", for that <object>, whatever symbols
    it uses: that is how the tests make sections that break a rule (a
    symbol that is not a livepatch symbol, or one of another object).

It refuses a relocation section that mixes livepatch symbols with others,
or symbols of several objects, unless it names its object as above (keep
such references in a section of their own), and a module without any
section to convert.  The names are not checked: a malformed one is how the
tests make a module that livepatch must refuse.

--defect NAME then spoils the one converted section, or its livepatch
symbol, the way NAME says (DEFECTS below), for test-hostile-sections.sh:
the module still loads as far as the module loader is concerned, and
livepatch must refuse it.

Only x86_64 (ELF64, little endian) is handled.  New section names are
appended in a copy of the section name table at the end of the file; the
rest of the file keeps its layout.
"""
import os
import struct
import sys

SHT_SYMTAB = 2
SHT_RELA = 4
SHT_REL = 9
SHF_ALLOC = 0x2
SHF_RELA_LIVEPATCH = 0x00100000
SHN_UNDEF = 0
SHN_LIVEPATCH = 0xff20
STB_GLOBAL = 1
KLP_SYM = ".klp.sym."
KLP_REFS = ".klp_refs."

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
SHDR = struct.Struct("<IIQQQQIIQQ")
SYM = struct.Struct("<IBBHQQ")
RELA = struct.Struct("<QQq")


class Section:
    def __init__(self, index, raw):
        self.index = index
        (self.name_off, self.type, self.flags, self.addr, self.offset,
         self.size, self.link, self.info, self.addralign,
         self.entsize) = SHDR.unpack(raw)
        self.name = None

    def pack(self):
        return SHDR.pack(self.name_off, self.type, self.flags, self.addr,
                         self.offset, self.size, self.link, self.info,
                         self.addralign, self.entsize)


# --defect NAME: what it does to the converted section (or its symbol).
DEFECTS = {
    "info-zero": "the section applies to section 0 (no section)",
    "info-range": "the section applies to a section index past e_shnum",
    "info-noalloc": "the section applies to .comment, which is not loaded",
    "info-symtab": "the section applies to the symbol table",
    "noalloc": "the section itself is not SHF_ALLOC (not kept in memory)",
    "type-rel": "the section's type is SHT_REL, not SHT_RELA",
    "offset-end": "its relocation's offset is the size of its section",
    "offset-huge": "its relocation's offset is 1 TiB",
    "sym-range": "its relocation's symbol index is past the symbol table",
    "type-unknown": "its relocation's type is 0xffff",
    "sym-unterminated": "the symbol name has no NUL: it runs on into the "
                        "names after it",
    "sym-nopos": "the symbol name ends at ',': no sympos",
    "sym-nosym": "the symbol name is '.klp.sym.<object>' only",
    "sym-noobj": "the symbol name has an empty object: '.klp.sym..<name>'",
    "sym-hugepos": "the symbol's sympos is 18446744073709551615",
    "sym-longobj": "the symbol's object name is 64 characters long",
}


def cstr(data, off):
    return data[off:data.index(b"\0", off)].decode()


def die(msg):
    sys.exit("klp_rela.py: " + msg)


def spoil(elf, defect, secs, symtab, strtab, rela, klp_syms):
    """Spoil converted section @rela as --defect says; return new strtab."""
    rel0 = rela.offset
    r_offset, r_info, r_addend = RELA.unpack_from(elf, rel0)
    nsyms = symtab.size // SYM.size
    name, obj = next(iter(klp_syms.values()))
    prefix, _, rest = name.partition(f"{KLP_SYM}{obj}.")
    sym, _, pos = rest.partition(",")
    renamed = {
        "sym-nopos": f"{KLP_SYM}{obj}.{sym},",
        "sym-nosym": f"{KLP_SYM}{obj}",
        "sym-noobj": f"{KLP_SYM}.{sym},{pos}",
        "sym-hugepos": f"{KLP_SYM}{obj}.{sym},18446744073709551615",
        "sym-longobj": f"{KLP_SYM}{'o' * 64}.{sym},{pos}",
    }
    if defect == "info-zero":
        rela.info = 0
    elif defect == "info-range":
        rela.info = len(secs) + 100
    elif defect == "info-noalloc":
        comment = [t for t in secs if t.name == ".comment"]
        if not comment or comment[0].flags & SHF_ALLOC:
            die("no .comment section that is not SHF_ALLOC")
        rela.info = comment[0].index
    elif defect == "info-symtab":
        rela.info = symtab.index
    elif defect == "noalloc":
        rela.flags &= ~SHF_ALLOC
    elif defect == "type-rel":
        rela.type = SHT_REL
    elif defect == "offset-end":
        RELA.pack_into(elf, rel0, secs[rela.info].size, r_info, r_addend)
    elif defect == "offset-huge":
        RELA.pack_into(elf, rel0, 1 << 40, r_info, r_addend)
    elif defect == "sym-range":
        RELA.pack_into(elf, rel0, r_offset,
                       ((nsyms + 1000) << 32) | (r_info & 0xffffffff),
                       r_addend)
    elif defect == "type-unknown":
        RELA.pack_into(elf, rel0, r_offset,
                       (r_info & ~0xffffffff) | 0xffff, r_addend)
    elif defect in renamed or defect == "sym-unterminated":
        # The new name goes to the end of a copy of .strtab.
        (idx,) = klp_syms
        table = elf[strtab.offset:strtab.offset + strtab.size]
        struct.pack_into("<I", elf, symtab.offset + idx * SYM.size,
                         len(table))
        if defect == "sym-unterminated":
            # No NUL: the name runs on into the names of the table.
            table += name.encode() + table[1:]
        else:
            table += renamed[defect].encode() + b"\0"
        strtab.offset = len(elf)
        strtab.size = len(table)
        elf += table
    else:
        die(f"unknown defect {defect}: one of {', '.join(DEFECTS)}")
    return f"{defect}: {DEFECTS[defect]}"


def convert(elf, what, defect=None):
    ident = elf[:16]
    if ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
        die(f"{what}: not a little-endian ELF64 file")
    ehdr = list(EHDR.unpack_from(elf))
    shoff, shentsize, shnum, shstrndx = ehdr[6], ehdr[11], ehdr[12], ehdr[13]
    if shentsize != SHDR.size:
        die(f"{what}: unexpected section header size {shentsize}")

    secs = [Section(i, elf[shoff + i * SHDR.size:shoff + (i + 1) * SHDR.size])
            for i in range(shnum)]
    shstr = secs[shstrndx]
    shstrtab = elf[shstr.offset:shstr.offset + shstr.size]
    for s in secs:
        s.name = cstr(shstrtab, s.name_off)

    symtabs = [s for s in secs if s.type == SHT_SYMTAB]
    if len(symtabs) != 1:
        die(f"{what}: expected one symbol table, found {len(symtabs)}")
    symtab = symtabs[0]
    strtab = secs[symtab.link]
    nsyms = symtab.size // SYM.size

    # The livepatch symbols: index -> (name, object).
    klp_syms = {}
    for i in range(nsyms):
        off = symtab.offset + i * SYM.size
        st_name, st_info, st_other, st_shndx, _, _ = SYM.unpack_from(elf, off)
        name = cstr(elf, strtab.offset + st_name)
        if not name.startswith(KLP_SYM):
            continue
        if st_shndx != SHN_UNDEF:
            die(f"{what}: {name} is not an undefined symbol "
                "(already converted?)")
        obj = name[len(KLP_SYM):].split(".", 1)[0]
        klp_syms[i] = (name, obj)
        st_info = (STB_GLOBAL << 4) | (st_info & 0xf)
        struct.pack_into("<BBH", elf, off + 4, st_info, st_other,
                         SHN_LIVEPATCH)

    new_names = bytearray()
    report = []
    converted = []
    for s in secs:
        if s.type != SHT_RELA or s.link != symtab.index:
            continue
        used = [RELA.unpack_from(elf, s.offset + j * RELA.size)[1] >> 32
                for j in range(s.size // RELA.size)]
        target = secs[s.info]
        if target.name.startswith(KLP_REFS):
            # The section says which object it is for.
            objs = {target.name[len(KLP_REFS):].split(".", 1)[0]}
        else:
            objs = {klp_syms[i][1] for i in used if i in klp_syms}
            if not objs:
                continue
            if len(objs) > 1 or any(i not in klp_syms for i in used):
                die(f"{what}: section {s.name} mixes livepatch symbols "
                    "with other symbols or objects; give each object's "
                    "references a section of their own, or name the "
                    f"object: {KLP_REFS}<object>")
        if not target.flags & SHF_ALLOC:
            die(f"{what}: {s.name} applies to {target.name}, which is not "
                "loaded in memory")
        new = f".klp.rela.{objs.pop()}.{target.name.lstrip('.')}"
        report.append(f"{s.name} -> {new} ({len(used)} relocation(s))")
        s.name_off = len(shstrtab) + len(new_names)
        new_names += new.encode() + b"\0"
        s.flags |= SHF_ALLOC | SHF_RELA_LIVEPATCH
        converted.append(s)
    if not report:
        die(f"{what}: no relocation section uses livepatch symbols or "
            f"applies to a {KLP_REFS}<object> section")

    if defect:
        if len(converted) != 1 or len(klp_syms) != 1:
            die(f"{what}: --defect needs one converted section and one "
                "livepatch symbol")
        report.append(spoil(elf, defect, secs, symtab, strtab, converted[0],
                            klp_syms))

    # The section names, old and new, go to the end of the file.
    shstr.offset = len(elf)
    shstr.size = len(shstrtab) + len(new_names)
    elf += shstrtab + new_names
    for s in secs:
        struct.pack_into(f"{SHDR.size}s", elf, shoff + s.index * SHDR.size,
                         s.pack())
    syms = ", ".join(sorted(n for n, _ in klp_syms.values())) or "none"
    return elf, report + [f"SHN_LIVEPATCH: {syms}"]


def main():
    args = sys.argv[1:]
    verbose = args[:1] == ["-v"]
    if verbose:
        args = args[1:]
    defect = None
    if args[:1] == ["--defect"] and len(args) > 1:
        defect = args[1]
        if defect not in DEFECTS:
            die(f"unknown defect {defect}: one of {', '.join(DEFECTS)}")
        args = args[2:]
    if len(args) != 2:
        sys.exit(__doc__)
    src, dst = args
    with open(src, "rb") as f:
        elf = bytearray(f.read())
    elf, report = convert(elf, src, defect)
    with open(dst + ".tmp", "wb") as f:
        f.write(elf)
    os.replace(dst + ".tmp", dst)
    for line in report if verbose else []:
        print(f"{os.path.basename(dst)}: {line}")


if __name__ == "__main__":
    main()
