#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""klp_rela.py [-v] RAW.ko OUT.ko: give a livepatch module its .klp.rela sections.

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

Only x86_64 (ELF64, little endian) is handled.  New section names are
appended in a copy of the section name table at the end of the file; the
rest of the file keeps its layout.
"""
import os
import struct
import sys

SHT_SYMTAB = 2
SHT_RELA = 4
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


def cstr(data, off):
    return data[off:data.index(b"\0", off)].decode()


def die(msg):
    sys.exit("klp_rela.py: " + msg)


def convert(elf, what):
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
    if not report:
        die(f"{what}: no relocation section uses livepatch symbols or "
            f"applies to a {KLP_REFS}<object> section")

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
    if len(args) != 2:
        sys.exit(__doc__)
    src, dst = args
    with open(src, "rb") as f:
        elf = bytearray(f.read())
    elf, report = convert(elf, src)
    with open(dst + ".tmp", "wb") as f:
        f.write(elf)
    os.replace(dst + ".tmp", dst)
    for line in report if verbose else []:
        print(f"{os.path.basename(dst)}: {line}")


if __name__ == "__main__":
    main()
