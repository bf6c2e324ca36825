#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gen.py: seeded random, legal operation sequences for the differential
tester (harness/diff/README), in the format guest-diff.c runs.

  gen.py SEED COUNT [LENGTH]   COUNT sequences "SEED-0" .. "SEED-<COUNT-1>"
  gen.py --only ID [LENGTH]    one sequence, e.g. 7-42 (a replay)

Sequence ID draws from its own generator (random.Random(ID)), so a
sequence is the same alone and in a batch.  A small model of the state
(loaded modules, patches, gate, sleepers) steers the choice towards
operations that matter; it need not be exact: every operation is legal
(well formed), and the traces say what each kernel made of it.

Universe (lib/livepatch); each sequence draws 3 to 5 patch modules and
2 target modules of it (so that they meet), then its operations:
  test_klp_layer1/2/3     patch /proc/cmdline (layer1 also /proc/version),
                          plain or replace=1, with logging callbacks
  test_klp_trans_patch    patches test_klp_trans_target's trans_wait()
                          (where sleepers park), trans_spin_step() (what
                          its CPU-bound kthread calls) and getpid();
                          plain or replace=1
  test_klp_basic          patches /proc/cmdline and test_klp_target
  test_klp_cb_patch1/2    patch vmlinux and test_klp_cb_mod_a/b (module
                          objects), log every callback with the state of
                          the object's module; plain, replace=1, or a
                          pre_patch callback that fails for one object
  test_klp_state_1/2/3    own a klp_state (version=1..3, replace=Y by
                          default, or none: has_state=0); their callbacks
                          log what klp_get_prev_state() hands over
  test_klp_target, test_klp_trans_target, test_klp_cb_mod_a/b  targets
"""
import random
import sys

LAYERS = ["test_klp_layer1", "test_klp_layer2", "test_klp_layer3"]
TRANS = "test_klp_trans_patch"
BASIC = "test_klp_basic"
CBS = ["test_klp_cb_patch1", "test_klp_cb_patch2"]
STATES = ["test_klp_state_1", "test_klp_state_2", "test_klp_state_3"]
PATCHES = LAYERS + [TRANS, BASIC] + CBS + STATES
TARGET = "test_klp_target"
TTARGET = "test_klp_trans_target"
CBMODS = ["test_klp_cb_mod_a", "test_klp_cb_mod_b"]
TARGETS = [TARGET, TTARGET] + CBMODS
REPLACEABLE = set(LAYERS + [TRANS] + CBS)
# What a patch module patches besides vmlinux, so that a sequence that
# draws it is likely to draw its target too.
TARGET_OF = {TRANS: TTARGET, BASIC: TARGET, CBS[0]: CBMODS[0],
             CBS[1]: CBMODS[1]}


class Model:
    def __init__(self, patches, targets):
        self.universe = patches
        self.targets = targets
        self.loaded = set()
        self.patches = {}   # name -> replace; enabled patches (a guess)
        self.gate_open = True
        self.sleepers = 0
        self.nsleep = 0
        self.spin = False
        self.last_disabled = None


def load_ops(p):
    """(weight, op) for loading patch module P."""
    c = [(3, ("load", p))]
    if p in REPLACEABLE:
        c.append((4 if p == TRANS else 2, ("load", p, "replace=1")))
    if p in CBS:
        for obj in ["vmlinux"] + CBMODS:
            c.append((1, ("load", p, "pre_patch_fail=" + obj)))
    if p in STATES:
        c = [(2, ("load", p, "version=%d" % v)) for v in (1, 2, 3)]
        c.append((2, ("load", p, "version=2", "replace=0")))
        c.append((1, ("load", p, "has_state=0")))
    return c


def choices(m, rng):
    """(weight, op) pairs that make sense now."""
    c = []
    for p in m.universe:
        if p not in m.loaded:
            c.extend(load_ops(p))
        elif p not in m.patches:
            c.append((3, ("rmmod", p)))
        else:
            c.append((1, ("rmmod", p)))        # refused while enabled
    for t in m.targets:
        if t not in m.loaded:
            c.append((6 if t == TTARGET else 3, ("load", t)))
        else:
            c.append((1, ("rmmod", t)))
    for p in m.patches:
        c.append((6 if p == TRANS and m.sleepers else 3, ("enable", p, "0")))
        c.append((1, ("enable", p, "1")))
        if p == TRANS and m.sleepers:
            c.append((1, ("force", p)))
    for p in m.universe:
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
        # The CPU-bound kthread, only around the plain load of a patch
        # that cannot fail half-way: 6.12's ftrace waits in
        # synchronize_rcu_tasks() for a task that never sleeps when it
        # removes a handler, so any unpatching hangs while it spins.
        if not m.spin:
            c.append((2, ("spin", "1")))
    c.append((1, ("wait",)))
    return c


def apply(m, op):
    a = op[0]
    m.last_disabled = None
    if a == "load":
        p = op[1]
        m.loaded.add(p)
        if p in PATCHES:
            replace = "replace=1" in op or (p in STATES and
                                            "replace=0" not in op)
            if replace and m.sleepers == 0:
                m.patches = {}
            m.patches[p] = replace
    elif a == "rmmod":
        if op[1] not in m.patches:
            m.loaded.discard(op[1])
            if op[1] == TTARGET:
                m.gate_open, m.sleepers, m.spin = True, 0, False
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
    elif a == "spin":
        m.spin = op[1] == "1"


SPIN_SAFE = LAYERS + [TRANS, BASIC] + STATES


def spin_load(m, rng):
    """The plain load that follows "spin 1", or None."""
    c = [p for p in m.universe if p in SPIN_SAFE and p not in m.loaded]
    if not c:
        return None
    p = rng.choice(c)
    return ("load", p, "version=3", "replace=0") if p in STATES else ("load", p)


def universe(rng):
    """3 to 5 patch modules and 2 targets, the targets of the patches
    drawn first."""
    patches = rng.sample(PATCHES, rng.randint(3, 5))
    targets = []
    for p in patches:
        t = TARGET_OF.get(p)
        if t and t not in targets and len(targets) < 2 and rng.random() < 0.8:
            targets.append(t)
    rest = [t for t in TARGETS if t not in targets]
    targets += rng.sample(rest, 2 - len(targets))
    return patches, targets


def sequence(sid, length):
    rng = random.Random(sid)
    m = Model(*universe(rng))
    ops = []
    forced = []
    while len(ops) < length:
        if forced:
            op = forced.pop(0)
        else:
            c = choices(m, rng)
            total = sum(w for w, _ in c)
            x = rng.uniform(0, total)
            for w, op in c:
                x -= w
                if x <= 0:
                    break
            if op == ("spin", "1"):
                nxt = spin_load(m, rng)
                if nxt is None:
                    continue
                forced = [nxt, ("spin", "0")]
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
