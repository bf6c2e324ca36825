#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""run.py: the host side of the differential tester (harness/diff/README).

Runs the same generated sequences on our kernel and on the upstream
reference kernel, one VM boot per kernel for a whole batch, compares the
normalised traces operation by operation and reports every divergence
with its sequence id, the first operation where the traces part and both
traces; then shrinks it (delta debugging of the operation list, each
round's candidates batched in one boot per kernel).

  run.py [--seed S] [--seqs N] [--len L] [--only ID[,ID...]] [--shrink]
         [--kernels A,B] [--allow FILE] [--smp N] [--seqfile FILE]
  run.py --check|--regress [--golden-status | --write-golden]

Prints "differential: N sequences, M operations, K divergences"; exit 1
when K > 0.  Sequences that did not complete on both kernels (a crash,
a timeout) count as divergences too.

--check is what "make check" runs: seed "check", 200 sequences of 24
operations, and the reference kernel's trace taken from the golden file
harness/diff/golden/check.trace.gz when its key (a hash of everything
that decides that trace: the sequences, gen.py, guest-diff.c, the test
modules, the base version, the reference kernel's config and patches,
the VM's CPUs) matches one of its keys; otherwise the reference kernel
runs live.  --write-golden runs the reference kernel live and rewrites
the file, or adds its key when the trace is the one the file holds
("make diff-golden"); --golden-status exits 0 when the file is fresh.
--regress does the same for the shrunk sequences of regress/*.seq
(golden/regress.trace.gz).
"""
import argparse
import glob
import gzip
import hashlib
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen  # noqa: E402

REPO = os.path.dirname(HARNESS)
CACHE = os.environ.get("KLP_CACHE", os.path.expanduser("~/.cache/klp"))
GOLDEN = os.path.join(HERE, "golden", "check.trace.gz")
# Expedited RCU grace periods: module removal and ftrace updates wait for
# them, and a normal one takes long under TCG.  Timing only.
APPEND = "rcupdate.rcu_expedited=1"


def log(msg):
    sys.stderr.write("diff: %s\n" % msg)
    sys.stderr.flush()


def load_allow(path):
    """Allowlist: 'REGEX  # Documentation/livepatch/<file>: <section>'.
    A trace line matching REGEX is dropped on both kernels."""
    rules = []
    if not path or not os.path.exists(path):
        return rules
    for line in open(path):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rx, _, why = line.partition("  # ")
        if "Documentation/livepatch/" not in why:
            sys.exit("allowlist line without a Documentation/livepatch "
                     "section: %s" % line)
        rules.append(re.compile(rx.strip()))
    return rules


def executor():
    """guest-diff.c built static (the VM has no compiler), cached by the
    hash of its source."""
    src = os.path.join(HERE, "guest-diff.c")
    h = hashlib.sha1(open(src, "rb").read()).hexdigest()[:16]
    binary = os.path.join(CACHE, "diff", "guest-diff.%s" % h)
    if not os.path.exists(binary):
        os.makedirs(os.path.dirname(binary), exist_ok=True)
        subprocess.run(["gcc", "-static", "-O2", "-Wall",
                        "-Wno-format-truncation", "-o", binary + ".tmp",
                        src], check=True)
        os.rename(binary + ".tmp", binary)
    return binary


def seqs_text(seqs):
    lines = []
    for sid, ops in seqs:
        lines.append("seq %s" % sid)
        lines += ["op %d %s" % (i, " ".join(op)) for i, op in
                  enumerate(ops, 1)]
        lines.append("end %s" % sid)
    return "\n".join(lines) + "\n"


def golden_key(seqs, smp):
    """What decides the reference kernel's trace of SEQS."""
    h = hashlib.sha1()
    files = [os.path.join(HERE, "gen.py"), os.path.join(HERE, "guest-diff.c"),
             os.path.join(HARNESS, "config", "livepatch.config")]
    files += sorted(glob.glob(os.path.join(REPO, "lib", "livepatch", "*")))
    files += sorted(glob.glob(os.path.join(HARNESS, "patches", "common", "*")))
    named = [(os.path.relpath(f, REPO), f) for f in files]
    # the base's version, not where the cache is
    named.append(("base-version", os.path.join(CACHE, "base-version")))
    for name, f in named:
        h.update(name.encode() + b"\0")
        h.update(open(f, "rb").read() if os.path.exists(f) else b"(none)")
    h.update(seqs_text(seqs).encode())
    h.update(("smp=%d append=%s" % (smp, APPEND)).encode())
    return h.hexdigest()


def golden_split(path):
    """The key lines ("# golden key ...") and the trace of a golden file;
    ([], None) when there is none."""
    try:
        with gzip.open(path, "rt") as f:
            lines = f.read().splitlines(keepends=True)
    except OSError:
        return [], None
    heads = []
    while lines and lines[0].startswith("# golden key "):
        heads.append(lines.pop(0))
    return heads, ("".join(lines) if heads else None)


def golden_read(path, key):
    """The trace of the golden file when one of its keys is KEY, else None.
    A file holds several keys when the reference kernel gave the same
    trace for several of them (stable updates of the base)."""
    heads, trace = golden_split(path)
    if any(h.split()[3:4] == [key] for h in heads):
        return trace
    return None


def same_trace(a, b):
    """Equal but for the executor's closing "done ... Ns" line (its time)."""
    def body(t):
        return [ln for ln in t.splitlines() if not ln.startswith("done ")]
    return body(a) == body(b)


def run_batch(kernel, seqs, tag, timeout, smp=1, golden=None):
    """seqs: [(sid, ops)].  Returns ({sid: [block]}, seconds spent)."""
    out = os.path.join(CACHE, "out", kernel)
    stage = os.path.join(out, "stage", "klp", "diff")
    subprocess.run(["rm", "-rf", stage], check=True)
    os.makedirs(stage)
    with open(os.path.join(stage, "seqs.txt"), "w") as f:
        f.write(seqs_text(seqs))
    binary = executor()
    subprocess.run(["cp", binary, os.path.join(stage, "guest-diff")],
                   check=True)
    os.makedirs(os.path.join(CACHE, "diff"), exist_ok=True)
    trace = os.path.join(CACHE, "diff", "%s-%s.trace" % (tag, kernel))
    if kernel == "upstream" and golden:
        text = golden_read(golden, golden_key(seqs, smp))
        if text is not None:
            with open(trace, "w") as f:
                f.write(text)
            log("%s: trace from the golden file %s" %
                (kernel, os.path.relpath(golden, REPO)))
            return parse(trace), 0
        log("%s: the golden file %s is stale or missing: running the "
            "reference kernel live (slow; \"make diff-golden\" rewrites "
            "it)" % (kernel, os.path.relpath(golden, REPO)))
    # The reference kernel does not change: its trace of the same batch
    # by the same executor is kept and reused (6.12 completes transitions
    # on a 1 s retry, which makes it the slow side).
    key = None
    if kernel == "upstream":
        h = hashlib.sha1()
        for f in (os.path.join(stage, "seqs.txt"), binary,
                  os.path.join(out, "arch", "x86", "boot", "bzImage")):
            h.update(open(f, "rb").read())
        h.update(("smp=%d append=%s" % (smp, APPEND)).encode())
        key = os.path.join(CACHE, "diff", "upstream-%s.trace" % h.hexdigest())
        if os.path.exists(key):
            subprocess.run(["cp", key, trace], check=True)
            log("%s: trace of this batch reused (%s)" % (kernel, key))
            return parse(trace), 0
    env = dict(os.environ)
    env["KLP_SMP"] = str(smp)
    # a hang (no operation done for 5 minutes) ends the VM
    env.setdefault("KLP_STALL", "300")
    env.setdefault("KLP_STALL_RE", "^op ")
    env["KLP_APPEND"] = (env.get("KLP_APPEND", "") + " " + APPEND).strip()
    t0 = time.time()
    with open(trace, "w") as f:
        rc = subprocess.run([os.path.join(HARNESS, "run-vm.sh"), "-t",
                             str(timeout), kernel,
                             "/klp/diff/guest-diff /klp/diff/seqs.txt"],
                            stdout=f, stderr=subprocess.PIPE, text=True,
                            env=env)
    secs = time.time() - t0
    vmlines = [ln for ln in rc.stderr.splitlines() if ln.startswith("vm: ")]
    if rc.returncode != 0:
        log("%s: VM exit status %d: %s" % (kernel, rc.returncode,
                                           "; ".join(vmlines[-3:])))
    elif key:
        subprocess.run(["cp", trace, key], check=True)
    return parse(trace), secs


def parse(path):
    """{sid: [block]}; a block is the lines of one operation (the first
    one "op N ..."); complete sequences only (their "end" line seen)."""
    res, cur, sid = {}, None, None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n").rstrip("\r")
        if line.startswith("seq "):
            sid, cur = line[4:], []
        elif cur is None:
            continue
        elif line.startswith("end "):
            res[sid] = cur
            cur = None
        elif line.startswith("op "):
            cur.append([line])
        elif cur:
            cur[-1].append(line)
    return res


def normal(block, allow):
    return [ln for ln in block if not any(r.search(ln) for r in allow)]


def compare(a, b, allow):
    """Index of the first operation whose blocks differ, or None."""
    if a is None or b is None:
        return -1
    for i in range(max(len(a), len(b))):
        x = normal(a[i], allow) if i < len(a) else ["(missing)"]
        y = normal(b[i], allow) if i < len(b) else ["(missing)"]
        if x != y:
            return i
    return None


def show(sid, i, ta, tb, ka, kb):
    """The operations up to the first diverging one (their return codes
    on KA), then that operation's whole block on each kernel."""
    lines = ["divergence in sequence %s at operation %d" % (sid, i + 1)]
    ref = ta if ta is not None else tb
    if ref is not None and i >= 0:
        for blk in ref[:i]:
            lines.append("   " + blk[0])
    for k, t in ((ka, ta), (kb, tb)):
        lines.append("--- %s" % k)
        if t is None:
            lines.append("  (did not complete)")
        elif i < 0 or i >= len(t):
            lines.append("  (no operation %d)" % (i + 1))
        else:
            for ln in t[i]:
                lines.append(">> " + ln)
    return "\n".join(lines)


def run_both(kernels, seqs, tag, timeout, smp=1, golden=None):
    res = {}
    for k in kernels:
        res[k], secs = run_batch(k, seqs, tag, timeout, smp, golden)
        nops = sum(len(ops) for sid, ops in seqs if sid in res[k])
        speed = ("%.0f ops/min" % (nops * 60 / secs)) if secs else "no VM"
        log("%s: %d/%d sequences, %d operations in %.0fs (%s)" %
            (k, len(res[k]), len(seqs), nops, secs, speed))
    return res


def diverges(res, kernels, sid, allow):
    a, b = (res[k].get(sid) for k in kernels)
    return compare(a, b, allow)


def shrink(sid, ops, kernels, allow, timeout, budget, smp):
    """ddmin over the operation list (cut after the first diverging
    operation first); each round's candidates in one boot per kernel,
    rounds until BUDGET seconds are spent.  Returns the smallest list
    found that still diverges."""
    n = 2
    rnd = 0
    best = None
    t_end = time.time() + budget
    while len(ops) >= 2 and time.time() < t_end:
        chunk = max(1, len(ops) // n)
        cands = []
        for i in range(0, len(ops), chunk):
            c = ops[:i] + ops[i + chunk:]
            if c:
                cands.append(c)
        rnd += 1
        batch = [("%s~r%dc%d" % (sid, rnd, j), c) for j, c in enumerate(cands)]
        res = run_both(kernels, batch, "shrink", timeout, smp)
        found = None
        for cid, c in batch:
            j = diverges(res, kernels, cid, allow)
            if j is not None and j >= 0:
                found = c
                best = (cid, j, res[kernels[0]][cid], res[kernels[1]][cid])
                break
        if found is not None:
            ops = found
            n = max(n - 1, 2)
            log("shrink: %d operations still diverge" % len(ops))
        elif chunk == 1:
            break
        else:
            n = min(len(ops), n * 2)
    return ops, best


def read_seqfile(path):
    seqs = []
    for line in open(path):
        w = line.split()
        if not w:
            continue
        if w[0] == "seq":
            seqs.append((w[1], []))
        elif w[0] == "op" and seqs:
            seqs[-1][1].append(tuple(w[2:]))
    return seqs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default="1")
    ap.add_argument("--seqs", type=int, default=200)
    ap.add_argument("--len", type=int, default=24)
    ap.add_argument("--only", default="")
    ap.add_argument("--shrink", action="store_true")
    ap.add_argument("--kernels", default="ours,upstream")
    ap.add_argument("--allow", default=os.path.join(HERE, "allowlist"))
    ap.add_argument("--timeout", type=int, default=3600)
    ap.add_argument("--tag", default="fuzz")
    ap.add_argument("--shrink-secs", type=int, default=1800)
    ap.add_argument("--seqfile", default="",
                    help="run the sequences of this file (gen.py's format, "
                    "e.g. a shrunk sequence) instead of generating them")
    ap.add_argument("--smp", type=int, default=1,
                    help="guest CPUs (default 1: 6.12 then completes most "
                    "transitions at once instead of on its 1 s retry)")
    ap.add_argument("--check", action="store_true",
                    help="make check's campaign, with the golden file")
    ap.add_argument("--regress", action="store_true",
                    help="the sequences of regress/*.seq, with their "
                    "golden file")
    ap.add_argument("--golden", default="")
    ap.add_argument("--golden-status", action="store_true")
    ap.add_argument("--write-golden", action="store_true")
    o = ap.parse_args()
    if o.check:
        o.seed, o.tag = "check", "check"
        o.golden = o.golden or GOLDEN
    kernels = o.kernels.split(",")
    allow = load_allow(o.allow)
    if o.only:
        sids = o.only.split(",")
    else:
        sids = ["%s-%d" % (o.seed, i) for i in range(o.seqs)]
    seqs = [(sid, gen.sequence(sid, o.len)) for sid in sids]
    if o.seqfile:
        seqs = read_seqfile(o.seqfile)
    if o.regress:
        o.tag = "regress"
        o.golden = o.golden or os.path.join(HERE, "golden",
                                            "regress.trace.gz")
        seqs = []
        for f in sorted(glob.glob(os.path.join(HERE, "regress", "*.seq"))):
            seqs += read_seqfile(f)
    if o.golden_status:
        fresh = golden_read(o.golden, golden_key(seqs, o.smp)) is not None
        log("golden file %s: %s" % (o.golden, "fresh" if fresh else "stale"))
        return 0 if fresh else 1
    if o.write_golden:
        res, secs = run_batch("upstream", seqs, o.tag + "-golden",
                              o.timeout, o.smp)
        missing = [sid for sid, _ in seqs if sid not in res]
        if missing:
            log("upstream: %d sequences did not complete (%s): golden file "
                "not written" % (len(missing), missing[0]))
            return 1
        trace = os.path.join(CACHE, "diff", "%s-golden-upstream.trace" % o.tag)
        text = open(trace).read()
        key = golden_key(seqs, o.smp)
        head = "# golden key %s base %s seed %s seqs %d len %d smp %d\n" % (
            key, open(os.path.join(CACHE, "base-version")).read().strip(),
            o.seed, len(seqs), o.len, o.smp)
        # The same trace as the file's keeps the file's trace and keys, and
        # adds this key: the file then serves both bases.
        heads, old = golden_split(o.golden)
        if old is not None and same_trace(old, text):
            heads = [h for h in heads if h.split()[3:4] != [key]]
            text, how = old, "same trace as before, key added to"
        else:
            heads, how = [], "wrote"
        os.makedirs(os.path.dirname(o.golden), exist_ok=True)
        with gzip.GzipFile(o.golden, "wb", mtime=0) as f:
            f.write(("".join(heads) + head + text).encode())
        nops = sum(len(ops) for _, ops in seqs)
        log("upstream: %d sequences, %d operations in %.0fs: %s %s" %
            (len(seqs), nops, secs, how, o.golden))
        return 0
    res = run_both(kernels, seqs, o.tag, o.timeout, o.smp, o.golden or None)
    ndiv = 0
    nops = 0
    for sid, ops in seqs:
        nops += len(ops)
        i = diverges(res, kernels, sid, allow)
        if i is None:
            continue
        ndiv += 1
        a, b = (res[k].get(sid) for k in kernels)
        print(show(sid, i, a, b, *kernels))
        if o.shrink and i >= 0:
            small, best = shrink(sid, ops[:i + 1], kernels, allow, o.timeout,
                                 o.shrink_secs, o.smp)
            print("shrunk %s to %d operations (replay: save these lines, "
                  "run.py --seqfile FILE):" % (sid, len(small)))
            gen.emit(sid + "~min", small)
            if best:
                print(show(best[0], best[1], best[2], best[3], *kernels))
        print()
    print("differential: %d sequences, %d operations, %d divergences"
          % (len(seqs), nops, ndiv))
    return 1 if ndiv else 0


if __name__ == "__main__":
    sys.exit(main())
