/*
 * shadow.c: the base's version until ours joins the series.  It does not
 * record who allocated a variable, so nothing is freed for a module.
 */
static inline void klp_shadow_module_gone(struct module *mod,
					  bool last_patch) {}
