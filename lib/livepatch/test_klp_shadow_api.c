// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_shadow_api - exercises the shadow variable API
 * (klp_shadow_get/alloc/get_or_alloc/free/free_all) for the
 * test-shadow-*.sh kselftests.
 *
 * Loading the module runs one group of checks, chosen by run=, and logs
 * what it observed, one fact per line ("<what>: <value>"); the test
 * script holds the expected values and compares.  Lines starting with
 * "info:" carry measurements and are not compared.  The module stays
 * loaded until removed; it frees every variable it made before init
 * returns.
 *
 *   run=api         the semantics of each call, constructors, destructors
 *   run=atomic      GFP_ATOMIC use under a spinlock with interrupts off,
 *                   from a timer (softirq) and from irq_work (hardirq)
 *   run=concurrent  kthreads racing on get_or_alloc of the same variables
 *   run=scale       lookups among many variables
 *   run=duplicate   klp_shadow_alloc() of a variable that exists
 *   run=leave       leaves one variable <&init_task, TSA_ID_C> allocated
 *                   when the module goes: the core must keep it
 *   run=claim       finds what run=leave left and frees it, destructor
 *                   and all
 *
 * Its ids are private (TSA_ID_*): no other user's variables are touched,
 * not even by klp_shadow_free_all().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/livepatch.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>

static char *run = "api";
module_param(run, charp, 0444);
MODULE_PARM_DESC(run, "api, atomic, concurrent, scale, duplicate, leave or claim (default: api)");

/* Ids no other shadow variable user has. */
#define TSA_ID_A	0x6b6c7001UL
#define TSA_ID_B	0x6b6c7002UL
#define TSA_ID_C	0x6b6c7003UL

#define tsa_report(fmt, ...)	pr_info(fmt "\n", ##__VA_ARGS__)

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* What a constructor or destructor saw, for the checks. */
struct tsa_calls {
	int ctor_calls;
	int dtor_calls;
	void *ctor_obj;
	void *ctor_data;
	bool ctor_zeroed;
	bool ctor_saw_itself;	/* klp_shadow_get() found the new variable */
	unsigned long ctor_id;
	void *dtor_obj;
	void *dtor_data;
};

static struct tsa_calls tsa_calls;

struct tsa_var {
	unsigned long value;
	unsigned long pad[3];
};

static bool tsa_is_zero(const void *p, size_t size)
{
	return !memchr_inv(p, 0, size);
}

/* ctor_data points to the value to store. */
static int tsa_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct tsa_var *var = shadow_data;

	tsa_calls.ctor_calls++;
	tsa_calls.ctor_obj = obj;
	tsa_calls.ctor_data = ctor_data;
	tsa_calls.ctor_zeroed = tsa_is_zero(var, sizeof(*var));
	tsa_calls.ctor_saw_itself = !!klp_shadow_get(obj, tsa_calls.ctor_id);
	var->value = *(unsigned long *)ctor_data;
	return 0;
}

static int tsa_ctor_fail(void *obj, void *shadow_data, void *ctor_data)
{
	tsa_calls.ctor_calls++;
	return -ENOSPC;
}

static void tsa_dtor(void *obj, void *shadow_data)
{
	tsa_calls.dtor_calls++;
	tsa_calls.dtor_obj = obj;
	tsa_calls.dtor_data = shadow_data;
}

static const char *tsa_what(void *got, void *expected)
{
	if (!got)
		return "NULL";
	if (!expected)
		return "a variable";
	return got == expected ? "the same variable" : "another variable";
}

/* ---- run=api ---- */

#define TSA_SIZE	sizeof(struct tsa_var)

static int tsa_objs[8];

static void *tsa_get(int i, unsigned long id)
{
	return klp_shadow_get(&tsa_objs[i], id);
}

/* Forget what earlier constructor and destructor calls saw. */
static void tsa_reset(unsigned long ctor_id)
{
	memset(&tsa_calls, 0, sizeof(tsa_calls));
	tsa_calls.ctor_id = ctor_id;
}

/* The variables of @id left on tsa_objs. */
static int tsa_count(unsigned long id)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(tsa_objs); i++)
		n += !!tsa_get(i, id);
	return n;
}

static int tsa_run_api(void)
{
	unsigned long v1 = 0x1111, v2 = 0x2222, v3 = 0x3333;
	struct tsa_var *a, *b, *c, *got;
	int *o = tsa_objs, i;

	/* Nothing there yet. */
	tsa_report("get before alloc: %s", tsa_what(tsa_get(0, TSA_ID_A), NULL));

	/* klp_shadow_alloc() with a constructor. */
	tsa_reset(TSA_ID_A);
	a = klp_shadow_alloc(&o[0], TSA_ID_A, TSA_SIZE, GFP_KERNEL, tsa_ctor, &v1);
	tsa_report("alloc: %s", tsa_what(a, NULL));
	if (!a)
		return -ENOMEM;
	tsa_report("alloc: ctor calls: %d", tsa_calls.ctor_calls);
	tsa_report("alloc: ctor got the object: %s",
		   yes_no(tsa_calls.ctor_obj == &o[0]));
	tsa_report("alloc: ctor got ctor_data: %s",
		   yes_no(tsa_calls.ctor_data == &v1));
	tsa_report("alloc: ctor got zeroed data: %s",
		   yes_no(tsa_calls.ctor_zeroed));
	tsa_report("alloc: variable visible to get inside its ctor: %s",
		   yes_no(tsa_calls.ctor_saw_itself));
	tsa_report("alloc: value set by the ctor: %#lx", a->value);
	tsa_report("get after alloc: %s", tsa_what(tsa_get(0, TSA_ID_A), a));

	/* Another id on the same object is another variable. */
	b = klp_shadow_alloc(&o[0], TSA_ID_B, TSA_SIZE, GFP_KERNEL, NULL, NULL);
	tsa_report("alloc of another id on the same object: %s",
		   b && b != a ? "a new variable" : tsa_what(b, a));
	if (!b)
		return -ENOMEM;
	tsa_report("alloc without ctor: zeroed data: %s",
		   yes_no(tsa_is_zero(b, TSA_SIZE)));
	tsa_report("get of the first id: %s",
		   tsa_what(tsa_get(0, TSA_ID_A), a));
	tsa_report("get of the first id on another object: %s",
		   tsa_what(tsa_get(1, TSA_ID_A), NULL));

	/* get_or_alloc of an existing variable: no ctor, same data. */
	tsa_reset(0);
	got = klp_shadow_get_or_alloc(&o[0], TSA_ID_A, TSA_SIZE, GFP_KERNEL,
				      tsa_ctor, &v2);
	tsa_report("get_or_alloc of an existing variable: %s",
		   tsa_what(got, a));
	tsa_report("get_or_alloc of an existing variable: ctor calls: %d",
		   tsa_calls.ctor_calls);
	tsa_report("get_or_alloc of an existing variable: value: %#lx",
		   a->value);

	/* get_or_alloc of a new one: the ctor runs once. */
	tsa_reset(TSA_ID_A);
	c = klp_shadow_get_or_alloc(&o[1], TSA_ID_A, TSA_SIZE, GFP_KERNEL,
				    tsa_ctor, &v3);
	tsa_report("get_or_alloc of a new variable: %s",
		   c && c != a ? "a new variable" : tsa_what(c, a));
	if (!c)
		return -ENOMEM;
	tsa_report("get_or_alloc of a new variable: ctor calls: %d",
		   tsa_calls.ctor_calls);
	tsa_report("get_or_alloc of a new variable: visible to get inside its ctor: %s",
		   yes_no(tsa_calls.ctor_saw_itself));
	tsa_report("get_or_alloc of a new variable: value: %#lx", c->value);
	tsa_reset(0);
	got = klp_shadow_get_or_alloc(&o[1], TSA_ID_A, TSA_SIZE, GFP_KERNEL,
				      tsa_ctor, &v1);
	tsa_report("get_or_alloc again: %s, ctor calls: %d",
		   tsa_what(got, c), tsa_calls.ctor_calls);

	/* A failing constructor: NULL, and nothing is attached. */
	tsa_reset(0);
	got = klp_shadow_alloc(&o[2], TSA_ID_A, TSA_SIZE, GFP_KERNEL,
			       tsa_ctor_fail, NULL);
	tsa_report("alloc with a failing ctor: %s, ctor calls: %d",
		   tsa_what(got, NULL), tsa_calls.ctor_calls);
	tsa_report("get after the failed alloc: %s",
		   tsa_what(tsa_get(2, TSA_ID_A), NULL));
	got = klp_shadow_get_or_alloc(&o[2], TSA_ID_A, TSA_SIZE, GFP_KERNEL,
				      tsa_ctor_fail, NULL);
	tsa_report("get_or_alloc with a failing ctor: %s, ctor calls: %d",
		   tsa_what(got, NULL), tsa_calls.ctor_calls);
	tsa_report("get after the failed get_or_alloc: %s",
		   tsa_what(tsa_get(2, TSA_ID_A), NULL));
	tsa_reset(TSA_ID_A);
	got = klp_shadow_alloc(&o[2], TSA_ID_A, TSA_SIZE, GFP_KERNEL,
			       tsa_ctor, &v2);
	tsa_report("alloc with a working ctor after that: %s",
		   tsa_what(got, NULL));

	/* klp_shadow_free(): the dtor runs once, with the object and data. */
	tsa_reset(0);
	klp_shadow_free(&o[0], TSA_ID_A, tsa_dtor);
	tsa_report("free: dtor calls: %d", tsa_calls.dtor_calls);
	tsa_report("free: dtor got the object and its data: %s",
		   yes_no(tsa_calls.dtor_obj == &o[0] &&
			  tsa_calls.dtor_data == a));
	tsa_report("get after free: %s", tsa_what(tsa_get(0, TSA_ID_A), NULL));
	tsa_report("get of the other id after free: %s",
		   tsa_what(tsa_get(0, TSA_ID_B), b));
	tsa_reset(0);
	klp_shadow_free(&o[0], TSA_ID_A, tsa_dtor);
	tsa_report("free of a missing variable: dtor calls: %d",
		   tsa_calls.dtor_calls);
	klp_shadow_free(&o[0], TSA_ID_B, NULL);
	tsa_report("free without dtor: get: %s",
		   tsa_what(tsa_get(0, TSA_ID_B), NULL));

	/* klp_shadow_free_all(): every variable of one id, and only those. */
	for (i = 3; i < ARRAY_SIZE(tsa_objs); i++) {
		if (!klp_shadow_alloc(&o[i], TSA_ID_C, TSA_SIZE, GFP_KERNEL,
				      NULL, NULL) ||
		    !klp_shadow_alloc(&o[i], TSA_ID_B, TSA_SIZE, GFP_KERNEL,
				      NULL, NULL))
			return -ENOMEM;
	}
	tsa_reset(0);
	klp_shadow_free_all(TSA_ID_C, tsa_dtor);
	tsa_report("free_all of %d variables: dtor calls: %d",
		   (int)ARRAY_SIZE(tsa_objs) - 3, tsa_calls.dtor_calls);
	tsa_report("free_all: variables of that id left: %d",
		   tsa_count(TSA_ID_C));
	tsa_report("free_all: variables of another id left: %d",
		   tsa_count(TSA_ID_B));
	tsa_reset(0);
	klp_shadow_free_all(TSA_ID_C, tsa_dtor);
	tsa_report("free_all of no variables: dtor calls: %d",
		   tsa_calls.dtor_calls);

	/* Everything this group made goes. */
	klp_shadow_free_all(TSA_ID_A, NULL);
	klp_shadow_free_all(TSA_ID_B, NULL);
	tsa_report("free_all of the other ids: variables left: %d",
		   tsa_count(TSA_ID_A) + tsa_count(TSA_ID_B));
	return 0;
}

/* ---- run=duplicate ---- */

static int tsa_run_duplicate(void)
{
	static int obj;
	unsigned long v1 = 0x1111, v2 = 0x2222;
	struct tsa_var *a, *got;

	tsa_reset(TSA_ID_A);
	a = klp_shadow_alloc(&obj, TSA_ID_A, TSA_SIZE, GFP_KERNEL, tsa_ctor, &v1);
	tsa_report("alloc: %s", tsa_what(a, NULL));
	if (!a)
		return -ENOMEM;

	tsa_reset(0);
	got = klp_shadow_alloc(&obj, TSA_ID_A, TSA_SIZE, GFP_KERNEL, tsa_ctor,
			       &v2);
	tsa_report("alloc of an existing variable: %s", tsa_what(got, a));
	tsa_report("alloc of an existing variable: ctor calls: %d",
		   tsa_calls.ctor_calls);
	tsa_report("alloc of an existing variable: value: %#lx", a->value);
	tsa_report("get: %s", tsa_what(klp_shadow_get(&obj, TSA_ID_A), a));
	klp_shadow_free(&obj, TSA_ID_A, NULL);
	tsa_report("get after free: %s",
		   tsa_what(klp_shadow_get(&obj, TSA_ID_A), NULL));
	return 0;
}

/* ---- run=atomic ---- */

/* One round of the API with GFP_ATOMIC, from whatever context calls it. */
struct tsa_atomic_result {
	bool in_softirq, in_hardirq, irqs_off;
	bool alloc_ok, get_ok, again_ok, freed, ctor_once;
};

static int tsa_atomic_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	atomic_inc(ctor_data);
	return 0;
}

static void tsa_atomic_round(void *obj, struct tsa_atomic_result *r)
{
	atomic_t ctor_calls = ATOMIC_INIT(0);
	struct tsa_var *v;

	r->in_softirq = in_serving_softirq();
	r->in_hardirq = in_hardirq();
	r->irqs_off = irqs_disabled();
	v = klp_shadow_get_or_alloc(obj, TSA_ID_A, sizeof(*v), GFP_ATOMIC,
				    tsa_atomic_ctor, &ctor_calls);
	r->alloc_ok = !!v;
	r->get_ok = v && klp_shadow_get(obj, TSA_ID_A) == v;
	r->again_ok = v && v == klp_shadow_get_or_alloc(obj, TSA_ID_A,
							sizeof(*v), GFP_ATOMIC,
							tsa_atomic_ctor,
							&ctor_calls);
	r->ctor_once = atomic_read(&ctor_calls) == 1;
	klp_shadow_free(obj, TSA_ID_A, NULL);
	r->freed = !klp_shadow_get(obj, TSA_ID_A);
}

#define TSA_ATOMIC_FMT \
	"%s: get_or_alloc: %s, get: %s, get_or_alloc again: %s, ctor once: %s, freed: %s"

static void tsa_atomic_report(const char *where, struct tsa_atomic_result *r)
{
	tsa_report(TSA_ATOMIC_FMT,
		   where, yes_no(r->alloc_ok), yes_no(r->get_ok),
		   yes_no(r->again_ok), yes_no(r->ctor_once), yes_no(r->freed));
}

static struct tsa_atomic_result tsa_timer_result, tsa_irq_result;
static DECLARE_COMPLETION(tsa_timer_done);
static DECLARE_COMPLETION(tsa_irq_done);
static int tsa_timer_obj, tsa_irq_obj;

static void tsa_timer_fn(struct timer_list *t)
{
	tsa_atomic_round(&tsa_timer_obj, &tsa_timer_result);
	complete(&tsa_timer_done);
}

static void tsa_irq_work_fn(struct irq_work *w)
{
	tsa_atomic_round(&tsa_irq_obj, &tsa_irq_result);
	complete(&tsa_irq_done);
}

static int tsa_run_atomic(void)
{
	static DEFINE_SPINLOCK(lock);
	static int lock_obj;
	struct tsa_atomic_result r = { };
	struct timer_list timer;
	struct irq_work work = IRQ_WORK_INIT_HARD(tsa_irq_work_fn);
	unsigned long flags;

	spin_lock_irqsave(&lock, flags);
	tsa_atomic_round(&lock_obj, &r);
	spin_unlock_irqrestore(&lock, flags);
	tsa_report("spinlock held: interrupts off: %s", yes_no(r.irqs_off));
	tsa_atomic_report("spinlock held", &r);

	timer_setup_on_stack(&timer, tsa_timer_fn, 0);
	mod_timer(&timer, jiffies + 1);
	wait_for_completion(&tsa_timer_done);
	timer_delete_sync(&timer);
	destroy_timer_on_stack(&timer);
	tsa_report("timer: in softirq: %s",
		   yes_no(tsa_timer_result.in_softirq));
	tsa_atomic_report("timer", &tsa_timer_result);

	irq_work_queue(&work);
	wait_for_completion(&tsa_irq_done);
	irq_work_sync(&work);
	tsa_report("irq_work: in hardirq: %s",
		   yes_no(tsa_irq_result.in_hardirq));
	tsa_atomic_report("irq_work", &tsa_irq_result);
	return 0;
}

/* ---- run=concurrent ---- */

#define TSA_THREADS	4
#define TSA_ROUNDS	20
#define TSA_OBJS	256

struct tsa_race {
	int objs[TSA_OBJS];
	atomic_t ctor_calls[TSA_OBJS];
	void *got[TSA_THREADS][TSA_OBJS];
	atomic_t ready;
	atomic_t done;
	bool go;
	wait_queue_head_t wq;
};

static int tsa_race_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct tsa_var *var = shadow_data;

	atomic_inc(ctor_data);
	var->value = (unsigned long)obj;
	return 0;
}

struct tsa_racer {
	struct tsa_race *race;
	struct task_struct *task;
	int id;
};

static int tsa_racer_fn(void *data)
{
	struct tsa_racer *me = data;
	struct tsa_race *race = me->race;
	int i;

	/* All threads start together and go in the same order. */
	atomic_inc(&race->ready);
	wake_up_all(&race->wq);
	wait_event(race->wq, READ_ONCE(race->go));
	for (i = 0; i < TSA_OBJS; i++) {
		race->got[me->id][i] =
			klp_shadow_get_or_alloc(&race->objs[i], TSA_ID_A,
						TSA_SIZE, GFP_KERNEL,
						tsa_race_ctor,
						&race->ctor_calls[i]);
		if (!(i % 16))
			cond_resched();
	}
	atomic_inc(&race->done);
	wake_up_all(&race->wq);

	/* Exit only when told: @race is freed after kthread_stop(). */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Release the racers of one round and wait until they are done. */
static void tsa_race_finish(struct tsa_race *race, struct tsa_racer *racers,
			    int n)
{
	int t;

	WRITE_ONCE(race->go, true);
	wake_up_all(&race->wq);
	for (t = 0; t < n; t++)
		kthread_stop(racers[t].task);
}

static int tsa_run_concurrent(void)
{
	int round, t, i, calls, min_calls = INT_MAX, max_calls = 0;
	struct tsa_racer racers[TSA_THREADS];
	int nulls = 0, splits = 0, wrong = 0;
	struct tsa_race *race;
	struct tsa_var *v;

	race = vzalloc(sizeof(*race));
	if (!race)
		return -ENOMEM;
	init_waitqueue_head(&race->wq);

	for (round = 0; round < TSA_ROUNDS; round++) {
		for (i = 0; i < TSA_OBJS; i++)
			atomic_set(&race->ctor_calls[i], 0);
		memset(race->got, 0, sizeof(race->got));
		atomic_set(&race->ready, 0);
		atomic_set(&race->done, 0);
		WRITE_ONCE(race->go, false);

		for (t = 0; t < TSA_THREADS; t++) {
			racers[t].race = race;
			racers[t].id = t;
			racers[t].task = kthread_run(tsa_racer_fn, &racers[t],
						     "tsa_racer/%d", t);
			if (IS_ERR(racers[t].task)) {
				int ret = PTR_ERR(racers[t].task);

				tsa_race_finish(race, racers, t);
				klp_shadow_free_all(TSA_ID_A, NULL);
				vfree(race);
				return ret;
			}
		}
		wait_event(race->wq,
			   atomic_read(&race->ready) == TSA_THREADS);
		tsa_race_finish(race, racers, TSA_THREADS);

		for (i = 0; i < TSA_OBJS; i++) {
			calls = atomic_read(&race->ctor_calls[i]);
			min_calls = min(min_calls, calls);
			max_calls = max(max_calls, calls);
			v = klp_shadow_get(&race->objs[i], TSA_ID_A);
			if (!v || v->value != (unsigned long)&race->objs[i])
				wrong++;
			for (t = 0; t < TSA_THREADS; t++) {
				if (!race->got[t][i])
					nulls++;
				else if (race->got[t][i] != v)
					splits++;
			}
		}
		klp_shadow_free_all(TSA_ID_A, NULL);
	}

	tsa_report("concurrent: %d rounds of %d threads on %d variables",
		   TSA_ROUNDS, TSA_THREADS, TSA_OBJS);
	tsa_report("concurrent: NULL results: %d", nulls);
	tsa_report("concurrent: results other than the attached variable: %d",
		   splits);
	tsa_report("concurrent: variables missing or with wrong data: %d",
		   wrong);
	tsa_report("concurrent: ctor calls per variable: min %d, max %d",
		   min_calls, max_calls);
	vfree(race);
	return 0;
}

/* ---- run=scale ---- */

#define TSA_MANY	16384
#define TSA_FEW		64
/*
 * Each measurement lasts at least this long: the clock may tick only
 * every few milliseconds (jiffies clocksource in an emulated machine).
 */
#define TSA_MEASURE_NS	(100 * NSEC_PER_MSEC)
/*
 * A hashed lookup slows down a little (longer chains, colder memory); a
 * walk of one list would be hundreds of times slower.
 */
#define TSA_MAX_SLOWDOWN	32

/* Picoseconds per lookup of the first TSA_FEW objects (best of 3). */
static u64 tsa_time_lookups(unsigned long *objs)
{
	u64 best = U64_MAX, t0, t, n;
	int rep, i;

	for (rep = 0; rep < 3; rep++) {
		n = 0;
		t0 = ktime_get_ns();
		do {
			for (i = 0; i < TSA_FEW; i++)
				if (!klp_shadow_get(&objs[i], TSA_ID_B))
					return 0;
			n += TSA_FEW;
			t = ktime_get_ns() - t0;
		} while (t < TSA_MEASURE_NS);
		best = min(best, div64_u64(t * 1000, n));
		cond_resched();
	}
	return best ?: 1;
}

static int tsa_alloc_range(unsigned long *objs, int from, int to)
{
	struct tsa_var *v;
	int i;

	for (i = from; i < to; i++) {
		v = klp_shadow_alloc(&objs[i], TSA_ID_B, TSA_SIZE, GFP_KERNEL,
				     NULL, NULL);
		if (!v)
			return -ENOMEM;
		v->value = i;
		if (!(i % 256))
			cond_resched();
	}
	return 0;
}

#define TSA_LOOKUP_FMT \
	"info: a lookup takes %llu.%03llu ns among %d variables, %llu.%03llu ns among %d"

static int tsa_run_scale(void)
{
	u64 few_ps, many_ps;	/* picoseconds per lookup */
	int i, found = 0, ret;
	unsigned long *objs;
	struct tsa_var *v;

	objs = vcalloc(TSA_MANY, sizeof(*objs));
	if (!objs)
		return -ENOMEM;

	ret = tsa_alloc_range(objs, 0, TSA_FEW);
	if (ret)
		goto out;
	few_ps = tsa_time_lookups(objs);
	ret = tsa_alloc_range(objs, TSA_FEW, TSA_MANY);
	if (ret)
		goto out;
	many_ps = tsa_time_lookups(objs);

	for (i = 0; i < TSA_MANY; i++) {
		v = klp_shadow_get(&objs[i], TSA_ID_B);
		found += v && v->value == i;
		if (!(i % 256))
			cond_resched();
	}
	tsa_report("scale: %d variables found with their own data: %d",
		   TSA_MANY, found);
	tsa_report(TSA_LOOKUP_FMT,
		   few_ps / 1000, few_ps % 1000, TSA_FEW,
		   many_ps / 1000, many_ps % 1000, TSA_MANY);
	tsa_report("scale: lookups among %d variables at most %dx slower than among %d: %s",
		   TSA_MANY, TSA_MAX_SLOWDOWN, TSA_FEW,
		   yes_no(few_ps && many_ps &&
			  many_ps <= few_ps * TSA_MAX_SLOWDOWN));

	tsa_reset(0);
	klp_shadow_free_all(TSA_ID_B, tsa_dtor);
	tsa_report("scale: free_all dtor calls: %d", tsa_calls.dtor_calls);
out:
	klp_shadow_free_all(TSA_ID_B, NULL);
	vfree(objs);
	return ret;
}

/* ---- run=leave, run=claim ---- */

#define TSA_LEFT_VALUE	0x2222UL

static int tsa_run_leave(void)
{
	unsigned long value = TSA_LEFT_VALUE;
	struct tsa_var *v;

	v = klp_shadow_alloc(&init_task, TSA_ID_C, TSA_SIZE, GFP_KERNEL,
			     tsa_ctor, &value);
	tsa_report("leave: variable allocated: %s", yes_no(v));
	return v ? 0 : -ENOMEM;
}

static int tsa_run_claim(void)
{
	struct tsa_var *v = klp_shadow_get(&init_task, TSA_ID_C);

	if (!v) {
		tsa_report("claim: left variable: none");
		return 0;
	}
	tsa_report("claim: left variable: value %#lx", v->value);
	tsa_reset(0);
	klp_shadow_free(&init_task, TSA_ID_C, tsa_dtor);
	tsa_report("claim: dtor calls: %d, on its data: %s", tsa_calls.dtor_calls,
		   yes_no(tsa_calls.dtor_data == v));
	tsa_report("claim: get after free: %s",
		   tsa_what(klp_shadow_get(&init_task, TSA_ID_C), NULL));
	return 0;
}

static int __init tsa_init(void)
{
	int ret;

	pr_info("run=%s\n", run);
	if (!strcmp(run, "api"))
		ret = tsa_run_api();
	else if (!strcmp(run, "atomic"))
		ret = tsa_run_atomic();
	else if (!strcmp(run, "concurrent"))
		ret = tsa_run_concurrent();
	else if (!strcmp(run, "scale"))
		ret = tsa_run_scale();
	else if (!strcmp(run, "duplicate"))
		ret = tsa_run_duplicate();
	else if (!strcmp(run, "claim"))
		ret = tsa_run_claim();
	else if (!strcmp(run, "leave"))
		ret = tsa_run_leave();
	else
		ret = -EINVAL;
	/* Whatever happened, leave no variable behind, unless told to. */
	klp_shadow_free_all(TSA_ID_A, NULL);
	klp_shadow_free_all(TSA_ID_B, NULL);
	if (strcmp(run, "leave"))
		klp_shadow_free_all(TSA_ID_C, NULL);
	pr_info("done (%d)\n", ret);
	return ret;
}

static void __exit tsa_exit(void)
{
}

module_init(tsa_init);
module_exit(tsa_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch kselftests: shadow variable API checks");
