# SPDX-License-Identifier: GPL-2.0
# Entry points of the livepatch harness; the work is done by harness/*.sh.
# Every target installs and builds whatever it needs first (incrementally).

KERNEL ?= ours
SUITE ?= upstream-compat
TEST ?=
KLP_CACHE ?= $(HOME)/.cache/klp
export KLP_CACHE

H := harness

.PHONY: help deps base kernel reference kernel-ours kernel-upstream demo \
	check check-upstream check-debug check-configs check-kcsan suite vm clean \
	lint series series-check apply bench bench-transition fuzz diff-golden

help:
	@echo 'Livepatch harness targets (KERNEL=ours|upstream, default ours):'
	@echo '  make demo            boot a kernel, live patch /proc/cmdline and undo it'
	@echo '  make check           (CI) ours: upstream-compat, test-stress, differential, lint; ours-debug'
	@echo '                       (checkers, PREEMPT_DYNAMIC=n): every suite, in parallel VMs'
	@echo '                       CHECK_DEBUG=0: every suite on ours + ours-nodyn smoke instead'
	@echo '  make check-upstream  the same on the upstream reference kernel'
	@echo '  make check-debug     every suite on ours-debug: KASAN, kmemleak, lockdep, UBSAN...'
	@echo '  make check-configs   cross-build ours + modules: ppc64le, s390x, x86_64 PREEMPT_RT'
	@echo '                       [CONFIGS="ppc64le s390x x86_64-rt"]'
	@echo '  make check-kcsan     build ours-kcsan (KCSAN), run the transition tests on it;'
	@echo '                       fails on a data race involving livepatch [TEST="test-x.sh ..."]'
	@echo '  make suite SUITE=upstream-compat|selftests [TEST=test-x.sh] [KERNEL=...]'
	@echo '  make vm              interactive shell in the VM (Ctrl-A X quits)'
	@echo '  make kernel          build our kernel'
	@echo '  make kernel-ours-nodyn  build a variant: ours + harness/config/nodyn.config'
	@echo '  make reference       build the upstream reference kernel'
	@echo '  make lint            checkpatch, kernel-doc, W=1 + sparse, notrace, modref, htmldocs'
	@echo '  make bench           enable/disable time and memory, 1..1000 functions, call cost, ours vs upstream'
	@echo '  make fuzz [SEED=1] [SEQS=200] [LEN=24] [ONLY=<seed>-<i>] [SHRINK=1]'
	@echo '                      differential tester: same random sequences on ours and upstream'
	@echo '                      [SMP=1] guest CPUs (2: slower, 6.12 retries once a second)'
	@echo '  make diff-golden     rewrite the reference trace make check compares with'
	@echo '                      (harness/diff/golden/check.trace.gz; after changing gen.py,'
	@echo '                      guest-diff.c or lib/livepatch)'
	@echo '  make bench-transition  transition time under load, ours vs upstream'
	@echo '  make series          the repository as a git format-patch series (cache)'
	@echo '  make series-check    git am, build and checkpatch --strict patch by patch'
	@echo '  make apply KSRC=<linux-6.12.y tree>  lay the series on that tree'
	@echo '  make deps            install the Debian packages the harness needs'
	@echo '  make clean           remove the build cache ($(KLP_CACHE))'
	@echo 'Variants: KERNEL=ours-nodyn (PREEMPT_DYNAMIC=n), ours-rt (PREEMPT_RT),'
	@echo '  ours-kcsan (KCSAN), any'
	@echo '  harness/config/<variant>.config: demo, suite and vm on that build of ours.'
	@echo 'Variables: KSRC=<6.12 tree> (instead of linux-source-6.12), VERBOSE=1,'
	@echo '  KLP_TIMEOUT=<s> (per VM run), KLP_ACCEL=kvm|tcg, JOBS=<n>'

deps:
	@$(H)/install-deps.sh

base: deps
	@$(H)/prepare-base.sh

kernel: kernel-ours
reference: kernel-upstream

kernel-ours kernel-upstream: kernel-%: base
	@$(H)/build-kernel.sh $*

# A variant: kernel-ours-nodyn builds ours-nodyn (build-kernel.sh).
kernel-ours-% kernel-upstream-%: base
	@$(H)/build-kernel.sh $(patsubst kernel-%,%,$@)

demo: kernel-$(KERNEL)
	@$(H)/run-vm.sh $(KERNEL) demo

check:
	@$(H)/check.sh $(KERNEL)

check-upstream:
	@$(H)/check.sh upstream

# Our kernel with the kernel's checkers (harness/config/debug.config):
# builds ours-debug, runs every suite on it; a kmemleak scan after each.
check-debug:
	@$(H)/check.sh ours-debug

# Not part of make check: cross compilers, and three more kernel builds.
check-configs:
	@$(H)/install-deps.sh --cross
	@$(H)/prepare-base.sh
	@$(H)/check-configs.sh $(CONFIGS)

# Not part of make check either: a KCSAN kernel, and a long run under TCG.
check-kcsan:
	@$(H)/check-kcsan.sh $(TEST)

suite: kernel-$(KERNEL)
	@$(H)/run-suite.sh --kernel $(KERNEL) $(SUITE) $(TEST)

vm: kernel-$(KERNEL)
	@$(H)/run-vm.sh $(KERNEL) shell

lint: base
	@$(H)/lint.sh

bench: kernel-ours kernel-upstream
	@$(H)/bench/scale.sh

bench-transition: kernel-ours kernel-upstream
	@BENCH=transition $(H)/bench/scale.sh

series: base
	@$(H)/series.py make

series-check: base
	@$(H)/series.py check

# KSRC names the tree to patch here, not a base: series.py keeps the base.
apply: deps
	@$(H)/series.py apply '$(KSRC)'

# The differential tester (harness/diff/README).
SEED ?= 1
SEQS ?= 200
LEN ?= 24
ONLY ?=
SHRINK ?=
SEQFILE ?=
SMP ?= 1
fuzz: kernel-ours kernel-upstream
	@python3 $(H)/diff/run.py --seed '$(SEED)' --seqs '$(SEQS)' --len '$(LEN)' \
		--smp '$(SMP)' $(if $(ONLY),--only '$(ONLY)') $(if $(SHRINK),--shrink) \
		$(if $(SEQFILE),--seqfile '$(SEQFILE)')

# The reference kernel's trace of make check's differential campaign,
# run live and kept in harness/diff/golden/check.trace.gz (commit it).
diff-golden: kernel-upstream
	@python3 $(H)/diff/run.py --check --write-golden
	@python3 $(H)/diff/run.py --regress --write-golden

clean:
	rm -rf '$(KLP_CACHE)'
