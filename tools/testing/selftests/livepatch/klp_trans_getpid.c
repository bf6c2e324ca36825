// SPDX-License-Identifier: GPL-2.0
/*
 * klp_trans_getpid NPROC STOPFILE - NPROC processes call getpid() over
 * and over, until STOPFILE exists, while test-transition-syscall.sh
 * enables and disables test_klp_trans_patch.
 *
 * Each call passes TRANS_GETPID_MAGIC in the first argument register: the
 * original __x64_sys_getpid() returns the pid, the patched one the pid
 * plus TRANS_GETPID_PATCHED (the constants of
 * lib/livepatch/test_klp_trans_patch.c).  Around every call the process
 * reads its own /proc/self/patch_state.  What the consistency model
 * promises, and what is checked:
 *   - the state read before and after a call is the same 0 (unpatched):
 *     the original ran; the same 1 (patched): the patch ran
 *   - the version a process sees changes at most once per transition, so
 *     "results" (the versions seen, in order, repeats folded) is
 *     original,patched,original for an enable and a disable
 *
 * Output, one write per line:
 *   child PID                   one per child, first
 *   ready                       every child made its first call
 *   child PID: calls=N checked0=N checked1=N results=A,B,.. states=S,..
 *       violations=N            one per child at the end; checked0/1
 *                               count calls checked in state 0/1,
 *                               states the patch_state values seen
 *   child PID: violation: ...   the first few violations of each child
 * Exit status: 0 when every child saw no violation, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRANS_GETPID_MAGIC	0x6b6c702d67657470UL	/* "klp-getp" */
#define TRANS_GETPID_PATCHED	(1L << 40)

#define MAX_CHILDREN		64
#define MAX_SEQ			16	/* results and states kept */
#define MAX_SHOWN		5	/* violations printed per child */
#define STOP_CHECK_MASK		255	/* look for STOPFILE every 256 calls */

struct seq {
	int v[MAX_SEQ];
	int n;
	int dropped;
};

static void seq_add(struct seq *s, int v)
{
	if (s->n && s->v[s->n - 1] == v)
		return;
	if (s->n < MAX_SEQ)
		s->v[s->n++] = v;
	else
		s->dropped = 1;
}

static const char *result_name(int v)
{
	return v ? "patched" : "original";
}

/* Append the sequence to buf as "a,b,c". */
static void seq_format(char *buf, size_t size, const struct seq *s,
		       int results)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < s->n && len < size; i++) {
		if (results)
			len += snprintf(buf + len, size - len, "%s%s",
					i ? "," : "", result_name(s->v[i]));
		else
			len += snprintf(buf + len, size - len, "%s%d",
					i ? "," : "", s->v[i]);
	}
	if (s->dropped && len < size)
		snprintf(buf + len, size - len, ",...");
}

/* This task's patch state, or -2 when it cannot be read. */
static int read_state(int fd)
{
	char buf[16];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -2;
	buf[n] = '\0';
	return atoi(buf);
}

static int run_child(const char *stopfile, pid_t parent, int readyfd)
{
	unsigned long calls = 0, checked[2] = { 0, 0 }, violations = 0;
	struct seq results = { .n = 0 }, states = { .n = 0 };
	pid_t pid = getpid();
	char rbuf[256], sbuf[128], line[128];
	int fd;

	fd = open("/proc/self/patch_state", O_RDONLY);
	if (fd < 0) {
		dprintf(1, "child %d: violation: cannot open /proc/self/patch_state: %s\n",
			pid, strerror(errno));
		return 1;
	}

	for (;;) {
		int s1, s2, v;
		long r;

		if (!(calls & STOP_CHECK_MASK) && calls &&
		    (access(stopfile, F_OK) == 0 || getppid() != parent))
			break;

		s1 = read_state(fd);
		r = syscall(SYS_getpid, TRANS_GETPID_MAGIC);
		s2 = read_state(fd);
		calls++;
		seq_add(&states, s1);
		seq_add(&states, s2);

		if (r == pid) {
			v = 0;
		} else if (r == pid + TRANS_GETPID_PATCHED) {
			v = 1;
		} else {
			if (violations++ < MAX_SHOWN)
				dprintf(1, "child %d: violation: getpid() = %ld, not %d/%ld\n",
					pid, r, pid, pid + TRANS_GETPID_PATCHED);
			continue;
		}
		seq_add(&results, v);
		if (s1 == s2 && (s1 == 0 || s1 == 1)) {
			checked[s1]++;
			if (v != s1 && violations++ < MAX_SHOWN)
				dprintf(1, "child %d: violation: call %lu: state %d, %s getpid()\n",
					pid, calls, s1, result_name(v));
		}
		if (calls == 1 && write(readyfd, "r", 1) != 1)
			return 1;
	}

	seq_format(rbuf, sizeof(rbuf), &results, 1);
	seq_format(sbuf, sizeof(sbuf), &states, 0);
	/* One write per report: the children share stdout. */
	snprintf(line, sizeof(line), "child %d: calls=%lu checked0=%lu checked1=%lu ",
		 pid, calls, checked[0], checked[1]);
	dprintf(1, "%sresults=%s states=%s violations=%lu\n", line, rbuf, sbuf,
		violations);
	return violations ? 1 : 0;
}

int main(int argc, char **argv)
{
	int nproc, i, ready = 0, failed = 0, status, pipefd[2];
	pid_t parent = getpid(), pid;
	char c;

	nproc = argc == 3 ? atoi(argv[1]) : 0;
	if (nproc < 1 || nproc > MAX_CHILDREN) {
		fprintf(stderr, "usage: %s NPROC(1-%d) STOPFILE\n", argv[0],
			MAX_CHILDREN);
		return 2;
	}
	if (pipe(pipefd)) {
		perror("pipe");
		return 2;
	}
	for (i = 0; i < nproc; i++) {
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (!pid) {
			close(pipefd[0]);
			_exit(run_child(argv[2], parent, pipefd[1]));
		}
		dprintf(1, "child %d\n", pid);
	}
	close(pipefd[1]);
	while (ready < nproc && read(pipefd[0], &c, 1) == 1)
		ready++;
	if (ready == nproc)
		dprintf(1, "ready\n");
	while ((pid = wait(&status)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	return failed || ready != nproc;
}
