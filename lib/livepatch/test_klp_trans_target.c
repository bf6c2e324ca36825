// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_trans_target - functions that tasks can be kept in, for the
 * consistency-model kselftests (tools/testing/selftests/livepatch/
 * test-transition-*.sh).  test_klp_trans_patch and test_klp_trans_force
 * replace them.
 *
 * /sys/kernel/debug/test_klp_trans_target/
 *   gate     "open" (initially) or "closed"; write either word.  Closing
 *            it makes readers of "wait" sleep, opening it releases all
 *            of them.
 *   wait     a read calls trans_wait(), which waits at the gate and
 *            returns what the version of trans_wait() that ran says:
 *            "original" here, something else in a patch.  The sleep is
 *            killable only: the fake signals of a stuck transition do
 *            not end it, and the task keeps trans_wait() on its stack.
 *   waiters  how many tasks are waiting at the gate
 *   spin     write 1 to start the kthread "klp_trans_spin", 0 to stop it.
 *            It calls trans_spin_step() in a loop, with cond_resched()
 *            between calls and never sleeps, so it can only switch to
 *            a new patch state in cond_resched().  A read shows
 *            "pid=P calls=N original=N patched=N changes=N last=X":
 *            calls that ran each version, how many times the version
 *            changed from one call to the next, the version of the last
 *            call ("none" before the first); pid=0 once stopped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

/*
 * What the patches replace must stay a real function under its own name:
 * not inlined, cloned or its result propagated into the callers.
 */
#define TRANS_PATCHABLE __attribute__((__noipa__))

/* ---- the gate ---- */

static DEFINE_SPINLOCK(trans_gate_lock);
/* Protected by trans_gate_lock; trans_gate_gen counts openings. */
static bool trans_gate_open = true;
static unsigned long trans_gate_gen;
static DECLARE_WAIT_QUEUE_HEAD(trans_gate_wq);
static atomic_t trans_waiters = ATOMIC_INIT(0);

/* Wait while the gate is closed: 0, or -ERESTARTSYS when killed. */
static int trans_gate_pass(void)
{
	unsigned long gen;
	int ret;

	spin_lock(&trans_gate_lock);
	if (trans_gate_open) {
		spin_unlock(&trans_gate_lock);
		return 0;
	}
	gen = trans_gate_gen;
	spin_unlock(&trans_gate_lock);

	atomic_inc(&trans_waiters);
	ret = wait_event_killable(trans_gate_wq,
				  READ_ONCE(trans_gate_gen) != gen);
	atomic_dec(&trans_waiters);
	return ret;
}

static void trans_gate_set(bool open)
{
	spin_lock(&trans_gate_lock);
	if (open && !trans_gate_open)
		WRITE_ONCE(trans_gate_gen, trans_gate_gen + 1);
	trans_gate_open = open;
	spin_unlock(&trans_gate_lock);
	if (open)
		wake_up_all(&trans_gate_wq);
}

/*
 * The function a task sleeps in.  The waiting itself is @pass, code of
 * this module, so that a patch's version (which gets the same argument)
 * can wait at the same gate without linking against this module.  Not a
 * tail call: this frame stays on the stack while the task sleeps.
 */
static TRANS_PATCHABLE const char *trans_wait(int (*pass)(void))
{
	return pass() ? NULL : "original";
}

static ssize_t trans_wait_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	const char *version;
	char buf[64];
	int len;

	if (*ppos)
		return 0;
	version = trans_wait(trans_gate_pass);
	if (!version)
		return -EINTR;
	len = scnprintf(buf, sizeof(buf), "%s\n", version);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations trans_wait_fops = {
	.owner = THIS_MODULE,
	.read = trans_wait_read,
	.llseek = default_llseek,
};

static ssize_t trans_gate_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	const char *s = READ_ONCE(trans_gate_open) ? "open\n" : "closed\n";

	return simple_read_from_buffer(ubuf, count, ppos, s, strlen(s));
}

static ssize_t trans_gate_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char buf[16];
	size_t len = min(count, sizeof(buf) - 1);

	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sysfs_streq(buf, "open"))
		trans_gate_set(true);
	else if (sysfs_streq(buf, "closed"))
		trans_gate_set(false);
	else
		return -EINVAL;
	return count;
}

static const struct file_operations trans_gate_fops = {
	.owner = THIS_MODULE,
	.read = trans_gate_read,
	.write = trans_gate_write,
	.llseek = default_llseek,
};

static int trans_waiters_get(void *data, u64 *val)
{
	*val = atomic_read(&trans_waiters);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(trans_waiters_fops, trans_waiters_get, NULL,
			 "%llu\n");

/* ---- the CPU-bound kthread ---- */

/* Returns 0 here; a patch's version returns 1. */
static TRANS_PATCHABLE int trans_spin_step(void)
{
	return 0;
}

/* Written by the kthread only, read by anyone. */
struct trans_spin_stats {
	unsigned long calls;
	unsigned long original;
	unsigned long patched;
	unsigned long changes;
	int last;		/* -1: no call yet */
};

static struct trans_spin_stats trans_spin;
/* Protects trans_spin_task (start and stop). */
static DEFINE_MUTEX(trans_spin_mutex);
static struct task_struct *trans_spin_task;

static void trans_spin_add(unsigned long *counter)
{
	WRITE_ONCE(*counter, *counter + 1);
}

static int trans_spin_fn(void *unused)
{
	while (!kthread_should_stop()) {
		int v = trans_spin_step();

		trans_spin_add(v ? &trans_spin.patched : &trans_spin.original);
		if (trans_spin.last >= 0 && v != trans_spin.last)
			trans_spin_add(&trans_spin.changes);
		WRITE_ONCE(trans_spin.last, v);
		trans_spin_add(&trans_spin.calls);
		/* Outside trans_spin_step(): where this task can switch. */
		cond_resched();
	}
	return 0;
}

static int trans_spin_start(void)
{
	struct task_struct *task;

	if (trans_spin_task)
		return -EBUSY;
	memset(&trans_spin, 0, sizeof(trans_spin));
	trans_spin.last = -1;
	task = kthread_run(trans_spin_fn, NULL, "klp_trans_spin");
	if (IS_ERR(task))
		return PTR_ERR(task);
	trans_spin_task = task;
	return 0;
}

static void trans_spin_stop(void)
{
	if (!trans_spin_task)
		return;
	kthread_stop(trans_spin_task);
	trans_spin_task = NULL;
}

static ssize_t trans_spin_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[160];
	int len, last;

	mutex_lock(&trans_spin_mutex);
	last = READ_ONCE(trans_spin.last);
	len = scnprintf(buf, sizeof(buf),
			"pid=%d calls=%lu original=%lu patched=%lu changes=%lu last=%s\n",
			trans_spin_task ? task_pid_nr(trans_spin_task) : 0,
			READ_ONCE(trans_spin.calls),
			READ_ONCE(trans_spin.original),
			READ_ONCE(trans_spin.patched),
			READ_ONCE(trans_spin.changes),
			last < 0 ? "none" : last ? "patched" : "original");
	mutex_unlock(&trans_spin_mutex);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t trans_spin_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	bool run;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &run);
	if (ret)
		return ret;
	mutex_lock(&trans_spin_mutex);
	if (run)
		ret = trans_spin_start();
	else
		trans_spin_stop();
	mutex_unlock(&trans_spin_mutex);
	return ret ? ret : count;
}

static const struct file_operations trans_spin_fops = {
	.owner = THIS_MODULE,
	.read = trans_spin_read,
	.write = trans_spin_write,
	.llseek = default_llseek,
};

/* ---- module ---- */

static struct dentry *trans_dir;

static int __init trans_target_init(void)
{
	trans_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(trans_dir))
		return PTR_ERR(trans_dir);
	debugfs_create_file("gate", 0600, trans_dir, NULL, &trans_gate_fops);
	debugfs_create_file("wait", 0400, trans_dir, NULL, &trans_wait_fops);
	debugfs_create_file_unsafe("waiters", 0400, trans_dir, NULL,
				   &trans_waiters_fops);
	debugfs_create_file("spin", 0600, trans_dir, NULL, &trans_spin_fops);
	return 0;
}

static void __exit trans_target_exit(void)
{
	/* No reader of "wait" is left: an open file pins the module. */
	debugfs_remove_recursive(trans_dir);
	mutex_lock(&trans_spin_mutex);
	trans_spin_stop();
	mutex_unlock(&trans_spin_mutex);
}

module_init(trans_target_init);
module_exit(trans_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch kselftests: functions a transition waits for");
