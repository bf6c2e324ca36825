/*
 * state.c: not in the series yet.  Until it is, a patch that declares
 * system states is refused.
 */
static inline bool klp_states_compatible(struct klp_patch *patch)
{
	return true;
}

static inline int klp_states_check(struct klp_patch *patch)
{
	if (!patch->states || !patch->states->id)
		return 0;
	pr_err("'%s': system states are not supported yet\n",
	       klp_patch_name(patch));
	return -EOPNOTSUPP;
}
