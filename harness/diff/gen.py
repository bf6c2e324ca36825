#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gen.py: seeded random, legal operation sequences for the differential
tester (harness/diff/README), in the format guest-diff.sh runs.

  gen.py SEED COUNT [LENGTH]   COUNT sequences "SEED-0" .. "SEED-<COUNT-1>"
  gen.py --only ID [LENGTH]    one sequence, e.g. 7-42 (a replay)

Sequence ID draws from its own generator (random.Random(ID)), so a
sequence is the same alone and in a batch.  A small model of the state
(loaded modules, patches, gate, sleepers) steers the choice towards
operations that matter; it need not be exact: every operation is legal
(well formed), and the traces say what each kernel made of it.

Universe (lib/livepatch):
  test_klp_layer1/2/3     patch /proc/cmdline (layer1 also /proc/version),
                          plain or replace=1, with logging callbacks
  test_klp_trans_patch    patches test_klp_trans_target's trans_wait()
                          (where sleepers park) and getpid(); plain or
                          replace=1
  test_klp_basic          patches /proc/cmdline and test_klp_target
  test_klp_target, test_klp_trans_target   the targets
"""
import random
import sys

LAYERS = ["test_klp_layer1", "test_klp_layer2", "test_klp_layer3"]
TRANS = "test_klp_trans_patch"
BASIC = "test_klp_basic"
PATCHES = LAYERS + [TRANS, BASIC]
TARGET = "test_klp_target"
TTARGET = "test_klp_trans_target"
TARGETS = [TARGET, TTARGET]
REPLACEABLE = set(LAYERS + [TRANS])


class Model:
    def __init__(self):
        self.loaded = set()
        self.patches = {}   # name -> replace; enabled patches (a guess)
        self.gate_open = True
        self.sleepers = 0
        self.nsleep = 0
        self.last_disabled = None


def choices(m, rng):
    """(weight, op) pairs that make sense now."""
    c = []
    for p in PATCHES:
        if p not in m.loaded:
            c.append((3, ("load", p)))
            if p in REPLACEABLE:
                c.append((4 if p == TRANS else 2, ("load", p, "replace=1")))
        elif p not in m.patches:
            c.append((3, ("rmmod", p)))
        else:
            c.append((1, ("rmmod", p)))        # refused while enabled
    for t in TARGETS:
        if t not in m.loaded:
            c.append((6 if t == TTARGET else 2, ("load", t)))
        else:
            c.append((1, ("rmmod", t)))
    for p in m.patches:
        c.append((6 if p == TRANS and m.sleepers else 3, ("enable", p, "0")))
        c.append((1, ("enable", p, "1")))
        if p == TRANS and m.sleepers:
            c.append((1, ("force", p)))
    for p in PATCHES:
        if p in m.loaded and p not in m.patches:
            # a disabled patch (-EINVAL), or a reversal when just disabled
            c.append((8 if p == m.last_disabled else 1, ("enable", p, "1")))
    if TTARGET in m.loaded:
        if m.gate_open:
            c.append((5, ("gate", "closed")))
        else:
            c.append((2, ("gate", "open")))
            if m.sleepers < 3:
                c.append((6 if m.sleepers == 0 else 2, ("sleep", "s%d" % m.nsleep)))
    c.append((1, ("wait",)))
    return c


def apply(m, op):
    a = op[0]
    m.last_disabled = None
    if a == "load":
        p = op[1]
        m.loaded.add(p)
        if p in PATCHES:
            if len(op) > 2 and m.sleepers == 0:
                m.patches = {}
            m.patches[p] = len(op) > 2
    elif a == "rmmod":
        if op[1] not in m.patches:
            m.loaded.discard(op[1])
            if op[1] == TTARGET:
                m.gate_open, m.sleepers = True, 0
    elif a == "enable":
        if op[2] == "0":
            m.patches.pop(op[1], None)
            m.last_disabled = op[1]
        elif op[1] in m.loaded:
            m.patches.setdefault(op[1], False)
    elif a == "gate":
        m.gate_open = op[1] == "open"
        if m.gate_open:
            m.sleepers = 0
    elif a == "sleep":
        m.sleepers += 1
        m.nsleep += 1


def sequence(sid, length):
    rng = random.Random(sid)
    m = Model()
    ops = []
    for _ in range(length):
        c = choices(m, rng)
        total = sum(w for w, _ in c)
        x = rng.uniform(0, total)
        for w, op in c:
            x -= w
            if x <= 0:
                break
        ops.append(op)
        apply(m, op)
    return ops


def emit(sid, ops, out=sys.stdout):
    out.write("seq %s\n" % sid)
    for i, op in enumerate(ops, 1):
        out.write("op %d %s\n" % (i, " ".join(op)))
    out.write("end %s\n" % sid)


def main(argv):
    if len(argv) >= 3 and argv[1] == "--only":
        length = int(argv[3]) if len(argv) > 3 else 24
        emit(argv[2], sequence(argv[2], length))
        return 0
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    seed, count = argv[1], int(argv[2])
    length = int(argv[3]) if len(argv) > 3 else 24
    for i in range(count):
        sid = "%s-%d" % (seed, i)
        emit(sid, sequence(sid, length))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
