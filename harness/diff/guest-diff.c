// SPDX-License-Identifier: GPL-2.0
/*
 * guest-diff SEQFILE: the guest side of the differential tester
 * (harness/diff/README).  Built static on the host (run.py) and put in
 * the VM's initramfs; runs every sequence of SEQFILE (written by gen.py)
 * in this boot and prints a normalised trace on stdout:
 *
 *   seq <id>                       a sequence starts (state reset first)
 *   op <n> <operation> -> <rc>     0 or the errno name of the operation
 *   <state lines>                  after the operation, once quiescent:
 *     log <line>                   contract "livepatch:" lines and the test
 *                                  modules' own lines logged meanwhile
 *     patch <name> enabled=E transition=T replace=R
 *                                  <obj>=<patched>[<func,sympos>...]...
 *     cmdline/version ORIG|<text>  which layer runs /proc/cmdline, /proc/version
 *     getpid original|patched      which __x64_sys_getpid() this task runs
 *     answer <module> <text>       a target module's "answer" parameter
 *     gate <open|closed> waiters N test_klp_trans_target's gate
 *     spin off|on last=<version>   its CPU-bound kthread, after 2 more calls
 *     ref <module> <refcnt>        every test module's refcount
 *     sleeper <name> waiting|<what it read>
 *   end <id>                       the sequence is over
 *   done <N> sequences <M> operations <S>s
 *
 * Quiescent: every patch enabled=1 transition=0 and every livepatch
 * module without a patch has let go of its reference; or the only tasks
 * not yet in the target state of the transition are sleepers (blocked
 * by them: only the gate can move it).  Bounded by --settle seconds.
 *
 * Why C: under QEMU TCG a fork+exec costs a few hundred milliseconds, and
 * the shell version spent most of its time starting dmesg, awk, modprobe
 * and rmmod.  Here everything is a system call: finit_module(),
 * delete_module(), /dev/kmsg, sysfs reads and writes; only a sleeper is
 * a fork (no exec).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KLP		"/sys/kernel/livepatch"
#define TT		"/sys/kernel/debug/test_klp_trans_target"
#define MODPREFIX	"test_klp_"
/* test_klp_trans_patch's getpid(): see lib/livepatch/test_klp_trans_patch.c */
#define GETPID_MAGIC	0x6b6c702d67657470UL
#define GETPID_PATCHED	(1L << 40)

#define MAXSLEEP	16
#define MAXNAMES	64

/*
 * The contract's log lines (Documentation/livepatch, INTERFACE.md section
 * 4) and the test modules' own lines; anything else (our debug-only lines,
 * upstream's "signaling remaining tasks", the wording of the warning of a
 * forced transition) is implementation-specific and dropped.
 */
static const char log_re[] =
	"^livepatch: (enabling patch '|'[^']*': (initializing|starting|completing) "
	"(patching|unpatching) transition|'[^']*': (patching|unpatching) complete|"
	"'[^']*': canceling patching transition|'[^']*': reversing transition from|"
	"pre-patch callback failed|failed to patch object|failed to enable patch|"
	"Livepatch patch \\(|reverting patch '|applying patch '|"
	"patch '[^']*' failed for module|failed to register ftrace handler)|"
	"^test_klp_[a-z0-9_]*: ";
static const char taint_re[] = "taint(s|ing) kernel";

static regex_t re_log, re_taint;
static int kmsg = -1;
static int settle_secs = 20;
static int profile;

/* --profile: where the time goes, per kind of operation (microseconds) */
#define NKIND 12
static const char *const kinds[NKIND] = {
	"load", "rmmod", "enable", "force", "gate", "spin", "sleep", "wait",
};

static long long t_op[NKIND], t_settle[NKIND], t_state[NKIND], n_op[NKIND];
static long long t_reset, n_reset;

static int kind(const char *op)
{
	int i;

	for (i = 0; i < NKIND && kinds[i]; i++)
		if (!strcmp(kinds[i], op))
			return i;
	return NKIND - 1;
}

static char orig_cmdline[256], orig_version[512];
static char note[160];
static char moddir[256];

struct sleeper {
	char name[16];
	pid_t pid;
	int fd;			/* read end of its pipe; -1 once read whole */
	int reaped;
	char what[128];
	size_t len;
};

static struct sleeper sl[MAXSLEEP];
static int nsl;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* rd: the first line of PATH in BUF (newline cut); -1 when unreadable. */
static int rd(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;
	char *nl;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0) {
		buf[0] = '\0';
		return -1;
	}
	buf[r] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

static int rdf(char *buf, size_t n, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return rd(path, buf, n);
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static const char *errname(int e)
{
	static char buf[16];
	const char *s = e ? strerrorname_np(e) : "0";

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* wr VALUE PATH: a sysfs/debugfs write, VALUE and a newline as echo does. */
static const char *wr(const char *value, const char *path)
{
	char buf[64];
	int fd, e = 0;
	size_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errname(errno);
	n = snprintf(buf, sizeof(buf), "%s\n", value);
	if (write(fd, buf, n) < 0)
		e = errno;
	if (close(fd) && !e)
		e = errno;
	return errname(e);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of DIR's entries (directories only when DIRS). */
static int list(const char *dir, char names[][96], int max, int dirs,
		const char *prefix)
{
	char *ptr[MAXNAMES];
	char tmp[MAXNAMES][96];
	struct dirent *de;
	int n = 0, i;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max && n < MAXNAMES) {
		if (de->d_name[0] == '.')
			continue;
		if (dirs && de->d_type != DT_DIR)
			continue;
		if (prefix && strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(tmp[n], sizeof(tmp[n]), "%s", de->d_name);
		ptr[n] = tmp[n];
		n++;
	}
	closedir(d);
	qsort(ptr, n, sizeof(ptr[0]), cmp_str);
	for (i = 0; i < n; i++)
		snprintf(names[i], sizeof(names[i]), "%s", ptr[i]);
	return n;
}

/* ---- sleepers ---- */

static int sleeper_pid(pid_t pid)
{
	int i;

	for (i = 0; i < nsl; i++)
		if (sl[i].pid == pid)
			return 1;
	return 0;
}

/* Collect what sleeper S wrote; 1 once it has all of it. */
static int sleeper_poll(struct sleeper *s)
{
	ssize_t r;

	while (s->fd >= 0) {
		r = read(s->fd, s->what + s->len, sizeof(s->what) - 1 - s->len);
		if (r > 0) {
			s->len += r;
			s->what[s->len] = '\0';
			continue;
		}
		if (r < 0 && errno == EAGAIN)
			return 0;
		close(s->fd);
		s->fd = -1;
	}
	if (!s->reaped && waitpid(s->pid, NULL, WNOHANG) == s->pid)
		s->reaped = 1;
	return 1;
}

static void sleeper_start(const char *name)
{
	struct sleeper *s = &sl[nsl];
	char buf[128];
	int p[2], fd;
	ssize_t r;

	if (nsl == MAXSLEEP || pipe2(p, O_CLOEXEC))
		return;
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	fflush(stdout);
	s->pid = fork();
	if (s->pid == 0) {
		prctl(PR_SET_NAME, s->name);
		fd = open(TT "/wait", O_RDONLY);
		r = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (r > 0) {
			buf[r] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
		} else {
			snprintf(buf, sizeof(buf), "(read failed)");
		}
		if (write(p[1], buf, strlen(buf)) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (s->pid < 0) {
		close(p[0]);
		return;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	s->fd = p[0];
	nsl++;
}

/* Wait (bounded) until the sleepers that the open gate let go are back. */
static void reap(void)
{
	int i;
	long long end;

	for (i = 0; i < nsl; i++) {
		end = now_us() + 5000000;
		while (!sleeper_poll(&sl[i]) && now_us() < end)
			nap_us(2000);
	}
}

/* ---- quiescence ---- */

static int idle(void)
{
	char names[MAXNAMES][96], v[32];
	int n, i;

	n = list(KLP, names, MAXNAMES, 1, NULL);
	for (i = 0; i < n; i++) {
		if (rdf(v, sizeof(v), KLP "/%s/transition", names[i]) || strcmp(v, "0"))
			return 0;
		if (rdf(v, sizeof(v), KLP "/%s/enabled", names[i]) || strcmp(v, "1"))
			return 0;
	}
	return 1;
}

/* A transition runs and only sleepers are not in its target state. */
static int blocked(void)
{
	char names[MAXNAMES][96], v[32], target[8] = "";
	struct dirent *de;
	int n, i, held = 0;
	DIR *d;

	if (!nsl)
		return 0;
	n = list(KLP, names, MAXNAMES, 1, NULL);
	for (i = 0; i < n; i++) {
		if (!rdf(v, sizeof(v), KLP "/%s/transition", names[i]) && !strcmp(v, "1"))
			rdf(target, sizeof(target), KLP "/%s/enabled", names[i]);
	}
	if (!target[0])
		return 0;
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		if (rdf(v, sizeof(v), "/proc/%d/patch_state", pid))
			continue;
		if (!strcmp(v, target))
			continue;
		if (!sleeper_pid(pid)) {
			closedir(d);
			return 0;
		}
		held = 1;
	}
	closedir(d);
	return held;
}

/*
 * A livepatch module ('K' in its taint) whose patch is gone drops its
 * module reference after the directory goes: wait for that too, or the
 * refcount would depend on timing.
 */
static int refs_dropped(void)
{
	char names[MAXNAMES][96], v[32];
	int n, i;

	n = list("/sys/module", names, MAXNAMES, 1, MODPREFIX);
	for (i = 0; i < n; i++) {
		if (rdf(v, sizeof(v), "/sys/module/%s/taint", names[i]) || !strchr(v, 'K'))
			continue;
		if (!rdf(v, sizeof(v), KLP "/%s/enabled", names[i]))
			continue;
		if (!rdf(v, sizeof(v), "/sys/module/%s/refcnt", names[i]) && strcmp(v, "0"))
			return 0;
	}
	return 1;
}

/* settle SECS: wait until quiescent, at most SECS. */
static void settle(int secs)
{
	long long end = now_us() + secs * 1000000LL;
	long step = 1000;

	for (;;) {
		if (idle()) {
			if (refs_dropped())
				break;
		} else if (blocked()) {
			/* twice, some time apart */
			nap_us(20000);
			if (blocked())
				break;
		}
		if (now_us() > end) {
			snprintf(note, sizeof(note), "note settle timeout");
			break;
		}
		nap_us(step);
		if (step < 16000)
			step *= 2;
	}
}

/* ---- observation ---- */

static void drain_log(int print)
{
	char rec[2048], *msg, *nl;
	ssize_t r;

	if (kmsg < 0)
		return;
	for (;;) {
		r = read(kmsg, rec, sizeof(rec) - 1);
		if (r < 0) {
			if (errno == EPIPE)	/* overwritten: go on */
				continue;
			break;
		}
		if (r == 0)
			break;
		rec[r] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		if (print && !regexec(&re_log, msg, 0, NULL, 0) &&
		    regexec(&re_taint, msg, 0, NULL, 0))
			printf("log %s\n", msg);
	}
}

static void show_patch(const char *name)
{
	char objs[MAXNAMES][96], funcs[MAXNAMES][96], path[512];
	char e[32], t[32], r[32], p[32];
	int no, nf, i, j;

	rdf(e, sizeof(e), KLP "/%s/enabled", name);
	rdf(t, sizeof(t), KLP "/%s/transition", name);
	rdf(r, sizeof(r), KLP "/%s/replace", name);
	printf("patch %s enabled=%s transition=%s replace=%s", name, e, t, r);
	snprintf(path, sizeof(path), KLP "/%s", name);
	no = list(path, objs, MAXNAMES, 1, NULL);
	for (i = 0; i < no; i++) {
		if (rdf(p, sizeof(p), KLP "/%s/%s/patched", name, objs[i]))
			continue;
		printf(" %s=%s[", objs[i], p);
		snprintf(path, sizeof(path), KLP "/%s/%s", name, objs[i]);
		nf = list(path, funcs, MAXNAMES, 1, NULL);
		for (j = 0; j < nf; j++)
			printf("%s%s", j ? " " : "", funcs[j]);
		printf("]");
	}
	printf("\n");
}

/* Wait for 2 more calls of the CPU-bound kthread, then its last version. */
static void show_spin(void)
{
	char v[192], *s;
	unsigned long c0 = 0, c;
	long long end;
	int pid = 0;

	if (rd(TT "/spin", v, sizeof(v)))
		return;
	s = strstr(v, "pid=");
	if (s)
		pid = atoi(s + 4);
	if (!pid) {
		printf("spin off\n");
		return;
	}
	s = strstr(v, "calls=");
	if (s)
		c0 = strtoul(s + 6, NULL, 10);
	end = now_us() + 5000000;
	do {
		nap_us(1000);
		rd(TT "/spin", v, sizeof(v));
		s = strstr(v, "calls=");
		c = s ? strtoul(s + 6, NULL, 10) : 0;
	} while (c < c0 + 2 && now_us() < end);
	s = strstr(v, "last=");
	printf("spin on last=%s%s\n", s ? s + 5 : "?",
	       c < c0 + 2 ? " (stalled)" : "");
}

static void state(void)
{
	char names[MAXNAMES][96], v[512];
	int n, i;
	long pid;

	drain_log(1);
	n = list(KLP, names, MAXNAMES, 1, NULL);
	for (i = 0; i < n; i++)
		show_patch(names[i]);
	rd("/proc/cmdline", v, sizeof(v));
	printf("cmdline %s\n", strcmp(v, orig_cmdline) ? v : "ORIG");
	rd("/proc/version", v, sizeof(v));
	printf("version %s\n", strcmp(v, orig_version) ? v : "ORIG");
	pid = syscall(SYS_getpid, GETPID_MAGIC);
	printf("getpid %s\n", pid & GETPID_PATCHED ? "patched" : "original");
	n = list("/sys/module", names, MAXNAMES, 1, MODPREFIX);
	for (i = 0; i < n; i++)
		if (!rdf(v, sizeof(v), "/sys/module/%s/parameters/answer", names[i]))
			printf("answer %s %s\n", names[i], v);
	if (exists(TT)) {
		char w[32];

		rd(TT "/gate", v, sizeof(v));
		rd(TT "/waiters", w, sizeof(w));
		printf("gate %s waiters %s\n", v, w);
		show_spin();
	}
	for (i = 0; i < n; i++)
		if (!rdf(v, sizeof(v), "/sys/module/%s/refcnt", names[i]))
			printf("ref %s %s\n", names[i], v);
	{
		int order[MAXSLEEP], j, k;

		for (i = 0; i < nsl; i++)
			order[i] = i;
		for (i = 1; i < nsl; i++)
			for (j = i; j > 0 && strcmp(sl[order[j - 1]].name,
						    sl[order[j]].name) > 0; j--) {
				k = order[j];
				order[j] = order[j - 1];
				order[j - 1] = k;
			}
		for (i = 0; i < nsl; i++) {
			struct sleeper *s = &sl[order[i]];

			if (sleeper_poll(s))
				printf("sleeper %s %s\n", s->name, s->what);
			else
				printf("sleeper %s waiting\n", s->name);
		}
	}
}

/* ---- operations ---- */

static const char *load(char **argv, int argc)
{
	char path[512], params[256] = "";
	int fd, i, e = 0;

	for (i = 1; i < argc; i++) {
		strncat(params, argv[i], sizeof(params) - strlen(params) - 2);
		if (i + 1 < argc)
			strcat(params, " ");
	}
	snprintf(path, sizeof(path), "%s/%s.ko", moddir, argv[0]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errname(errno);
	if (syscall(SYS_finit_module, fd, params, 0))
		e = errno;
	close(fd);
	return errname(e);
}

static const char *unload(const char *name)
{
	return errname(syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0);
}

static const char *do_op(char **a, int n)
{
	char path[256], v[32], r[32];
	int i, w0;

	if (n < 1)
		return "unknown-op";
	if (!strcmp(a[0], "load") && n >= 2)
		return load(a + 1, n - 1);
	if (!strcmp(a[0], "rmmod") && n >= 2)
		return unload(a[1]);
	if (!strcmp(a[0], "enable") && n >= 3) {
		snprintf(path, sizeof(path), KLP "/%s/enabled", a[1]);
		return wr(a[2], path);
	}
	if (!strcmp(a[0], "force") && n >= 2) {
		/*
		 * Only a patching transition of a plain patch: anything else
		 * keeps modules for good (Documentation/livepatch/
		 * differences.rst, "Forced transitions"), and the next
		 * sequences would differ.
		 */
		rdf(r, sizeof(r), KLP "/%s/replace", a[1]);
		rdf(v, sizeof(v), KLP "/%s/enabled", a[1]);
		if (strcmp(v, "1") || strcmp(r, "0"))
			return "skipped";
		snprintf(path, sizeof(path), KLP "/%s/force", a[1]);
		return wr("1", path);
	}
	if (!strcmp(a[0], "gate") && n >= 2) {
		const char *rc = wr(a[1], TT "/gate");

		if (!strcmp(a[1], "open"))
			reap();
		return rc;
	}
	if (!strcmp(a[0], "spin") && n >= 2)
		return wr(a[1], TT "/spin");
	if (!strcmp(a[0], "sleep") && n >= 2) {
		long long end;

		if (!exists(TT "/wait"))
			return "ENOENT";
		rd(TT "/waiters", v, sizeof(v));
		w0 = atoi(v);
		sleeper_start(a[1]);
		if (!nsl || strcmp(sl[nsl - 1].name, a[1]))
			return "EAGAIN";
		/* until it waits at the gate, or came back at once */
		end = now_us() + 5000000;
		for (i = 1; now_us() < end; i++) {
			if (sleeper_poll(&sl[nsl - 1]))
				break;
			rd(TT "/waiters", v, sizeof(v));
			if (atoi(v) > w0)
				break;
			nap_us(i < 10 ? 1000 : 10000);
		}
		return "0";
	}
	if (!strcmp(a[0], "wait")) {
		settle(60);
		return "0";
	}
	return "unknown-op";
}

/* Back to nothing: gate open, sleepers gone, patches disabled, modules out. */
static void reset(void)
{
	char names[MAXNAMES][96], v[32], t[32], path[256];
	int i, n, left, tries;

	if (exists(TT "/gate"))
		wr("open", TT "/gate");
	reap();
	for (i = 0; i < nsl; i++) {
		kill(sl[i].pid, SIGKILL);
		if (!sl[i].reaped)
			waitpid(sl[i].pid, NULL, 0);
		if (sl[i].fd >= 0)
			close(sl[i].fd);
	}
	nsl = 0;
	if (exists(TT "/spin"))
		wr("0", TT "/spin");
	for (tries = 0; tries < 10; tries++) {
		settle(30);
		note[0] = '\0';
		n = list(KLP, names, MAXNAMES, 1, NULL);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			rdf(t, sizeof(t), KLP "/%s/transition", names[i]);
			rdf(v, sizeof(v), KLP "/%s/enabled", names[i]);
			if (!strcmp(t, "1")) {
				snprintf(path, sizeof(path), KLP "/%s/force", names[i]);
				wr("1", path);
			} else if (!strcmp(v, "1")) {
				snprintf(path, sizeof(path), KLP "/%s/enabled", names[i]);
				wr("0", path);
			}
		}
	}
	/* a patch takes no reference on its targets: any order will do */
	for (tries = 0; tries < 70; tries++) {
		n = list("/sys/module", names, MAXNAMES, 1, MODPREFIX);
		left = 0;
		for (i = 0; i < n; i++)
			if (strcmp(unload(names[i]), "0"))
				left++;
		if (!left)
			break;
		nap_us(tries < 20 ? 2000 : 100000);
	}
	n = list("/sys/module", names, MAXNAMES, 1, MODPREFIX);
	for (i = 0; i < n; i++)
		if (!rdf(v, sizeof(v), "/sys/module/%s/refcnt", names[i]))
			printf("note reset: %s stays loaded\n", names[i]);
	drain_log(0);
}

int main(int argc, char **argv)
{
	char line[1024], *w[16], *tok, *save;
	long long t0 = now_us();
	int nseq = 0, nop = 0, n, i;
	struct utsname u;
	FILE *f;

	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2)
		if (!strcmp(argv[i], "--settle"))
			settle_secs = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--profile"))
			profile = atoi(argv[i + 1]);
	if (i >= argc) {
		fprintf(stderr, "usage: guest-diff [--settle SECS] SEQFILE\n");
		return 2;
	}
	f = fopen(argv[i], "r");
	if (!f) {
		perror(argv[i]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (regcomp(&re_log, log_re, REG_EXTENDED | REG_NOSUB) ||
	    regcomp(&re_taint, taint_re, REG_EXTENDED | REG_NOSUB))
		return 2;
	uname(&u);
	snprintf(moddir, sizeof(moddir), "/lib/modules/%s/kernel/lib/livepatch",
		 u.release);
	wr("file kernel/livepatch/* +p", "/sys/kernel/debug/dynamic_debug/control");
	rd("/proc/cmdline", orig_cmdline, sizeof(orig_cmdline));
	rd("/proc/version", orig_version, sizeof(orig_version));
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);

	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		n = 0;
		for (tok = strtok_r(line, " ", &save); tok && n < 16;
		     tok = strtok_r(NULL, " ", &save))
			w[n++] = tok;
		if (!n)
			continue;
		if (!strcmp(w[0], "seq") && n > 1) {
			long long ta = now_us();

			reset();
			t_reset += now_us() - ta;
			n_reset++;
			nseq++;
			printf("seq %s\n", w[1]);
		} else if (!strcmp(w[0], "end") && n > 1) {
			printf("end %s\n", w[1]);
			fflush(stdout);
		} else if (!strcmp(w[0], "op") && n > 2) {
			const char *rc;
			long long ta, tb, tc;
			int k = kind(w[2]);

			note[0] = '\0';
			ta = now_us();
			rc = do_op(w + 2, n - 2);
			tb = now_us();
			settle(settle_secs);
			tc = now_us();
			printf("op %s", w[1]);
			for (i = 2; i < n; i++)
				printf(" %s", w[i]);
			printf(" -> %s\n", rc);
			if (note[0])
				printf("%s\n", note);
			state();
			fflush(stdout);
			t_op[k] += tb - ta;
			t_settle[k] += tc - tb;
			t_state[k] += now_us() - tc;
			n_op[k]++;
			nop++;
		}
	}
	reset();
	for (i = 0; profile && i < NKIND; i++)
		if (n_op[i])
			printf("prof %s n=%lld op=%lldms settle=%lldms state=%lldms\n",
			       kinds[i] ? kinds[i] : "other", n_op[i], t_op[i] / n_op[i] / 1000,
			       t_settle[i] / n_op[i] / 1000, t_state[i] / n_op[i] / 1000);
	if (profile && n_reset)
		printf("prof reset n=%lld %lldms\n", n_reset, t_reset / n_reset / 1000);
	printf("done %d sequences %d operations %llds\n", nseq, nop,
	       (now_us() - t0) / 1000000);
	fflush(stdout);
	return 0;
}
