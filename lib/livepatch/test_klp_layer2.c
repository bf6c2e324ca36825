// SPDX-License-Identifier: GPL-2.0
/* A layer that patches /proc/cmdline only. */
#include "test_klp_layer.h"
