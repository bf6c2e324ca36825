// SPDX-License-Identifier: GPL-2.0
/* A live patch of the callback tests: see test_klp_cb_patch.h. */
#include "test_klp_cb_patch.h"
