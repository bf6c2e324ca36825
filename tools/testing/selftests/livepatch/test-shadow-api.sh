#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the shadow variable API, call by call (test_klp_shadow_api
#   run=api): klp_shadow_get() finds only what was attached, per <object,
#   id>; klp_shadow_alloc() runs the constructor once, with the object,
#   ctor_data and zeroed data, before the variable is visible; without a
#   constructor the data is zeroed; klp_shadow_get_or_alloc() returns an
#   existing variable without calling the constructor; a failing
#   constructor makes both return NULL and attaches nothing;
#   klp_shadow_free() calls the destructor once with the object and data
#   and detaches; klp_shadow_free_all() does so for every variable of one
#   id and no other.
# requires: test_klp_shadow_api
. "$(dirname "$0")/klp_common.sh"
. "$(dirname "$0")/klp_api_common.sh"
klp_setup

M=test_klp_shadow_api

klp_log_start
klp_insert $M run=api
klp_remove $M
klp_expect "what $M run=api observed" "run=api
get before alloc: NULL
alloc: a variable
alloc: ctor calls: 1
alloc: ctor got the object: yes
alloc: ctor got ctor_data: yes
alloc: ctor got zeroed data: yes
alloc: variable visible to get inside its ctor: no
alloc: value set by the ctor: 0x1111
get after alloc: the same variable
alloc of another id on the same object: a new variable
alloc without ctor: zeroed data: yes
get of the first id: the same variable
get of the first id on another object: NULL
get_or_alloc of an existing variable: the same variable
get_or_alloc of an existing variable: ctor calls: 0
get_or_alloc of an existing variable: value: 0x1111
get_or_alloc of a new variable: a new variable
get_or_alloc of a new variable: ctor calls: 1
get_or_alloc of a new variable: visible to get inside its ctor: no
get_or_alloc of a new variable: value: 0x3333
get_or_alloc again: the same variable, ctor calls: 0
alloc with a failing ctor: NULL, ctor calls: 1
get after the failed alloc: NULL
get_or_alloc with a failing ctor: NULL, ctor calls: 2
get after the failed get_or_alloc: NULL
alloc with a working ctor after that: a variable
free: dtor calls: 1
free: dtor got the object and its data: yes
get after free: NULL
get of the other id after free: the same variable
free of a missing variable: dtor calls: 0
free without dtor: get: NULL
free_all of 5 variables: dtor calls: 5
free_all: variables of that id left: 0
free_all: variables of another id left: 5
free_all of no variables: dtor calls: 0
free_all of the other ids: variables left: 0
done (0)" "$(klp_api_report $M)"
klp_api_expect_no_reports

klp_done
