// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fault injection for the livepatch selftests
 *
 * Every allocation of kernel/livepatch, and every ftrace call that can
 * fail, goes through klp_fault() with the name of its site.  A test arms
 * one or more sites to fail on their n-th call from now:
 *
 *   echo "<site> <n> [<errno>]" > /sys/kernel/debug/livepatch/fault
 *   echo reset > /sys/kernel/debug/livepatch/fault
 *
 * An armed allocation returns NULL without allocating; an armed call
 * returns -<errno> (default ENOMEM) without calling.  Each arming fires
 * once.  Reading the file lists every site, one line each:
 *
 *   <site> calls=<calls since reset> armed=<calls left, 0: not> failed=<n>
 *
 * so that a test can count the calls of a scenario first and then fail
 * each of them.  Only built with CONFIG_LIVEPATCH_FAULT_INJECTION; see
 * tools/testing/selftests/livepatch/test-fault-injection.sh.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "internal.h"

static const char * const klp_fault_names[KLP_NR_FAULT_SITES] = {
	[KLP_FAULT_NOP_OBJ]		= "nop_obj",
	[KLP_FAULT_NOP_OBJ_NAME]	= "nop_obj_name",
	[KLP_FAULT_NOP_FUNC]		= "nop_func",
	[KLP_FAULT_NOP_FUNC_NAME]	= "nop_func_name",
	[KLP_FAULT_SYSFS_PATCH]		= "sysfs_patch",
	[KLP_FAULT_SYSFS_OBJECT]	= "sysfs_object",
	[KLP_FAULT_SYSFS_FUNC]		= "sysfs_func",
	[KLP_FAULT_BATCH_IPS]		= "batch_ips",
	[KLP_FAULT_BATCH_FUNCS]		= "batch_funcs",
	[KLP_FAULT_SITE]		= "site",
	[KLP_FAULT_FILTER_ADD]		= "filter_add",
	[KLP_FAULT_REGISTER]		= "register",
	[KLP_FAULT_FILTER_REMOVE]	= "filter_remove",
	[KLP_FAULT_PROBE_FILTER]	= "probe_filter",
	[KLP_FAULT_PROBE_REGISTER]	= "probe_register",
	[KLP_FAULT_SYNC]		= "sync",
	[KLP_FAULT_RANGES]		= "ranges",
	[KLP_FAULT_SHADOW_DATA]		= "shadow_data",
	[KLP_FAULT_SHADOW_OWNER]	= "shadow_owner",
};

/*
 * Per site, lock-free: shadow variables are allocated in any context.
 * @armed counts down the calls to the one that fails.
 */
static struct klp_fault_site_state {
	atomic_t calls;
	atomic_t armed;
	atomic_t failed;
	int err;
} klp_faults[KLP_NR_FAULT_SITES];

/**
 * klp_fault() - should this call of @site fail?
 * @site:	the allocation or ftrace call about to be made
 *
 * Return: 0 to go on, or the negative errno to fail the call with.
 */
int klp_fault(enum klp_fault_site site)
{
	struct klp_fault_site_state *f = &klp_faults[site];

	atomic_inc(&f->calls);
	/* Exactly one caller takes the count from 1 to 0. */
	if (atomic_read(&f->armed) <= 0 ||
	    atomic_dec_if_positive(&f->armed) != 0)
		return 0;
	atomic_inc(&f->failed);
	pr_debug("fault: failing %s (%d)\n", klp_fault_names[site],
		 READ_ONCE(f->err));
	return READ_ONCE(f->err);
}

static int klp_fault_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < KLP_NR_FAULT_SITES; i++)
		seq_printf(m, "%s calls=%d armed=%d failed=%d\n",
			   klp_fault_names[i], atomic_read(&klp_faults[i].calls),
			   atomic_read(&klp_faults[i].armed),
			   atomic_read(&klp_faults[i].failed));
	return 0;
}

static int klp_fault_open(struct inode *inode, struct file *file)
{
	return single_open(file, klp_fault_show, NULL);
}

static ssize_t klp_fault_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[64], name[32];
	int i, nth, err = ENOMEM, n;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	if (sysfs_streq(buf, "reset")) {
		for (i = 0; i < KLP_NR_FAULT_SITES; i++) {
			atomic_set(&klp_faults[i].armed, 0);
			atomic_set(&klp_faults[i].calls, 0);
			atomic_set(&klp_faults[i].failed, 0);
		}
		return count;
	}

	n = sscanf(buf, "%31s %d %d", name, &nth, &err);
	if (n < 2 || nth < 0 || err <= 0 || err >= MAX_ERRNO)
		return -EINVAL;
	for (i = 0; i < KLP_NR_FAULT_SITES; i++) {
		if (strcmp(name, klp_fault_names[i]))
			continue;
		WRITE_ONCE(klp_faults[i].err, -err);
		atomic_set(&klp_faults[i].armed, nth);
		return count;
	}
	return -ENOENT;
}

static const struct file_operations klp_fault_fops = {
	.owner		= THIS_MODULE,
	.open		= klp_fault_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
	.write		= klp_fault_write,
};

/**
 * klp_fault_debugfs_init() - create the "fault" control file
 * @dir:	/sys/kernel/debug/livepatch
 */
void __init klp_fault_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("fault", 0600, dir, NULL, &klp_fault_fops);
}
