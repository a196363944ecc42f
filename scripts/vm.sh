#!/bin/bash
# Boot the built kernel under QEMU (TCG) with a busybox initramfs that carries bpftool, the
# tests and the test module, and run one guest script:
#   vm.sh check      the suite (tests/suite); prints "N passed, N failed[, N skipped]";
#                    VARIANT=stock: the stock kernel, on the tests of tests/suite-stock;
#                    VARIANT=mainline: Linux 7.2, on the tests of tests/suite-mainline
#   vm.sh fault      (VARIANT=debug) the fault-injection tests of tests/suite-fault, as check
#   vm.sh demo       tests/guest/demo.sh
#   vm.sh bench      tests/guest/bench.sh (BENCH_N, BENCH_REPS, BENCH_METHODS, BENCH_TIMEOUT),
#                    then scripts/bench-report.py writes build/bench/<date>-<series head>/
#   vm.sh selftests  (VARIANT=upstream) the tree's test_progs, shared over 9p, on the
#                    tests of tests/upstream-subset (and of tests/upstream-mainline/subset
#                    without its skip list, unless MAINLINE_SELFTESTS=0), or UPSTREAM_TESTS
#                    (a test_progs -t list, or "all"); prints test_progs' Summary line
# The kernel console goes to build/logs/vm-$VARIANT-MODE/console.log, the guest's own
# output (TAP lines, demo output) to output.log next to it and to the terminal.
. "$(dirname "$0")/common.sh"

MODE=${1:-check}
case $VARIANT:$MODE in
vm:check | vm:demo | vm:bench | debug:check | debug:fault | debug:demo | upstream:selftests | stock:check | mainline:check) ;;
*) die "usage: vm.sh check|demo (VARIANT=vm|debug), VARIANT=debug vm.sh fault, vm.sh bench, VARIANT=upstream vm.sh selftests, VARIANT=stock|mainline vm.sh check" ;;
esac
# The stock kernel runs the tests meant for a kernel without the series, mainline's those
# meant for mainline's own tracing multi-link.
SUITE=$TOP/tests/suite
[ "$VARIANT" = stock ] && SUITE=$TOP/tests/suite-stock
[ "$VARIANT" = mainline ] && SUITE=$TOP/tests/suite-mainline
[ "$MODE" = fault ] && SUITE=$TOP/tests/suite-fault
[ "$MODE" != selftests ] || [ -x "$STOUT/test_progs" ] ||
	die "no ${STOUT#"$TOP"/}/test_progs; run VARIANT=upstream scripts/build.sh"

RUN_DIR=$LOGS/vm-$VARIANT-$MODE
ROOT=$BUILD/initramfs-$VARIANT
CPIO=$BUILD/initramfs-$VARIANT.cpio
case $VARIANT in
debug) MEM=${VM_MEM:-3G}; TIMEOUT=${VM_TIMEOUT:-3600} ;;
upstream) MEM=${VM_MEM:-4G}; TIMEOUT=${VM_TIMEOUT:-3600} ;;
*) MEM=${VM_MEM:-2G}; TIMEOUT=${VM_TIMEOUT:-1800} ;;	# the suite takes ~8 min idle
esac
# The benchmark bounds each measurement itself (bench_timeout); this bounds the whole run.
[ "$MODE" = bench ] && TIMEOUT=${VM_TIMEOUT:-7200}

# Kernel command line words the guest's /init sees as variables.
GUEST_ARGS="run=${MODE/fault/check}"
# KASAN and lockdep make the scale tests several times slower than the suite's 120 s
# per test.
# The fault sweeps repeat an attach or release for every allocation it makes.
[ "$VARIANT" = debug ] && GUEST_ARGS+=" test_timeout=$([ "$MODE" = fault ] && echo 1800 || echo 600)"
if [ "$MODE" = bench ]; then
	for v in BENCH_N BENCH_REPS BENCH_METHODS BENCH_TIMEOUT; do
		val=${!v:-}
		case $val in *[!A-Za-z0-9.,_]*) die "$v: only letters, digits and . , _ allowed" ;; esac
		[ -n "$val" ] && GUEST_ARGS+=" ${v,,}=$val"
	done
fi

# Kernel console lines that fail a run whatever the tests said.
SPLATS='WARNING:|BUG:|Oops|general protection fault|Kernel panic|KASAN|UBSAN|kmemleak:.*(suspected|unreferenced)|possible circular locking|inconsistent lock state|suspicious RCU usage|rcu.*stall|soft lockup|blocked for more than'

# The entries of a list file (tests/upstream-subset and the like), without comments.
list() { grep -Ev '^[[:space:]]*(#|$)' "$1"; }

# Copy the shared libraries ldd names for a host binary into the initramfs.
add_libs() {
	local lib
	for lib in $(ldd "$1" | grep -o '/[^ ]*'); do install -D "$lib" "$ROOT$lib"; done
}

# Copy a dynamically linked host binary and its libraries into the initramfs.
add_dynamic() {
	install -D "$1" "$ROOT$1"
	add_libs "$1"
}

make_initramfs() {
	local a tool
	rm -rf "$ROOT" && mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,tmp,tests}
	cp /bin/busybox "$ROOT/bin/busybox"
	# "busybox --list" includes busybox itself: a self-symlink would break exec.
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$ROOT/bin/$a"
	done
	cp "$TOP/tests/guest/init" "$ROOT/init"
	if [ "$MODE" = selftests ]; then
		# test_progs runs from the 9p share; it needs its libraries and real iproute2
		# (busybox ip lacks options tests use). Debian's busybox sh runs its own applets
		# for "sh -c ip ...", so /bin/sh is dash.
		add_libs "$STOUT/test_progs"
		for tool in dash ip tc; do
			add_dynamic "$(command -v $tool)"
			ln -sf "$(command -v $tool)" "$ROOT/bin/$tool"
		done
		ln -sf "$(command -v dash)" "$ROOT/bin/sh"
		cp "$TOP/tests/guest/selftests.sh" "$ROOT/tests/"
		(cd "$ROOT" && find . | cpio -o -H newc --quiet) >"$CPIO"
		return
	fi
	add_dynamic "$(command -v jq)"
	# bash with bash-completion and the tree's bpftool completion, for completion tests
	add_dynamic "$(command -v bash)"
	install -D /usr/share/bash-completion/bash_completion \
		"$ROOT/usr/share/bash-completion/bash_completion"
	install -D "$TREE/tools/bpf/bpftool/bash-completion/bpftool" \
		"$ROOT/usr/share/bash-completion/completions/bpftool"
	cp "$TOOLS/bpftool/bpftool" "$ROOT/bin/bpftool"
	cp "$SUITE" "$ROOT/tests/suite"
	cp "$TOP"/tests/guest/*.sh "$ROOT/tests/"
	# TESTS=regex: only the suite's tests whose names match (for development)
	if [ -n "${TESTS:-}" ]; then
		grep -E "^($TESTS)[[:space:]]" "$SUITE" >"$ROOT/tests/suite" ||
			die "TESTS=$TESTS matches no test of $SUITE"
	fi
	cp -r "$TOP/tests/cli" "$ROOT/tests/"
	cp "$TOUT"/*.bpf.o "$TOUT/module/tmulti_testmod.ko" "$ROOT/tests/"
	# The README's quick start (cli/quickstart.sh): the README, and what the host built of it
	cp "$TOP/README.md" "$ROOT/tests/"
	cp -r "$TOUT/quickstart" "$ROOT/tests/"
	# The debug kernel's sample live patch, for the live patching tests
	[ ! -e "$KOUT/samples/livepatch/livepatch-sample.ko" ] ||
		cp "$KOUT/samples/livepatch/livepatch-sample.ko" "$ROOT/tests/"
	find "$TOUT" -maxdepth 1 -type f -executable -exec cp {} "$ROOT/tests/" \;
	(cd "$ROOT" && find . | cpio -o -H newc --quiet) >"$CPIO"
}

# TAP from the guest → "N passed, N failed[, N skipped]"; tests the plan announced but
# that never reported (crash, timeout) count as failed, and so does a splat.
summarize() {
	local out=$RUN_DIR/tap.log pass fail skip planned reported splats
	tr -d '\r' <"$RUN_DIR/output.log" >"$out"	# serial line endings
	pass=$(grep -cE '^ok [0-9]+ ' "$out" || true)
	skip=$(grep -E '^ok [0-9]+ ' "$out" | grep -c '# SKIP' || true)
	fail=$(grep -cE '^not ok [0-9]+ ' "$out" || true)
	pass=$((pass - skip))
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n1)
	reported=$((pass + fail + skip))
	if [ -z "$planned" ] || [ "$reported" -lt "$planned" ]; then
		echo "not ok - the guest reported $reported of ${planned:-?} planned tests (crash or timeout?)"
		fail=$((fail + ${planned:-$((reported + 1))} - reported))
	fi
	splats=$(grep -E "$SPLATS" "$RUN_DIR/console.log" || true)
	if [ -n "$splats" ]; then
		echo "not ok - kernel console clean"
		sed 's/^/#   /' <<<"$splats" | head -n 20
		fail=$((fail + 1))
	else
		echo "ok - kernel console clean"
		pass=$((pass + 1))
	fi
	echo "logs: ${RUN_DIR#"$TOP"/}/{console,output}.log"
	if [ "$skip" -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"
	else echo "$pass passed, $fail failed"; fi
	[ "$fail" = 0 ]
}

# test_progs' Summary line; fails unless test_progs ran to the end, exited 0 and counted
# no failure, or on a kernel splat.
summarize_selftests() {
	local out=$RUN_DIR/test_progs.log summary splats rc=0
	tr -d '\r' <"$RUN_DIR/output.log" >"$out"
	summary=$(grep -E '^Summary: [0-9]+/[0-9]+ PASSED, [0-9]+ SKIPPED, [0-9]+ FAILED$' "$out" || true)
	grep -E '^#[0-9/]+ +[^ ].*:FAIL$' "$out" | sed 's/^/failed: /' || true
	[ "$MAINLINE_SELFTESTS" = 1 ] && list "$TOP/tests/upstream-mainline/skip" |
		while read -r name reason; do echo "not run: $name ($reason)"; done
	splats=$(grep -E "$SPLATS" "$RUN_DIR/console.log" || true)
	if [ -n "$splats" ]; then
		echo "kernel console not clean:"
		sed 's/^/#   /' <<<"$splats" | head -n 20
		rc=1
	fi
	echo "logs: ${RUN_DIR#"$TOP"/}/{console,output}.log"
	echo "${summary:-no Summary line from test_progs (crash or timeout?)}"
	grep -qx 'TEST_PROGS_RC=0' "$out" || rc=1
	[[ $summary = *", 0 FAILED" ]] || rc=1
	return $rc
}

make_initramfs
rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
: >"$RUN_DIR/output.log"
APPEND="console=ttyS0 panic=-1 $GUEST_ARGS"
SHARE=()
if [ "$MODE" = selftests ]; then
	tests=$(list "$TOP/tests/upstream-subset")
	if [ "$MAINLINE_SELFTESTS" = 1 ]; then
		tests+=$'\n'$(list "$TOP/tests/upstream-mainline/subset")
		APPEND+=" selftests_deny=$(list "$TOP/tests/upstream-mainline/skip" | awk '{ print $1 }' | paste -sd,)"
	fi
	UPSTREAM_TESTS=${UPSTREAM_TESTS:-$(paste -sd, <<<"$tests")}
	APPEND+=" selftests=$UPSTREAM_TESTS"
	SHARE=(-virtfs "local,path=$STOUT,mount_tag=selftests,security_model=none")
fi
note "booting $VARIANT kernel (QEMU/TCG, $MEM, timeout ${TIMEOUT}s), mode $MODE"
# thread=single: multi-threaded TCG sometimes misses a just-patched int3 during mass text
# patching (README, "The test VM"); the guest still has two CPUs.
vm_start=$SECONDS
timeout --foreground "$TIMEOUT" qemu-system-x86_64 -accel tcg,thread=single -smp 2 -m "$MEM" \
	-kernel "$KOUT/arch/x86/boot/bzImage" -initrd "$CPIO" -no-reboot \
	-display none -monitor none -serial "file:$RUN_DIR/console.log" \
	-serial "file:$RUN_DIR/output.log" "${SHARE[@]}" \
	-append "$APPEND" &
qemu=$!
# The benchmark's function lists go to its artifacts, not to the terminal.
tail -n +1 --pid=$qemu -f "$RUN_DIR/output.log" | grep --line-buffered -v '^BENCH_FUNC ' || true
rc=0; wait $qemu || rc=$?
[ $rc = 124 ] && echo "VM timed out after ${TIMEOUT}s"

if [ "$MODE" = check ] || [ "$MODE" = fault ]; then
	summarize
elif [ "$MODE" = bench ]; then
	out=$BUILD/bench/$(date -u +%Y%m%d-%H%M)-$(git -C "$TREE" rev-parse --short HEAD)
	mkdir -p "$out"
	tr -d '\r' <"$RUN_DIR/output.log" >"$out/raw.log"
	# The report checks the guest's clock against this (the figures are guest times).
	echo "HOST_VM_SECONDS $((SECONDS - vm_start))" >>"$out/raw.log"
	cp "$RUN_DIR/console.log" "$out/console.log"
	ln -sfn "$(basename "$out")" "$BUILD/bench/latest"
	"$TOP/scripts/bench-report.py" "$out"
	note "benchmark artifacts: ${out#"$TOP"/}/ (also build/bench/latest)"
	grep -E "$SPLATS" "$RUN_DIR/console.log" && die "kernel splat during the benchmark (see $out/console.log)"
	grep -qx BENCH_DONE "$out/raw.log" || die "the benchmark did not finish (see $out/raw.log)"
elif [ "$MODE" = selftests ]; then
	summarize_selftests
else
	grep -E "$SPLATS" "$RUN_DIR/console.log" && die "kernel splat during the demo (see $RUN_DIR/console.log)"
	tr -d '\r' <"$RUN_DIR/output.log" | grep -qx 'DEMO_RC=0' || die "demo failed (see $RUN_DIR/output.log)"
fi
