// SPDX-License-Identifier: GPL-2.0
/* A live patch owning a system state: see test_klp_state.h. */
#include "test_klp_state.h"
