#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""series.py make|check|apply: this repository as a kernel patch series.

  make         write "git format-patch" files, with a cover letter, for
               the overlay at SERIES_REV (default HEAD) against the base
               tree, into $KLP_CACHE/series
  check        git am them on a clean base (a worktree in the cache),
               build the kernel after every patch and checkpatch --strict
               every patch; exits non-zero on any failure
  apply KSRC   lay the series on a 6.12.y tree: git am if it is a git
               repository, else patch -p1

Which patch carries which file, and why the kernel builds after each one,
is harness/series/map; the commit messages and the cover letter are next
to it.  The base becomes one commit of a scratch repository,
$KLP_CACHE/series-git (made once per base), and the series a branch of it.
"""

import fnmatch
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.path.join(REPO, 'harness')
SERIES_DIR = os.path.join(HARNESS, 'series')
KLP_CACHE = os.environ.get('KLP_CACHE') or os.path.expanduser('~/.cache/klp')
BASE = os.path.join(KLP_CACHE, 'base')
SG = os.path.join(KLP_CACHE, 'series-git')
OUTDIR = os.path.join(KLP_CACHE, 'series')
FRAG = os.path.join(HARNESS, 'config', 'livepatch.config')

IDENT = ('Livepatch Team', 'livepatch@localhost')
BASE_DATE = '1704067200 +0000'		# 2024-01-01, keeps the base id stable
ZERO = '0' * 40

t_start = time.time()


def die(msg):
    print('error: ' + msg, file=sys.stderr)
    sys.exit(1)


def run(cmd, cwd=None, env=None, inp=None, check=True, binary=False):
    """Run cmd, return its stdout (str); die with its stderr on failure."""
    e = None
    if env:
        e = dict(os.environ)
        e.update(env)
    p = subprocess.run(cmd, cwd=cwd, env=e, input=inp,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=not binary)
    if check and p.returncode:
        err = p.stderr if not binary else p.stderr.decode(errors='replace')
        die('%s failed (%d):\n%s' % (' '.join(cmd), p.returncode,
                                     err.strip()[-3000:]))
    return p.stdout


def git(*args, **kw):
    return run(['git', '--git-dir=' + SG] + list(args), **kw)


def git_env():
    return {'GIT_AUTHOR_NAME': IDENT[0], 'GIT_AUTHOR_EMAIL': IDENT[1],
            'GIT_COMMITTER_NAME': IDENT[0], 'GIT_COMMITTER_EMAIL': IDENT[1]}


def phase(name):
    print('==> ' + name, flush=True)
    return time.time()


def phase_end(name, t0):
    print('<== %s: %ds' % (name, time.time() - t0), flush=True)


# --------------------------------------------------------------------------
# The scratch repository and its base commit

def ensure_base_tree():
    """The unpacked base; prepare-base.sh makes it when it is missing."""
    if os.path.isfile(os.path.join(BASE, '.klp-base-id')):
        return
    env = dict(os.environ)
    env.pop('KSRC', None)	# "apply KSRC=" names the target, not the base
    subprocess.run([os.path.join(HARNESS, 'prepare-base.sh')], env=env,
                   check=True)


def base_desc():
    """One line saying what the base is, for commit and cover letter."""
    src = open(os.path.join(BASE, '.klp-base-id')).read().strip()
    ver = run(['make', '-s', '-C', BASE, 'kernelversion']).strip()
    if src.startswith('deb:'):
        return ver, 'Linux %s (Debian linux-source-6.12 %s)' % (ver, src[4:])
    return ver, 'Linux %s (%s)' % (ver, src[4:])


def base_commit():
    """The commit of the pristine base tree, made once per base."""
    ensure_base_tree()
    src = open(os.path.join(BASE, '.klp-base-id')).read().strip()
    stamp = os.path.join(SG, 'klp-base-id')
    if os.path.isfile(stamp) and open(stamp).read().strip() == src:
        c = git('rev-parse', '-q', '--verify', 'refs/klp/base^{commit}',
                check=False).strip()
        if c:
            return c
    ver, desc = base_desc()
    t0 = phase('base commit of %s in %s (once per base)' % (desc, SG))
    shutil.rmtree(SG, ignore_errors=True)
    run(['git', 'init', '-q', '--bare', SG])
    git('config', 'user.name', IDENT[0])
    git('config', 'user.email', IDENT[1])
    git('config', 'gc.auto', '0')
    objects = run(['git', '-C', REPO, 'rev-parse', '--path-format=absolute',
                   '--git-common-dir']).strip() + '/objects'
    with open(os.path.join(SG, 'objects', 'info', 'alternates'), 'w') as f:
        f.write(objects + '\n')
    idx = {'GIT_INDEX_FILE': os.path.join(SG, 'base.index'),
           'GIT_WORK_TREE': BASE}
    # -f: the tarball is the base, whatever its .gitignore files say.
    git('add', '-A', '-f', '.', env=idx, cwd=BASE)
    git('rm', '-q', '--cached', '--ignore-unmatch', '.klp-base-id', env=idx,
        cwd=BASE)
    tree = git('write-tree', env=idx).strip()
    os.unlink(os.path.join(SG, 'base.index'))
    env = git_env()
    env.update({'GIT_AUTHOR_DATE': BASE_DATE, 'GIT_COMMITTER_DATE': BASE_DATE})
    msg = '%s\n\nThe pristine base of the livepatch series: %s.\n' % (
        desc, 'linux-source-6.12.tar.xz unpacked' if src.startswith('deb:')
        else 'the tree at ' + src[4:])
    c = git('commit-tree', tree, env=env, inp=msg).strip()
    git('update-ref', 'refs/klp/base', c)
    with open(stamp, 'w') as f:
        f.write(src + '\n')
    phase_end('base commit', t0)
    return c


# --------------------------------------------------------------------------
# The map

class Patch:
    def __init__(self, name):
        self.name = name
        self.files = []		# exact repository paths
        self.dirs = []		# "dir/": its files, base files deleted
        self.deletes = []	# "-glob" or "-dir/"
        self.keeps = []		# "=path": the base's version stays for now
        self.patches = []	# "common/0001-x.patch"
        self.assigned = []	# overlay files, filled by assign()
        self.message = None


def read_map():
    path = os.path.join(SERIES_DIR, 'map')
    patches, grows, stubs = [], [], []
    cur = None
    for n, raw in enumerate(open(path), 1):
        line = raw.split('#', 1)[0].rstrip()
        if not line.strip():
            continue
        where = 'harness/series/map:%d' % n
        words = line.split()
        if not raw[0].isspace():
            if words[0] == 'grow' and len(words) == 2:
                grows.append(words[1])
            elif words[0] == 'stub' and len(words) == 4:
                stubs.append(tuple(words[1:]))
            elif len(words) == 1 and words[0].endswith(':'):
                cur = Patch(words[0][:-1])
                if any(p.name == cur.name for p in patches):
                    die('%s: patch %s twice' % (where, cur.name))
                patches.append(cur)
            else:
                die('%s: cannot read "%s"' % (where, line.strip()))
            continue
        if cur is None:
            die('%s: path outside of a patch' % where)
        for w in words:
            if w.startswith('-'):
                cur.deletes.append(w[1:])
            elif w.startswith('='):
                cur.keeps.append(w[1:])
            elif w.startswith('patch:'):
                cur.patches.append(w[6:])
            elif w.endswith('/'):
                cur.dirs.append(w)
            else:
                cur.files.append(w)
    if not patches:
        die('harness/series/map lists no patch')
    for p in patches:
        mp = os.path.join(SERIES_DIR, p.name + '.txt')
        if not os.path.isfile(mp):
            die('no commit message harness/series/%s.txt' % p.name)
        text = open(mp).read().strip('\n')
        subject, _, body = text.partition('\n')
        if not subject.strip() or (body and body.split('\n')[0].strip()) \
                or not body.strip():
            die('harness/series/%s.txt: want a subject line, a blank line '
                'and a body' % p.name)
        p.message = '%s\n\n%s\n\nSigned-off-by: %s <%s>\n' % (
            subject.strip(), body.strip('\n'), IDENT[0], IDENT[1])
    return patches, grows, stubs


def overlay_files(rev):
    """{path: (mode, blob)} of the overlay at rev."""
    out = run(['git', '-C', REPO, 'ls-tree', '-r', '-z', '--full-tree', rev])
    files = {}
    for ent in out.split('\0'):
        if not ent:
            continue
        meta, path = ent.split('\t', 1)
        mode, typ, sha = meta.split()
        if typ != 'blob' or '/' not in path or path.startswith('.ci/'):
            continue
        if os.path.basename(path).startswith('.checkpatch-camelcase.'):
            print('warning: %s is a cache file of checkpatch.pl, not part '
                  'of the series: remove it from the repository' % path)
            continue
        if path.startswith('harness/'):
            if not re.match(r'harness/patches/(common|ours)/[^/]+\.patch$',
                            path):
                continue
        files[path] = (mode, sha)
    return files


def assign(patches, files):
    """Give every overlay file its patch; die naming what is unassigned."""
    owner, errors = {}, []
    for path in sorted(files):
        hits = []
        for p in patches:
            if path.startswith('harness/patches/'):
                if path[len('harness/patches/'):] in p.patches:
                    hits.append(p)
            elif path in p.files or any(path.startswith(d) for d in p.dirs):
                hits.append(p)
        if not hits:
            errors.append('%s is in no patch of harness/series/map' % path)
        elif len(hits) > 1:
            errors.append('%s is in patches %s' % (
                path, ', '.join(h.name for h in hits)))
        else:
            owner[path] = hits[0]
            hits[0].assigned.append(path)
    for p in patches:
        names = p.files + p.dirs + ['harness/patches/' + x for x in p.patches]
        for n in names:
            if not any(f == n or (n.endswith('/') and f.startswith(n))
                       for f in files):
                errors.append('harness/series/map: %s (patch %s) is not in '
                              'the repository' % (n, p.name))
    for i, p in enumerate(patches):
        for k in p.keeps:
            if not any(k in q.assigned for q in patches[i + 1:]):
                errors.append('harness/series/map: =%s (patch %s): no later '
                              'patch carries the repository\'s %s' % (
                                  k, p.name, k))
    if errors:
        die('the map does not fit the repository:\n  ' + '\n  '.join(errors))
    return owner


# --------------------------------------------------------------------------
# Intermediate versions of files (see "grow" and "stub" in the map)

def make_width(s):
    return len(s.expandtabs(8))


def grow(text, path, in_tree, final):
    """Drop objects whose source, a file of the repository, is not in the
    tree yet (composite objects have none and stay)."""
    d = os.path.dirname(path)
    lines = text.split('\n')
    out, i = [], 0
    while i < len(lines):
        phys = [lines[i]]
        while phys[-1].endswith('\\') and i + 1 < len(lines):
            i += 1
            phys.append(lines[i])
        i += 1
        m = re.match(r'^(\S+)\s*(:=|\+=|=)\s*(.*)$', phys[0])
        if not m or phys[0].lstrip().startswith('#'):
            out.extend(phys)
            continue
        words = ' '.join([m.group(3)] + phys[1:]).replace('\\', ' ').split()
        keep = [w for w in words
                if not (w.endswith('.o') and
                        os.path.join(d, w[:-2] + '.c') in final and
                        os.path.join(d, w[:-2] + '.c') not in in_tree)]
        if keep == words:
            out.extend(phys)
            continue
        if not keep:
            continue
        indent = re.match(r'^\s*', phys[1]).group(0) if len(phys) > 1 else '\t'
        cur = '%s %s %s' % (m.group(1), m.group(2), keep[0])
        for w in keep[1:]:
            if make_width(cur + ' ' + w + ' \\') > 80:
                out.append(cur + ' \\')
                cur = indent + w
            else:
                cur += ' ' + w
        out.append(cur)
    return '\n'.join(out)


def stub(text, path, src, stubfile):
    marker = '/* %s */' % os.path.basename(src)
    lines = text.split('\n')
    try:
        j = [ln.strip() for ln in lines].index(marker)
    except ValueError:
        die('%s has no line "%s" for the stub rule of harness/series/map'
            % (path, marker))
    k = j
    while k < len(lines) and lines[k].strip():
        k += 1
    repl = open(os.path.join(SERIES_DIR, stubfile)).read().rstrip('\n')
    return '\n'.join(lines[:j] + repl.split('\n') + lines[k:])


def intermediate(path, text, present, in_tree, final, grows, stubs):
    """The content of path while only `present` files of the repository
    are in the series, and the tree has the files `in_tree`."""
    if path in grows:
        text = grow(text, path, in_tree, final)
    for f, src, stubfile in stubs:
        if f == path and src not in present:
            text = stub(text, path, src, stubfile)
    return text


# --------------------------------------------------------------------------
# make

def cat_blob(sha, env=None):
    return run(['git', '--git-dir=' + SG, 'cat-file', 'blob', sha],
               env=env, binary=True)


def hash_blob(data):
    return git('hash-object', '-w', '--stdin', inp=data, binary=True) \
        .decode().strip()


def patch_targets(text):
    out = []
    for ln in text.split('\n'):
        if ln.startswith('+++ '):
            p = ln[4:].split('\t')[0]
            if p != '/dev/null':
                out.append(p.split('/', 1)[1])
    return out


def build_series(base, rev, files, patches, grows, stubs, ref):
    """Commit the patches on top of base as branch ref; return the commits."""
    assign(patches, files)
    base_files = [f for f in git('ls-tree', '-r', '--name-only', '-z', base)
                  .split('\0') if f]
    in_tree = set(base_files)
    when = run(['git', '-C', REPO, 'log', '-1', '--format=%ct +0000', rev]) \
        .strip()
    tmp = tempfile.mkdtemp(prefix='klp-series.')
    env = {'GIT_INDEX_FILE': os.path.join(tmp, 'index')}
    env.update(git_env())
    env.update({'GIT_AUTHOR_DATE': when, 'GIT_COMMITTER_DATE': when})
    git('read-tree', base, env=env)
    present, commits, parent = set(), [], base
    placed = {}			# path -> index of the patch that laid it
    try:
        for i, p in enumerate(patches):
            info = []
            # Deletions: base files this patch takes over but lacks.
            globs = p.deletes + p.dirs
            for f in base_files:
                if f in p.assigned or f in p.keeps or f not in in_tree:
                    continue
                if not any(f.startswith(g) if g.endswith('/')
                           else fnmatch.fnmatch(f, g) for g in globs):
                    continue
                if f in placed:
                    die('patch %s would delete %s, laid by an earlier patch'
                        % (p.name, f))
                info.append('0 %s\t%s' % (ZERO, f))
                in_tree.discard(f)
            # The repository's files, whole.
            for f in p.assigned:
                if f.startswith('harness/patches/'):
                    continue
                mode, sha = files[f]
                present.add(f)
                in_tree.add(f)
                placed[f] = i
                info.append('%s %s\t%s' % (mode, sha, f))
            if info:
                git('update-index', '--index-info', env=env,
                    inp='\n'.join(info) + '\n')
            # Patches to base files, applied to what the tree has now.
            for f in p.assigned:
                if not f.startswith('harness/patches/'):
                    continue
                text = cat_blob(files[f][1]).decode()
                work = os.path.join(tmp, 'work')
                shutil.rmtree(work, ignore_errors=True)
                os.makedirs(work)
                targets = patch_targets(text)
                for t in targets:
                    blob = git('rev-parse', '-q', '--verify', ':' + t,
                               env=env, check=False).strip()
                    if blob:
                        os.makedirs(os.path.dirname(os.path.join(work, t)),
                                    exist_ok=True)
                        with open(os.path.join(work, t), 'wb') as fh:
                            fh.write(cat_blob(blob))
                r = subprocess.run(['patch', '-p1', '-s', '-f',
                                    '--no-backup-if-mismatch', '-d', work],
                                   input=text, text=True,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
                if r.returncode:
                    die('%s does not apply to the base:\n%s' % (f, r.stdout))
                upd = []
                for t in targets:
                    wp = os.path.join(work, t)
                    if os.path.exists(wp):
                        sha = hash_blob(open(wp, 'rb').read())
                        upd.append('100644 %s\t%s' % (sha, t))
                        in_tree.add(t)
                    else:
                        upd.append('0 %s\t%s' % (ZERO, t))
                        in_tree.discard(t)
                    placed[t] = i
                git('update-index', '--index-info', env=env,
                    inp='\n'.join(upd) + '\n')
            # Files whose intermediate version depends on what is present.
            upd = []
            for f in sorted(present):
                if f not in grows and not any(s[0] == f for s in stubs):
                    continue
                text = cat_blob(files[f][1]).decode()
                mid = intermediate(f, text, present, in_tree, files, grows,
                                   stubs)
                if i == len(patches) - 1 and mid != text:
                    die('%s is still an intermediate version after the '
                        'last patch: check harness/series/map' % f)
                upd.append('%s %s\t%s' % (files[f][0],
                                          hash_blob(mid.encode()), f))
            if upd:
                git('update-index', '--index-info', env=env,
                    inp='\n'.join(upd) + '\n')
            tree = git('write-tree', env=env).strip()
            if tree == git('rev-parse', parent + '^{tree}').strip():
                die('patch %s changes nothing' % p.name)
            parent = git('commit-tree', tree, '-p', parent, env=env,
                         inp=p.message).strip()
            commits.append(parent)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    git('update-ref', ref, parent)
    return commits


def result_file(tip):
    """Where series-check's verdict on this content is kept: keyed by the
    trees and messages of the patches, not by dates."""
    base = git('rev-parse', 'refs/klp/base').strip()
    ident = git('log', '--format=%T%n%B', base + '..' + tip)
    key = hashlib.sha1(ident.encode()).hexdigest()
    return os.path.join(KLP_CACHE, 'series-check', 'result-' + key)


def check_result(tip):
    """What series-check found for this content, for the cover letter."""
    try:
        return open(result_file(tip)).read().strip('\n')
    except OSError:
        return ('Each patch on its own: not build-tested or checkpatch-ed '
                'for this version\nof the series.')


def format_series(base, tip, patches, outdir, rev_desc):
    """git format-patch base..tip into outdir; fill in the cover letter."""
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    out = git('format-patch', '-q', '-B', '--cover-letter', '--numbered',
              '--subject-prefix=PATCH', '--signature=klp series',
              '-o', outdir, base + '..' + tip)
    names = sorted(f for f in os.listdir(outdir) if f.endswith('.patch'))
    if len(names) != len(patches) + 1:
        die('format-patch wrote %d files for %d patches' % (len(names),
                                                          len(patches)))
    cover_text = open(os.path.join(SERIES_DIR, 'cover.txt')).read()
    subject, _, body = cover_text.strip('\n').partition('\n')
    _, desc = base_desc()
    body = body.strip('\n').replace('@BASE@', desc).replace('@REV@', rev_desc)
    body = body.replace('@CHECK@', check_result(tip))
    cp = os.path.join(outdir, names[0])
    cover = open(cp).read()
    if '*** SUBJECT HERE ***' not in cover or '*** BLURB HERE ***' not in cover:
        die('unexpected cover letter template from git format-patch')
    cover = cover.replace('*** SUBJECT HERE ***', subject.strip(), 1)
    cover = cover.replace('*** BLURB HERE ***', body, 1)
    with open(cp, 'w') as f:
        f.write(cover)
    return [os.path.join(outdir, n) for n in names]


def make_series(rev=None, base=None, outdir=OUTDIR, ref='refs/heads/series',
                quiet=False):
    rev = rev or os.environ.get('SERIES_REV') or 'HEAD'
    sha = run(['git', '-C', REPO, 'rev-parse', '--verify', rev + '^{commit}'])\
        .strip()
    base = base or base_commit()
    patches, grows, stubs = read_map()
    files = overlay_files(sha)
    t0 = phase('series of %s %s against %s' % (
        rev, sha[:12], git('log', '-1', '--format=%s', base).strip()))
    commits = build_series(base, sha, files, patches, grows, stubs, ref)
    desc = run(['git', '-C', REPO, 'log', '-1', '--format=commit %h:%n  %s',
                sha]).strip()
    paths = format_series(base, commits[-1], patches, outdir, desc)
    if not quiet:
        for p in paths:
            st = run(['git', 'apply', '--numstat', p], cwd=outdir,
                     check=False)
            add = sum(int(x.split('\t')[0]) for x in st.splitlines()
                      if x.split('\t')[0].isdigit())
            dele = sum(int(x.split('\t')[1]) for x in st.splitlines()
                       if x.split('\t')[0].isdigit())
            with open(p) as fh:
                subj = next((ln[9:].strip() for ln in fh
                             if ln.startswith('Subject: ')), '?')
            print('  %-58s +%-5d -%d' % (subj[:58], add, dele))
        dirty = run(['git', '-C', REPO, 'status', '--porcelain', '--',
                     '.', ':!harness', ':!.ci'], check=False).splitlines()
        dirty = [d for d in dirty if '/' in d[3:]]
        if dirty and rev == 'HEAD':
            print('note: the series is made of commit %s; %d uncommitted '
                  'change(s) are not in it:' % (sha[:12], len(dirty)))
            print('  ' + '\n  '.join(dirty[:8]) +
                  ('\n  ...' if len(dirty) > 8 else ''))
    phase_end('series', t0)
    print('series: %d patches and a cover letter in %s' % (len(commits),
                                                          outdir))
    return base, commits, paths, patches, sha


# --------------------------------------------------------------------------
# check

def configure(src, out, env):
    """tinyconfig + the harness fragment, as build-kernel.sh does."""
    mk = ['make', '-C', src, 'O=' + out, 'ARCH=x86_64', 'CC=ccache gcc',
          'HOSTCC=ccache gcc']
    r = subprocess.run(mk + ['-s', 'tinyconfig'], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode:
        return r.stderr
    r = subprocess.run([os.path.join(src, 'scripts/kconfig/merge_config.sh'),
                        '-m', '-O', out, os.path.join(out, '.config'), FRAG],
                       env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode:
        return r.stderr
    r = subprocess.run(mk + ['-s', 'olddefconfig'], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    return r.stderr if r.returncode else None


def config_missing(out):
    have = set(open(os.path.join(out, '.config')).read().split('\n'))
    return [ln for ln in open(FRAG).read().split('\n')
            if ln.startswith('CONFIG_') and ln not in have]


def checkpatch(path, root, cwd):
    """Run checkpatch --strict on one patch: (errors, warnings, checks,
    file_path_changes, report lines)."""
    r = subprocess.run(['perl', os.path.join(root, 'scripts/checkpatch.pl'),
                        '--strict', '--show-types', '--no-color',
                        '--root=' + root, path], cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    m = re.search(r'total: (\d+) errors, (\d+) warnings, (\d+) checks',
                  r.stdout)
    if not m:
        return None, None, None, 0, r.stdout.split('\n')[-20:]
    e, w, c = (int(x) for x in m.groups())
    fpc = len(re.findall(r'^WARNING:FILE_PATH_CHANGES:', r.stdout, re.M))
    report = []
    for m in re.finditer(r'^(ERROR|WARNING):(\w+): (.*)\n(?:#\d+: FILE: (\S+))?',
                         r.stdout, re.M):
        if m.group(2) != 'FILE_PATH_CHANGES':
            report.append('%s %s:%s: %s' % (m.group(4) or '(commit message)',
                                            m.group(1), m.group(2),
                                            m.group(3)))
    return e, w - fpc, c, fpc, report


def maintainers_patterns(src, section='LIVE PATCHING'):
    """F: and X: patterns of one MAINTAINERS section."""
    f, x, inside = [], [], False
    for ln in open(os.path.join(src, 'MAINTAINERS'), errors='replace'):
        ln = ln.rstrip('\n')
        if not ln.strip():
            if inside:
                break
            continue
        if ln == section:
            inside = True
        elif inside and ln[:2] in ('F:', 'X:'):
            (f if ln[0] == 'F' else x).append(ln[2:].strip())
    return f, x


def maintained_elsewhere(src, path, skip=('LIVE PATCHING', 'THE REST')):
    """Name of a MAINTAINERS section other than @skip whose F: patterns
    cover @path (and whose X: patterns do not), or None."""
    name, f, x = None, [], []
    found = None

    def check():
        if name and name not in skip and covered(path, f) and \
                not covered(path, x):
            return name
        return None

    for ln in open(os.path.join(src, 'MAINTAINERS'), errors='replace'):
        ln = ln.rstrip('\n')
        if not ln.strip():
            found = found or check()
            name, f, x = None, [], []
        elif name is None and ln[1:2] != ':':
            name = ln
        elif ln[:2] in ('F:', 'X:'):
            (f if ln[0] == 'F' else x).append(ln[2:].strip())
    return found or check()


def covered(path, pats):
    for p in pats:
        if p.endswith('/'):
            if path.startswith(p):
                return True
        elif fnmatch.fnmatch(path, p) or path.startswith(p + '/'):
            return True
    return False


def check_series():
    base, commits, paths, patches, rev = make_series(quiet=True)
    root = os.path.join(KLP_CACHE, 'series-check')
    src, out = os.path.join(root, 'src'), os.path.join(root, 'out')
    logs = os.path.join(root, 'logs')
    os.makedirs(logs, exist_ok=True)
    os.makedirs(out, exist_ok=True)
    jobs = os.environ.get('JOBS') or str(os.cpu_count() or 1)
    env = dict(os.environ)
    env.update({'ARCH': 'x86_64',
                'KBUILD_BUILD_TIMESTAMP': 'Mon Jan  1 00:00:00 UTC 2024',
                'KBUILD_BUILD_USER': 'klp', 'KBUILD_BUILD_HOST': 'harness',
                'CCACHE_DIR': os.environ.get('CCACHE_DIR') or
                os.path.join(KLP_CACHE, 'ccache')})

    t0 = phase('clean base worktree %s' % src)
    if not os.path.isfile(os.path.join(src, 'Makefile')) or \
            os.path.realpath(run(['git', '-C', src, 'rev-parse',
                                  '--path-format=absolute',
                                  '--git-common-dir'], check=False).strip()) \
            != os.path.realpath(SG):
        shutil.rmtree(src, ignore_errors=True)
        git('worktree', 'prune')
        git('worktree', 'add', '-q', '-f', '--detach', src, base)
    else:
        run(['git', '-C', src, 'am', '--abort'], check=False)
        run(['git', '-C', src, 'checkout', '-q', '-f', '--detach', base])
        run(['git', '-C', src, 'clean', '-q', '-f', '-d', '-x'])
    phase_end('clean base worktree', t0)

    n = len(commits)
    fails = 0
    cp_bad, build_bad = [], []
    tot = [0, 0, 0, 0]
    print('==> per patch: git am, checkpatch --strict, build (bzImage '
          'modules, tinyconfig + %s)' % os.path.relpath(FRAG, REPO))
    for k, pp in enumerate(paths[1:], 1):
        subj = patches[k - 1].message.split('\n')[0]
        tag = '[%02d/%02d]' % (k, n)
        r = subprocess.run(['git', '-C', src, 'am', '-q', pp],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        if r.returncode:
            print('%s %s\n  FAIL git am:\n%s' % (tag, subj, r.stdout))
            run(['git', '-C', src, 'am', '--abort'], check=False)
            fails += 1
            break
        e, w, c, fpc, report = checkpatch(pp, src, root)
        if e is None:
            cp_ok, cp = False, 'checkpatch did not finish'
        else:
            tot[0] += e
            tot[1] += w
            tot[2] += c
            tot[3] += fpc
            cp_ok = e == 0 and w == 0
            cp = '%d errors, %d warnings, %d checks' % (e, w, c)
            if fpc:
                cp += ' (+%d FILE_PATH_CHANGES)' % fpc
        log = os.path.join(logs, '%02d-%s.log' % (k, patches[k - 1].name))
        tb = time.time()
        err = configure(src, out, env)
        bstat = 'config failed'
        if err is None:
            cfg = open(os.path.join(out, '.config')).read()
            if 'CONFIG_LIVEPATCH=y\n' not in cfg:
                err = 'CONFIG_LIVEPATCH=y did not stick'
                bstat = 'no CONFIG_LIVEPATCH'
        if err is None:
            with open(log, 'w') as lf:
                r = subprocess.run(['make', '-C', src, 'O=' + out,
                                    'ARCH=x86_64', 'CC=ccache gcc',
                                    'HOSTCC=ccache gcc', '-j' + jobs,
                                    'bzImage', 'modules'], env=env,
                                   stdout=lf, stderr=subprocess.STDOUT)
            bstat = 'ok' if r.returncode == 0 else 'FAILED'
            if r.returncode:
                err = 'build failed, log: ' + log
        build_ok = err is None
        print('%s %s\n        git am ok; checkpatch: %s%s; build: %s (%ds)'
              % (tag, subj, cp, '' if cp_ok else ' FAIL', bstat,
                 time.time() - tb), flush=True)
        if not cp_ok:
            print('        ' + '\n        '.join(report[:40]))
        if not build_ok:
            print('        ' + err)
            if os.path.isfile(log):
                tail = open(log, errors='replace').read().split('\n')[-25:]
                print('        | ' + '\n        | '.join(tail))
        fails += (not cp_ok) + (not build_ok)
        if not cp_ok:
            cp_bad.append(k)
        if not build_ok:
            build_bad.append(k)

    applied = run(['git', '-C', src, 'rev-list', '--count', base + '..HEAD'],
                  check=False).strip()
    print('==> the tip')
    if applied == str(n):
        same = run(['git', '-C', src, 'rev-parse', 'HEAD^{tree}']).strip() == \
            git('rev-parse', commits[-1] + '^{tree}').strip()
        print('%s git am result is the tree of the series (%s)' %
              ('PASS' if same else 'FAIL',
               'identical' if same else 'differs'))
        fails += not same
        missing = config_missing(out)
        print('%s every option of %s is set at the tip%s' % (
            'FAIL' if missing else 'PASS', os.path.relpath(FRAG, REPO),
            (': missing ' + ' '.join(missing)) if missing else ''))
        fails += bool(missing)
        # checkpatch asks "does MAINTAINERS need updating?" for every new
        # file; answer it: every path the series adds or changes is in the
        # LIVE PATCHING entry at the tip, except files of other subsystems
        # that the series only changes (the ftrace and /proc patches):
        # their own entries name who reviews those.
        f_pats, x_pats = maintainers_patterns(src)
        touched = git('diff', '--name-only', '--diff-filter=AM', base,
                      commits[-1]).split()
        added = set(git('diff', '--name-only', '--diff-filter=A', base,
                        commits[-1]).split())
        lost, elsewhere = [], []
        for t in touched:
            if t == 'MAINTAINERS' or \
                    t.startswith(('lib/Kconfig', 'lib/Makefile')) or \
                    (covered(t, f_pats) and not covered(t, x_pats)):
                continue
            other = None if t in added else maintained_elsewhere(src, t)
            if other:
                elsewhere.append('%s (%s)' % (t, other))
            else:
                lost.append(t)
        print('%s MAINTAINERS "LIVE PATCHING" covers the %d files the series '
              'adds or changes (lib/Kconfig.debug, lib/Makefile aside)%s' % (
                  'FAIL' if lost else 'PASS', len(touched),
                  (': not ' + ' '.join(lost[:10])) if lost else ''))
        if elsewhere:
            print('     changed files of other subsystems, under their own '
                  'entries: ' + ', '.join(elsewhere))
        fails += bool(lost)
    else:
        print('FAIL only %s of %d patches applied' % (applied, n))
        fails += 1
    print('checkpatch --strict over the series: %d errors, %d warnings, '
          '%d checks; %d FILE_PATH_CHANGES warnings ("does MAINTAINERS need '
          'updating?") answered by the MAINTAINERS check above' % tuple(tot))
    # What the cover letter says about this content from now on.
    def nums(ks):
        return ', '.join(str(k) for k in ks)

    if applied != str(n):
        text = 'Not every patch applies to the base yet.'
    elif build_bad:
        text = ('Each patch applies with git am to the base, but the kernel '
                'does not build yet after patch(es) %s.' % nums(build_bad))
    else:
        text = ('Each patch applies with git am to the base, and the kernel '
                '(bzImage and modules, the configuration above) builds after '
                'each one.  ')
        if cp_bad:
            text += ('checkpatch.pl --strict still reports %d errors and %d '
                     'warnings, in patch(es) %s.' % (tot[0], tot[1],
                                                     nums(cp_bad)))
        else:
            text += ('checkpatch.pl --strict reports no error and no warning '
                     'on any patch, apart from "does MAINTAINERS need '
                     'updating?" for new files, which the LIVE PATCHING entry '
                     'covers at the end of the series; %d CHECK notes remain.'
                     % tot[2])
    with open(result_file(commits[-1]), 'w') as f:
        f.write(textwrap.fill(text, 72) + '\n')
    make_series(rev=rev, quiet=True)
    print('series-check: %s (%d patches, %ds)' % (
        'PASS' if not fails else 'FAIL, %d problem(s)%s%s' % (
            fails,
            '; build fails after patch(es) ' + nums(build_bad)
            if build_bad else '',
            '; checkpatch fails on patch(es) ' + nums(cp_bad)
            if cp_bad else ''),
        n, time.time() - t_start))
    return 0 if not fails else 1


# --------------------------------------------------------------------------
# apply

def apply_series(ksrc):
    if not ksrc:
        die('usage: make apply KSRC=/path/to/linux-6.12.y')
    ksrc = os.path.abspath(ksrc)
    if not os.path.isfile(os.path.join(ksrc, 'Makefile')) or \
            not os.path.isdir(os.path.join(ksrc, 'kernel')):
        die('KSRC=%s is not a kernel tree' % ksrc)
    ver = run(['make', '-s', '-C', ksrc, 'kernelversion'], check=False) \
        .strip()
    if not re.match(r'6\.12(\.\d+)?$', ver):
        die('KSRC=%s is linux "%s", not 6.12.y: refusing' % (ksrc, ver))
    if os.path.exists(os.path.join(ksrc, 'kernel/livepatch/redirect.c')):
        die('%s already has this livepatch implementation '
            '(kernel/livepatch/redirect.c)' % ksrc)
    top = run(['git', '-C', ksrc, 'rev-parse', '--show-toplevel'],
              check=False).strip()
    is_git = top and os.path.realpath(top) == os.path.realpath(ksrc)
    if is_git:
        dirty = run(['git', '-C', ksrc, 'status', '--porcelain',
                     '--untracked-files=no'], check=False).strip()
        if dirty:
            die('%s has uncommitted changes: commit or stash them first'
                % ksrc)

    base, commits, paths, _, sha = make_series(quiet=True)
    # The patches only need the files they touch to be as in the base.
    # When the user's tree differs there (another 6.12.y), the series is
    # made again on a base that has the user's versions of those files.
    touched = git('diff', '--name-only', '--no-renames', base,
                  commits[-1]).split()
    differ = []
    for t in touched:
        kp = os.path.join(ksrc, t)
        have = git('hash-object', kp).strip() if os.path.isfile(kp) else None
        want = git('rev-parse', '-q', '--verify', '%s:%s' % (base, t),
                   check=False).strip() or None
        if have != want:
            differ.append((t, have))
    if differ:
        print('%s differs from the base in %d file(s) the series touches '
              '(%s); making the series on those versions' % (
                  ksrc, len(differ),
                  ' '.join(t for t, _ in differ[:6]) +
                  (' ...' if len(differ) > 6 else '')))
        tmp = tempfile.mkdtemp(prefix='klp-apply.')
        env = {'GIT_INDEX_FILE': os.path.join(tmp, 'index')}
        env.update(git_env())
        git('read-tree', base, env=env)
        info = []
        for t, have in differ:
            if have:
                git('hash-object', '-w', os.path.join(ksrc, t))
                mode = '100755' if os.access(os.path.join(ksrc, t),
                                             os.X_OK) else '100644'
                info.append('%s %s\t%s' % (mode, have, t))
            else:
                info.append('0 %s\t%s' % (ZERO, t))
        git('update-index', '--index-info', env=env,
            inp='\n'.join(info) + '\n')
        tree = git('write-tree', env=env).strip()
        shutil.rmtree(tmp, ignore_errors=True)
        ubase = git('commit-tree', tree, '-p', base, env=env,
                    inp='Linux %s: files of %s\n' % (ver, ksrc)).strip()
        base, commits, paths, _, _ = make_series(
            rev=sha, base=ubase, outdir=os.path.join(KLP_CACHE, 'series-apply'),
            ref='refs/heads/series-apply', quiet=True)

    patches = paths[1:]
    if is_git:
        t0 = phase('git am %d patches on %s (linux %s)' % (len(patches),
                                                           ksrc, ver))
        r = subprocess.run(['git', '-C', ksrc, 'am', '-3'] + patches)
        if r.returncode:
            subprocess.run(['git', '-C', ksrc, 'am', '--abort'])
            die('git am failed; %s is back as it was' % ksrc)
        phase_end('git am', t0)
        print(run(['git', '-C', ksrc, 'log', '--oneline',
                   '-%d' % len(patches)]))
    else:
        # Try the whole series on copies of the files it touches first, so
        # that a failure leaves the tree untouched.
        t0 = phase('patch -p1 %d patches on %s (linux %s)' % (
            len(patches), ksrc, ver))
        tmp = tempfile.mkdtemp(prefix='klp-apply.')
        for t in touched:
            kp = os.path.join(ksrc, t)
            if os.path.isfile(kp):
                os.makedirs(os.path.dirname(os.path.join(tmp, t)),
                            exist_ok=True)
                shutil.copy2(kp, os.path.join(tmp, t))
        for d in (tmp, ksrc):
            for p in patches:
                r = subprocess.run(['patch', '-p1', '-s', '-f', '-E',
                                    '--no-backup-if-mismatch', '-d', d,
                                    '-i', p], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
                if r.returncode:
                    shutil.rmtree(tmp, ignore_errors=True)
                    die('%s does not apply%s:\n%s' % (
                        os.path.basename(p),
                        '' if d == tmp else ' (tree partly patched!)',
                        r.stdout))
        shutil.rmtree(tmp, ignore_errors=True)
        phase_end('patch -p1', t0)
    print('applied %d patches to %s; build with CONFIG_LIVEPATCH=y'
          % (len(patches), ksrc))
    return 0


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'make':
        make_series()
        return 0
    if cmd == 'check':
        return check_series()
    if cmd == 'apply':
        return apply_series(sys.argv[2] if len(sys.argv) > 2 else '')
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
