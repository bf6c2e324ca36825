#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""lint-modref.py FILE...: module pointers read only while they are safe.

find_module(), __module_address() and __module_text_address() hand back
a struct module that free_module() may free as soon as the caller leaves
its RCU-sched read section (preempt_disable(), rcu_read_lock_sched(),
guard(rcu)/rcu_read_lock()) or drops module_mutex.  For every
"VAR = <lookup>(...)" in the files, the check finds the section around
the call and fails when

  - there is none (the call is not between an opener and its closer), or
  - VAR is dereferenced ("VAR->") after the section closes, in the same
    function: a field read of a module that may be gone.

Comparing or storing the pointer after the section is allowed (a module
seen alive under klp_mutex stays until klp_module_going()).  Prints one
line per lookup and a summary line; exits 1 on a finding.
"""
import re
import sys

LOOKUPS = r'(?:find_module|__module_address|__module_text_address)'
OPENERS = {
    r'\bpreempt_disable(?:_notrace)?\s*\(\s*\)': 'preempt',
    r'\brcu_read_lock_sched(?:_notrace)?\s*\(\s*\)': 'sched',
    r'\brcu_read_lock\s*\(\s*\)': 'rcu',
    r'\bmutex_lock\s*\(\s*&module_mutex\s*\)': 'mutex',
}
CLOSERS = {
    'preempt': r'\bpreempt_enable(?:_notrace|_no_resched)?\s*\(\s*\)',
    'sched': r'\brcu_read_unlock_sched(?:_notrace)?\s*\(\s*\)',
    'rcu': r'\brcu_read_unlock\s*\(\s*\)',
    'mutex': r'\bmutex_unlock\s*\(\s*&module_mutex\s*\)',
}
ASSIGN = re.compile(r'\b(\w+)\s*=\s*' + LOOKUPS + r'\s*\(')


def strip_comments(text):
    """Blank out comments and strings, keeping offsets and newlines."""
    def blank(m):
        return re.sub(r'[^\n]', ' ', m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\])*"', blank, text,
                  flags=re.S)


def function_span(code, pos):
    """Start and end offsets of the top-level braces around pos."""
    depth, start = 0, None
    for i, c in enumerate(code):
        if c == '{':
            if depth == 0:
                start = i
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0 and start is not None and start < pos < i:
                return start, i
    return None, None


def check(path):
    code = strip_comments(open(path).read())
    findings, lookups = [], 0
    for m in ASSIGN.finditer(code):
        lookups += 1
        var = m.group(1)
        line = code.count('\n', 0, m.start()) + 1
        where = '%s:%d' % (path, line)
        fstart, fend = function_span(code, m.start())
        if fstart is None:
            findings.append('%s: %s outside a function?' % (where, var))
            continue
        body_before = code[fstart:m.start()]
        # The innermost opener before the call whose closer is not
        # between it and the call.
        section = None
        for pat, kind in OPENERS.items():
            for o in re.finditer(pat, body_before):
                closed = re.search(CLOSERS[kind],
                                   code[fstart + o.end():m.start()])
                if not closed and (section is None or o.start() > section[1]):
                    section = (kind, o.start())
        if section is None:
            findings.append('%s: %s = lookup outside an RCU-sched section'
                            ' or module_mutex' % (where, var))
            continue
        close = re.compile(CLOSERS[section[0]]).search(code, m.end(), fend)
        if close is None:
            findings.append('%s: the %s section around %s never closes'
                            % (where, section[0], var))
            continue
        after = code[close.end():fend]
        deref = re.search(r'\b%s\s*->' % re.escape(var), after)
        if deref:
            dline = code.count('\n', 0, close.end() + deref.start()) + 1
            findings.append('%s: %s is dereferenced at line %d, after the'
                            ' %s section closed at line %d' %
                            (where, var, dline, section[0],
                             code.count('\n', 0, close.start()) + 1))
            continue
        print('ok: %s: %s read inside its %s section' %
              (where, var, section[0]))
    return lookups, findings


def main():
    total, bad = 0, []
    for path in sys.argv[1:]:
        n, f = check(path)
        total += n
        bad += f
    for f in bad:
        print('FAIL: ' + f)
    print('%d module lookup(s) checked, %d unsafe' % (total, len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
