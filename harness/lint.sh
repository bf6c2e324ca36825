#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lint.sh: the static checks of our files, as a kernel maintainer runs them.
# Each gate prints its counts and one PASS or FAIL line:
#
#   checkpatch  scripts/checkpatch.pl --strict on every C file and header of
#               kernel/livepatch, include/linux/livepatch*.h,
#               samples/livepatch, lib/livepatch and the C files of
#               tools/testing/selftests/livepatch: no errors, no warnings
#               (CHECK notes are counted, not fatal)
#   kernel-doc  scripts/kernel-doc -none on the same files: no warnings
#   W=1 C=2     our directories compiled with W=1 (extra gcc warnings,
#               kernel-doc) and sparse on every file, in their own build
#               directory $KLP_CACHE/out/lint: no warning from our files
#   notrace     kernel/livepatch/redirect.o, built in $KLP_CACHE/out/lint,
#               disassembled by harness/lint-notrace.py: klp_ftrace_handler
#               and every function of the object it calls or jumps to,
#               transitively, have no ftrace location (__fentry__ call or
#               __mcount_loc entry), no indirect call, and call nothing
#               outside the object but the notrace entry points listed in
#               lint-notrace.py; prints the call graph.  A handler that
#               reaches traceable code recurses once that code is traced
#               or patched.  A missing object or handler symbol is a FAIL.
#               NOTRACE_OBJ=<file> checks that object instead of building.
#   modref      harness/lint-modref.py on kernel/livepatch/*.c: a module
#               found by find_module() or __module_address() is
#               dereferenced only inside the RCU-sched section (or
#               module_mutex) of its lookup; after it, free_module() may
#               have freed it
#   htmldocs    make SPHINXDIRS=livepatch htmldocs into $KLP_CACHE/out/docs,
#               and scripts/get_abi.pl on our ABI file: no warning from
#               our files
#
# The files are the repository's working tree, laid into tree-ours as for
# a build.  With KLP_RESULTS set (check.sh), one "STATUS<TAB>lint<TAB>gate"
# line per gate is appended to it.  LINT_GATES="checkpatch kernel-doc w1
# notrace modref htmldocs" picks gates.  Exits non-zero when a gate fails.
source "$(dirname "$0")/lib.sh"

GATES=${LINT_GATES:-checkpatch kernel-doc w1 notrace modref htmldocs}
TREE=$(tree_of ours)
LINT=$KLP_CACHE/lint
mkdir -p "$LINT"
failed=0

# result GATE PASS|FAIL DETAIL
result() {
	echo "$2 lint $1: $3"
	[ -z "${KLP_RESULTS:-}" ] ||
		printf '%s\tlint\t%s\t%s\n' "$2" "$1" "$3" >> "$KLP_RESULTS"
	[ "$2" = PASS ] || failed=$((failed + 1))
}

# lint_build: lay tree-ours and configure $KLP_CACHE/out/lint (once per
# config fragment); sets OUT and MAKE for building in it.
lint_build() {
	local frags=("$HARNESS/config/livepatch.config" "$HARNESS"/config/ours/*.config)
	local cfg_id

	"$HARNESS/make-tree.sh" ours >/dev/null
	OUT=$KLP_CACHE/out/lint
	MAKE=(make -C "$TREE" O="$OUT" ARCH=x86_64 CC="ccache gcc"
	      HOSTCC="ccache gcc" -j"$JOBS")
	mkdir -p "$OUT" "$CCACHE_DIR"
	cfg_id=$(cat "${frags[@]}" | sha1sum | cut -c1-16)
	if [ "$(cat "$OUT/.klp-config-id" 2>/dev/null)" != "$cfg_id" ]; then
		phase "configure $OUT (tinyconfig + ${frags[*]#"$REPO"/})"
		"${MAKE[@]}" -s tinyconfig >/dev/null
		"$TREE/scripts/kconfig/merge_config.sh" -m -O "$OUT" \
			"$OUT/.config" "${frags[@]}" >/dev/null
		"${MAKE[@]}" -s olddefconfig >/dev/null
		echo "$cfg_id" > "$OUT/.klp-config-id"
		phase_end
	fi
}

# Our C files and headers, relative to the repository.
cd "$REPO"
mapfile -t CFILES < <({
	find kernel/livepatch samples/livepatch lib/livepatch \
		-name '*.[ch]' 2>/dev/null
	find include/linux -maxdepth 1 -name 'livepatch*.h'
	find tools/testing/selftests/livepatch -name '*.c' 2>/dev/null
} | sort)
[ ${#CFILES[@]} -gt 0 ] || die "no C files found in $REPO"

# Our paths, as they appear in compiler and Sphinx messages.
OURS_RE='(kernel|samples|lib)/livepatch/|include/linux/livepatch|Documentation/livepatch/|Documentation/ABI/testing/sysfs-kernel-livepatch|tools/testing/selftests/livepatch/'

for gate in $GATES; do
case $gate in
checkpatch)
	phase "checkpatch --strict on ${#CFILES[@]} files"
	# Run from the cache: checkpatch leaves its camelcase cache in the
	# current directory.
	out=$LINT/checkpatch.txt
	: > "$out"
	(cd "$LINT" && perl "$BASE/scripts/checkpatch.pl" --strict --terse \
		--show-types --no-summary --root="$BASE" \
		-f "${CFILES[@]/#/$REPO/}") | sed "s|^$REPO/||" > "$out" || true
	e=$(grep -c ': ERROR:' "$out" || true)
	w=$(grep -c ': WARNING:' "$out" || true)
	c=$(grep -c ': CHECK:' "$out" || true)
	grep -E ': (ERROR|WARNING):' "$out" | sed 's/^/  /' || true
	[ "$c" = 0 ] || echo "  ($c CHECK notes: $out)"
	phase_end
	detail="${#CFILES[@]} files: $e errors, $w warnings, $c checks"
	if [ "$e" = 0 ] && [ "$w" = 0 ]; then
		result checkpatch PASS "$detail"
	else
		result checkpatch FAIL "$detail"
	fi
	;;
kernel-doc)
	phase "kernel-doc -none on ${#CFILES[@]} files"
	out=$LINT/kernel-doc.txt
	perl "$BASE/scripts/kernel-doc" -none "${CFILES[@]}" > "$out" 2>&1 || true
	n=$(grep -ci 'warning' "$out" || true)
	e=$(grep -ci 'error' "$out" || true)
	sed 's/^/  /' "$out" | head -40
	phase_end
	detail="${#CFILES[@]} files: $n warnings, $e errors"
	if [ "$n" = 0 ] && [ "$e" = 0 ]; then
		result kernel-doc PASS "$detail"
	else
		result kernel-doc FAIL "$detail"
	fi
	;;
w1)
	lint_build
	dirs="kernel/livepatch/ samples/livepatch/ lib/livepatch/"
	phase "W=1 C=2 (sparse) build of $dirs"
	# Every file of ours again, so that each run reports its warnings.
	for d in $dirs; do
		rm -f "$OUT/$d"*.o "$OUT/$d"*.ko "$OUT/$d"*.mod*
	done
	out=$LINT/w1.txt
	rc=0
	# shellcheck disable=SC2086
	"${MAKE[@]}" W=1 C=2 $dirs > "$out" 2>&1 || rc=$?
	grep -E '(: (warning|error):|^(WARNING|ERROR)[: ])' "$out" > "$out.all" || true
	ours=$(grep -cE "$OURS_RE" "$out.all" || true)
	others=$(grep -vcE "$OURS_RE" "$out.all" || true)
	checked=$(grep '^  CHECK ' "$out" | grep -cE "$OURS_RE" || true)
	sed 's/^/  /' "$out.all" | head -40
	phase_end
	detail="$checked files through sparse: $ours warnings in our files, $others elsewhere"
	if [ "$rc" != 0 ]; then
		tail -20 "$out" | sed 's/^/  | /'
		result W=1-C=2 FAIL "build failed (log: $out)"
	elif [ "$ours" = 0 ] && [ "$checked" -gt 0 ]; then
		result W=1-C=2 PASS "$detail"
	else
		result W=1-C=2 FAIL "$detail"
	fi
	;;
notrace)
	handler=klp_ftrace_handler
	out=$LINT/notrace.txt
	: > "$out"
	rc=0
	if [ -n "${NOTRACE_OBJ:-}" ]; then
		obj=$NOTRACE_OBJ
	else
		lint_build
		obj=$OUT/kernel/livepatch/redirect.o
		phase "build ${obj#"$OUT"/}"
		"${MAKE[@]}" "${obj#"$OUT"/}" > "$out" 2>&1 || rc=$?
		phase_end
	fi
	if [ "$rc" != 0 ]; then
		tail -20 "$out" | sed 's/^/  | /'
		result notrace FAIL "build of $obj failed (log: $out)"
		continue
	fi
	phase "what $handler reaches in $obj"
	python3 "$HARNESS/lint-notrace.py" "$obj" "$handler" > "$out" 2>&1 ||
		rc=$?
	sed 's/^/  /' "$out"
	phase_end
	# The script's last line is its summary, or why it could not run.
	detail=$(tail -1 "$out")
	if [ "$rc" = 0 ]; then
		result notrace PASS "$detail"
	else
		result notrace FAIL "${detail:-lint-notrace.py exited $rc}"
	fi
	;;
modref)
	out=$LINT/modref.txt
	rc=0
	python3 "$HARNESS/lint-modref.py" "$REPO"/kernel/livepatch/*.c \
		> "$out" 2>&1 || rc=$?
	sed 's/^/  /' "$out"
	detail=$(tail -1 "$out")
	if [ "$rc" = 0 ]; then
		result modref PASS "$detail"
	else
		result modref FAIL "${detail:-lint-modref.py exited $rc}"
	fi
	;;
htmldocs)
	"$HARNESS/make-tree.sh" ours >/dev/null
	OUT=$KLP_CACHE/out/docs
	mkdir -p "$OUT"
	phase "make SPHINXDIRS=livepatch htmldocs (output in $OUT)"
	out=$LINT/htmldocs.txt
	rc=0
	# Sphinx reads only what changed since its last run, and warns only
	# about what it reads: start from scratch, it takes seconds.
	rm -rf "$OUT/Documentation/output"
	make -C "$TREE" O="$OUT" SPHINXDIRS=livepatch htmldocs > "$out" 2>&1 ||
		rc=$?
	perl "$TREE/scripts/get_abi.pl" validate --dir "$TREE/Documentation/ABI" \
		2>&1 | grep -i 'sysfs-kernel-livepatch' >> "$out" || true
	grep -E '(: (warning|error|WARNING|ERROR|CRITICAL|SEVERE):|^(WARNING|ERROR)[: ])' \
		"$out" > "$out.all" || true
	ours=$(grep -cE "$OURS_RE" "$out.all" || true)
	others=$(grep -vcE "$OURS_RE" "$out.all" || true)
	pages=$(find "$OUT/Documentation/output/livepatch" -name '*.html' \
		2>/dev/null | wc -l)
	sed 's/^/  /' "$out.all" | head -40
	phase_end
	detail="$pages pages: $ours warnings from our files, $others elsewhere"
	if [ "$rc" != 0 ] || [ "$pages" = 0 ]; then
		tail -20 "$out" | sed 's/^/  | /'
		result htmldocs FAIL "docs build failed (log: $out)"
	elif [ "$ours" = 0 ]; then
		result htmldocs PASS "$detail"
	else
		result htmldocs FAIL "$detail"
	fi
	;;
*)
	die "unknown gate '$gate' (checkpatch kernel-doc w1 notrace htmldocs)"
	;;
esac
done

echo "lint: $failed gate(s) failed"
[ "$failed" = 0 ]
