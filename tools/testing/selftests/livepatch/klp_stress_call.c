// SPDX-License-Identifier: GPL-2.0
/*
 * klp_stress_call CPU EXPECTFILE STOPFILE - one caller of test-stress.sh:
 * pinned to CPU, it calls two patched functions in turn until STOPFILE
 * exists and checks every result against what its own task was allowed
 * to run at the time.
 *
 *   cmdline  a read of /proc/cmdline runs vmlinux's cmdline_proc_show()
 *   answer   a read of /sys/module/test_klp_target/parameters/answer runs
 *            the module's tgt_answer() (absent while the module is not
 *            loaded: counted, not checked)
 *
 * Each result is named after the code that produced it: "orig", or the
 * test patch module whose replacement printed it (the output starts with
 * "<module>" or "patched by <module>").
 *
 * The driver (test-stress.sh) publishes in EXPECTFILE, replaced whole by
 * rename(), one line
 *   <epoch> cmdline <unpatched> <patched> answer <unpatched> <patched>
 * before and after each thing it does: per function, the version a task
 * whose /proc/self/patch_state is 0 (unpatched) must run, and the one a
 * task in state 1 (patched) must run, for the transition that may be
 * going on; when none is, both are the top of the patch stack.  Where
 * the driver cannot know which of two outcomes it caused, a version is
 * "a|b": either.
 *
 * A call is checked when the epoch read before it (before the task's
 * state) and after it (after the state) is the same: then nothing the
 * driver did overlapped the call, and within one epoch a task's state
 * only moves forward (idle, the transition's first state, its target,
 * idle).  The state read before and after the call is
 *   the same 0 or 1   the call ran in that state: exactly that version
 *   anything else     (idle, or a switch between): either version
 * A result outside that is a violation: old code in a task already
 * switched, new code in a task not yet switched, or code of a patch that
 * was never enabled.
 *
 * Output: "violation: ..." for the first few, then one line
 *   caller cpu=N calls=N checked=N checked0=N checked1=N unchecked=N
 *       absent=N violations=N seen=<versions>
 * Exit status: 0 without violations, 1 with, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NFUNCS		2
#define LABEL_LEN	48
#define MAX_SEEN	16
#define MAX_SHOWN	10
#define STOP_CHECK_MASK	63	/* look for STOPFILE every 64 calls */

static const char *const func_name[NFUNCS] = { "cmdline", "answer" };
static const char *const func_path[NFUNCS] = {
	"/proc/cmdline",
	"/sys/module/test_klp_target/parameters/answer",
};

struct expect {
	long epoch;
	char v[NFUNCS][2][LABEL_LEN];	/* [function][patch_state 0/1] */
};

#define VIOLATION_FMT \
	"violation: cpu=%d epoch=%ld %s ran %s in patch_state %d..%d, allowed: unpatched %s, patched %s\n"
#define SUMMARY_FMT \
	"caller cpu=%d calls=%lu checked=%lu checked0=%lu checked1=%lu unchecked=%lu absent=%lu violations=%lu seen="

static char seen[MAX_SEEN][LABEL_LEN];
static int nseen;

/* read_small PATH BUF LEN: the file's start, NUL-terminated; -errno. */
static int read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	return 0;
}

static int read_expect(const char *path, struct expect *e)
{
	char buf[512];

	if (read_small(path, buf, sizeof(buf)))
		return -1;
	if (sscanf(buf, "%ld cmdline %47s %47s answer %47s %47s", &e->epoch,
		   e->v[0][0], e->v[0][1], e->v[1][0], e->v[1][1]) != 5)
		return -1;
	return 0;
}

/* Is LABEL one of the '|'-separated versions of LIST? */
static int allowed(const char *label, const char *list)
{
	size_t n = strlen(label);

	for (;;) {
		if (!strncmp(list, label, n) && (!list[n] || list[n] == '|'))
			return 1;
		list = strchr(list, '|');
		if (!list)
			return 0;
		list++;
	}
}

static int read_state(void)
{
	char buf[16];

	if (read_small("/proc/self/patch_state", buf, sizeof(buf)))
		return -2;
	return atoi(buf);
}

/* The name of the code that printed OUT. */
static void label_of(const char *out, char *label)
{
	const char *p = out;
	size_t n;

	if (!strncmp(p, "patched by ", 11))
		p += 11;
	if (strncmp(p, "test_klp_", 9)) {
		snprintf(label, LABEL_LEN, "orig");
		return;
	}
	n = strcspn(p, " :\n");
	if (n >= LABEL_LEN)
		n = LABEL_LEN - 1;
	memcpy(label, p, n);
	label[n] = '\0';
}

static void note_seen(const char *label)
{
	int i;

	for (i = 0; i < nseen; i++)
		if (!strcmp(seen[i], label))
			return;
	if (nseen < MAX_SEEN)
		snprintf(seen[nseen++], LABEL_LEN, "%s", label);
}

int main(int argc, char **argv)
{
	unsigned long calls = 0, checked = 0, checked_in[2] = { 0, 0 };
	unsigned long unchecked = 0, absent = 0, violations = 0;
	const char *expect_path, *stop_path;
	struct expect e1, e2;
	char out[4096], label[LABEL_LEN];
	cpu_set_t set;
	int cpu, f = 0, i;

	if (argc != 4) {
		fprintf(stderr, "usage: %s CPU EXPECTFILE STOPFILE\n", argv[0]);
		return 2;
	}
	cpu = atoi(argv[1]);
	expect_path = argv[2];
	stop_path = argv[3];
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		return 2;
	}

	for (;;) {
		int s1, s2, ok;

		if (!(calls & STOP_CHECK_MASK) && !access(stop_path, F_OK))
			break;
		calls++;
		f = (f + 1) % NFUNCS;
		if (read_expect(expect_path, &e1)) {
			unchecked++;
			continue;
		}
		s1 = read_state();
		if (read_small(func_path[f], out, sizeof(out))) {
			absent++;
			continue;
		}
		s2 = read_state();
		label_of(out, label);
		note_seen(label);
		if (read_expect(expect_path, &e2) || e2.epoch != e1.epoch) {
			unchecked++;
			continue;
		}
		checked++;
		if (s1 == s2 && (s1 == 0 || s1 == 1)) {
			checked_in[s1]++;
			ok = allowed(label, e1.v[f][s1]);
		} else {
			ok = allowed(label, e1.v[f][0]) ||
			     allowed(label, e1.v[f][1]);
		}
		if (ok)
			continue;
		if (violations++ < MAX_SHOWN)
			printf(VIOLATION_FMT, cpu, e1.epoch, func_name[f], label, s1, s2,
			       e1.v[f][0], e1.v[f][1]);
	}

	printf(SUMMARY_FMT, cpu, calls, checked, checked_in[0], checked_in[1], unchecked,
	       absent, violations);
	for (i = 0; i < nseen; i++)
		printf("%s%s", i ? "," : "", seen[i]);
	printf("\n");
	return violations ? 1 : 0;
}
