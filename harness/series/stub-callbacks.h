/*
 * callbacks.c: not in the series yet.  Until it is, a patch with callbacks
 * is refused rather than enabled without them.
 */
static inline int klp_run_pre_patch(struct klp_object *obj)
{
	const struct klp_callbacks *cb = &obj->callbacks;

	if (cb->pre_patch || cb->post_patch || cb->pre_unpatch ||
	    cb->post_unpatch)
		return -EOPNOTSUPP;
	return 0;
}

static inline void klp_run_post_patch(struct klp_object *obj) {}
static inline void klp_run_pre_unpatch(struct klp_object *obj) {}
static inline void klp_run_post_unpatch(struct klp_object *obj) {}
