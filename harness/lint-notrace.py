#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""lint-notrace.py OBJECT FUNCTION...: prove that FUNCTION (an ftrace
handler) reaches no traceable code in the built OBJECT.

An ftrace handler that calls a function ftrace can attach to recurses as
soon as someone traces or live patches that function.  Starting at each
FUNCTION, this follows every direct call and jump (conditional jumps and
tail calls included) whose target lies in OBJECT, transitively, and prints
the call graph it walked.  It fails when:

  - a function reached (FUNCTION included) has an ftrace location: a call
    to __fentry__ (or mcount), or an entry of __mcount_loc or
    __patchable_function_entries inside it (the latter catch call sites
    that objtool already turned into NOPs);
  - a call or jump is indirect (through a register, memory, or a retpoline
    __x86_indirect_thunk): where it goes cannot be read from the object;
  - a call or jump leaves OBJECT for a function not in NOTRACE_EXTERNAL
    below.  Code outside the object cannot be checked from here, so the
    rule is: only entry points whose source we read and found notrace (or
    built without the ftrace flags), each listed with the reason.  Anything
    else is a failure that names the call.

Targets are read from the relocations (objdump -dr): against the function
symbol, against its section plus an offset (a static function in another
section), or, with no relocation, the address objdump resolved (a static
function in the same section).  Hidden edges are followed too: the
replacement code of an alternative (.altinstructions) whose original site
lies in a function reached, and the target of a static branch (__jump_table)
whose site does.

It also fails, instead of passing for want of anything to look at, when the
object is missing, a FUNCTION is not defined in it, or the object holds no
ftrace location at all (built without -mfentry: nothing could be found).

Exit status: 0 when every FUNCTION is clean, 1 when something is traceable
or cannot be verified, 2 when the check could not run.  The last line of
the output is a one-line summary.
"""

import bisect
import os
import re
import subprocess
import sys

# Calls that leave the object and are known not to be traceable, with the
# reason.  Add an entry only after reading the target's source.
NOTRACE_EXTERNAL = {
    '__SCT__preempt_schedule_notrace':
        'static call of preempt_enable_notrace() (PREEMPT_DYNAMIC): a '
        'return, or preempt_schedule_notrace_thunk (asm) calling '
        'preempt_schedule_notrace(), which is notrace',
    'preempt_schedule_notrace_thunk':
        'preempt_enable_notrace() without PREEMPT_DYNAMIC: asm thunk '
        '(arch/x86/entry/thunk.S) calling notrace '
        'preempt_schedule_notrace()',
    'debug_lockdep_rcu_enabled':
        'RCU lockdep check of rcu_dereference_*(); noinstr notrace in '
        'kernel/rcu/update.c',
    'ftrace_record_recursion':
        'ftrace_test_recursion_trylock() with FTRACE_RECORD_RECURSION; '
        'kernel/trace/ is built without the ftrace flags',
    '__x86_return_thunk':
        'the function return itself under MITIGATION_RETHUNK (asm, '
        'arch/x86/lib/retpoline.S)',
}

# Symbols whose call marks an ftrace location.
FENTRY = {'__fentry__', 'mcount', '_mcount', '__mcount'}
# Tables of ftrace locations: one address per traceable function.
LOC_TABLES = ('__mcount_loc', '__patchable_function_entries')
# Retpoline and call-depth thunks stand for an indirect call.
INDIRECT_THUNK = re.compile(r'^__x86_indirect_(call_|jump_)?thunk')
PREFIXES = {'cs', 'ds', 'es', 'ss', 'fs', 'gs', 'notrack', 'bnd', 'lock',
            'data16', 'addr32', 'rex', 'rex.w', 'rex.b', 'rex.wb'}


class CannotRun(Exception):
    pass


def objdump(*args):
    try:
        res = subprocess.run(['objdump', *args], capture_output=True,
                             text=True, check=False)
    except OSError as e:
        raise CannotRun(f'objdump: {e}') from e
    if res.returncode != 0:
        raise CannotRun(f'objdump {" ".join(args)}: {res.stderr.strip()}')
    return res.stdout


def split_addend(value):
    """'sym-0x4' -> ('sym', -4); '.text+0x3c' -> ('.text', 0x3c)."""
    m = re.match(r'^(.*?)([+-]0x[0-9a-f]+)?$', value)
    return m.group(1), int(m.group(2), 16) if m.group(2) else 0


class Object:
    def __init__(self, path):
        self.path = path
        self.sections = {}      # name -> size
        self.syms = {}          # defined symbol -> (section, value)
        self.funcs = {}         # section -> sorted [(start, end, name)]
        self.insns = {}         # section -> sorted [addr]
        self.insn = {}          # (section, addr) -> [text, relocs]
        self.tables = {}        # data section -> [(offset, symbol, addend)]
        self._headers()
        self._symbols()
        self._disassembly()
        self._relocations()

    def _headers(self):
        for line in objdump('-h', '-w', self.path).splitlines():
            f = line.split()
            if len(f) >= 7 and f[0].isdigit():
                self.sections[f[1]] = int(f[2], 16)

    def _symbols(self):
        sym_re = re.compile(
            r'^([0-9a-f]+) (.{7}) (\S+)\t([0-9a-f]+)\s+(?:\.hidden )?(.*)$')
        for line in objdump('-t', '-w', self.path).splitlines():
            m = sym_re.match(line)
            if not m or m.group(3) in ('*UND*', '*ABS*', '*COM*'):
                continue
            value, flags, sec = int(m.group(1), 16), m.group(2), m.group(3)
            size, name = int(m.group(4), 16), m.group(5)
            self.syms.setdefault(name, (sec, value))
            if flags[6] == 'F':
                self.funcs.setdefault(sec, []).append(
                    (value, value + size, name))
        for lst in self.funcs.values():
            lst.sort()

    def _disassembly(self):
        sec = None
        last = None
        insn_re = re.compile(r'^\s*([0-9a-f]+):\t(.*)$')
        reloc_re = re.compile(r'^\t+([0-9a-f]+): (R_\S+)\t(.*)$')
        for line in objdump('-dr', '--no-show-raw-insn',
                            self.path).splitlines():
            if line.startswith('Disassembly of section '):
                sec = line[len('Disassembly of section '):].rstrip(':')
                self.insns[sec] = []
                continue
            m = reloc_re.match(line)
            if m and last is not None:
                sym, addend = split_addend(m.group(3).strip())
                last[1].append((int(m.group(1), 16), m.group(2), sym,
                                addend))
                continue
            m = insn_re.match(line)
            if m and sec is not None:
                addr = int(m.group(1), 16)
                last = [m.group(2).split('#')[0].strip(), []]
                self.insns[sec].append(addr)
                self.insn[(sec, addr)] = last

    def _relocations(self):
        sec = None
        for line in objdump('-r', '-w', self.path).splitlines():
            m = re.match(r'^RELOCATION RECORDS FOR \[(.*)\]:$', line)
            if m:
                sec = m.group(1)
                continue
            f = line.split()
            if sec and len(f) == 3 and re.match(r'^[0-9a-f]+$', f[0]):
                sym, addend = split_addend(f[2])
                self.tables.setdefault(sec, []).append(
                    (int(f[0], 16), sym, addend))

    def resolve(self, sym, addend):
        """Where sym+addend points in the object, or None if outside."""
        if sym in self.sections:
            return sym, addend
        if sym in self.syms:
            sec, value = self.syms[sym]
            return sec, value + addend
        return None

    def func_at(self, sec, addr):
        lst = self.funcs.get(sec, [])
        i = bisect.bisect_right(lst, (addr, float('inf'), '')) - 1
        if i >= 0 and lst[i][0] <= addr < lst[i][1]:
            return lst[i]
        return None

    def insn_range(self, sec, start, end):
        addrs = self.insns.get(sec, [])
        lo = bisect.bisect_left(addrs, start)
        hi = bisect.bisect_left(addrs, end)
        for i in range(lo, hi):
            nxt = addrs[i + 1] if i + 1 < len(addrs) else \
                self.sections.get(sec, addrs[i])
            yield addrs[i], nxt, self.insn[(sec, addrs[i])]

    def table_pairs(self, table, stride, first, second):
        """(resolved first field, resolved second field) per entry."""
        entries = {}
        for off, sym, addend in self.tables.get(table, []):
            field = off % stride
            if field in (first, second):
                entries.setdefault(off // stride, {})[field] = \
                    self.resolve(sym, addend)
        for e in entries.values():
            if e.get(first) and e.get(second):
                yield e[first], e[second]


def where(sec, addr):
    return f'{sec}+{addr:#x}'


class Walk:
    def __init__(self, obj):
        self.obj = obj
        self.locs = {}          # function name -> [(table, location)]
        for table in LOC_TABLES:
            for _, sym, addend in obj.tables.get(table, []):
                t = obj.resolve(sym, addend)
                f = t and obj.func_at(*t)
                if f:
                    self.locs.setdefault(f[2], []).append(
                        (table, where(*t)))
        self.jumps = list(obj.table_pairs('__jump_table', 16, 0, 4))
        alts = list(obj.table_pairs('.altinstructions', 14, 0, 4))
        starts = sorted({r[1] for _, r in alts})
        self.alts = []          # (site, replacement section, start, end)
        for site, (rsec, rstart) in alts:
            i = bisect.bisect_right(starts, rstart)
            rend = starts[i] if i < len(starts) else \
                obj.sections.get(rsec, rstart)
            self.alts.append((site, rsec, rstart, rend))
        self.any_location = bool(self.locs) or any(
            sym in FENTRY for _, relocs in obj.insn.values()
            for _, _, sym, _ in relocs)
        self.seen = {}
        self.bad = []
        self.external_ok = set()
        self.external_bad = set()

    def scan(self, func, sec, start, end, edges, problems, calls,
             alt=False):
        """Collect the calls and jumps of one range of code.

        With alt, the range is the replacement of an alternative: a jump
        within it or to its end (the end of the original instructions, once
        patched in) stays in the function.
        """
        obj = self.obj
        for addr, nxt, (text, relocs) in obj.insn_range(sec, start, end):
            words = text.split()
            while words and words[0].lower() in PREFIXES:
                words.pop(0)
            if not words:
                continue
            op, arg = words[0], ' '.join(words[1:])
            fentry = [sym for _, _, sym, _ in relocs if sym in FENTRY]
            if fentry:
                problems.append(f'calls {fentry[0]} at {where(sec, addr)}')
                calls.add(where(sec, addr))
                continue
            if not re.match(r'^(call|jmp|j[a-z]+|loop[a-z]*)q?$', op):
                continue
            if arg.startswith('*'):
                problems.append(f'indirect {op} at {where(sec, addr)}: '
                                'cannot verify')
                continue
            target = None
            for roff, _, sym, addend in relocs:
                t = obj.resolve(sym, addend + nxt - roff)
                target = t if t else sym
            if target is None:
                m = re.match(r'^([0-9a-f]+)\b', arg)
                if not m:
                    problems.append(f'{op} {arg} at {where(sec, addr)}: '
                                    'cannot read the target')
                    continue
                target = (sec, int(m.group(1), 16))
            if isinstance(target, str):
                if INDIRECT_THUNK.match(target):
                    problems.append(f'{op} {target} at {where(sec, addr)}: '
                                    'indirect, cannot verify')
                else:
                    edges.append(('ext', target))
                continue
            f = obj.func_at(*target)
            if alt and target[0] == sec and start <= target[1] <= end:
                continue
            if f is None:
                problems.append(f'{op} to {where(*target)}, not in any '
                                'function: cannot verify')
            elif f[2] != func:
                edges.append(('int', f[2]))

    def visit(self, name, depth, lines):
        obj = self.obj
        pad = '  ' * depth + ('-> ' if depth else '')
        if name in self.seen:
            lines.append(f'{pad}{name}: (above)')
            return
        sec, start = obj.syms[name]
        f = obj.func_at(sec, start)
        if f is None or f[1] == f[0]:
            self.seen[name] = False
            self.bad.append(f'{name}: no size, cannot verify')
            lines.append(f'{pad}{name}: FAIL no size, cannot verify')
            return
        edges, problems, calls = [], [], set()
        self.scan(name, sec, f[0], f[1], edges, problems, calls)
        problems += [f'{table} entry at {loc}'
                     for table, loc in self.locs.get(name, [])
                     if loc not in calls]
        for site, (tsec, taddr) in self.jumps:
            if obj.func_at(*site) == f:
                t = obj.func_at(tsec, taddr)
                if t is None:
                    problems.append(f'static branch at {where(*site)} to '
                                    f'{where(tsec, taddr)}: cannot verify')
                elif t[2] != name:
                    edges.append(('int', t[2]))
        for site, rsec, rstart, rend in self.alts:
            if obj.func_at(*site) == f:
                self.scan(name, rsec, rstart, rend, edges, problems,
                          calls, alt=True)
        problems = list(dict.fromkeys(problems))
        self.seen[name] = not problems
        if problems:
            self.bad += [f'{name}: {p}' for p in problems]
            lines.append(f'{pad}{name}: FAIL ' + '; '.join(problems))
        else:
            lines.append(f'{pad}{name}: notrace ({where(sec, start)})')
        for kind, target in dict.fromkeys(edges):
            if kind == 'int':
                self.visit(target, depth + 1, lines)
                continue
            epad = '  ' * (depth + 1) + '-> '
            reason = NOTRACE_EXTERNAL.get(target)
            if reason:
                self.external_ok.add(target)
                lines.append(f'{epad}{target}: outside the object, '
                             f'allowed: {reason}')
            else:
                self.external_bad.add(target)
                self.bad.append(f'{name}: calls {target}, outside the '
                                'object and not known to be notrace')
                lines.append(f'{epad}{target}: FAIL outside the object, '
                             'not in the allowlist of notrace entry points')


def main(argv):
    if len(argv) < 3:
        print(__doc__.split('\n\n')[0], file=sys.stderr)
        return 2
    path, roots = argv[1], argv[2:]
    try:
        if not os.path.isfile(path):
            raise CannotRun(f'{path}: no such object')
        obj = Object(path)
        missing = [r for r in roots
                   if r not in obj.syms or not obj.func_at(*obj.syms[r])]
        if missing:
            raise CannotRun(f'{", ".join(missing)}: no such function in '
                            f'{path}')
        walk = Walk(obj)
        lines = []
        for root in roots:
            walk.visit(root, 0, lines)
        if not walk.any_location:
            raise CannotRun(f'{path} holds no ftrace location at all '
                            '(built without -mfentry?): nothing to compare '
                            'against')
    except CannotRun as e:
        print(f'cannot check: {e}')
        return 2
    print('call graph (functions of the object, and calls leaving it):')
    for line in lines:
        print('  ' + line)
    if walk.bad:
        print(f'{len(walk.bad)} problem(s):')
        for b in walk.bad:
            print('  ' + b)
    failing = [f for f, ok in walk.seen.items() if not ok]
    out = len(walk.external_ok) + len(walk.external_bad)
    print(f'{", ".join(roots)}: {len(walk.seen)} functions reached, '
          f'{len(failing)} traceable or unverifiable'
          f'{" (" + ", ".join(failing) + ")" if failing else ""}; '
          f'{out} callees outside the object, '
          f'{len(walk.external_bad)} not known notrace')
    return 1 if walk.bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
