// SPDX-License-Identifier: GPL-2.0
/* The bottom layer: patches /proc/cmdline and /proc/version. */
#define LAYER_ALSO_VERSION
#include "test_klp_layer.h"
