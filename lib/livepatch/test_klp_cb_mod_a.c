// SPDX-License-Identifier: GPL-2.0
/* A target module of the callback tests: see test_klp_cb_mod.h. */
#include "test_klp_cb_mod.h"
