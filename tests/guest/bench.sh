#!/bin/sh
# The benchmark, in the guest (vm.sh bench): for each N, pick the function set once, then
# per repetition measure every method on it, one after the other, one "bench run" each.
# Prints BENCH_* lines for scripts/bench-report.py. Parameters come from the kernel
# command line (vm.sh passes them): bench_n, bench_reps, bench_methods, bench_timeout.
N_LIST=$(echo "${bench_n:-1,10,100,1000,all}" | tr , ' ')
METHODS=$(echo "${bench_methods:-fentry,fentry.multi,fexit.multi,kprobe.multi,kretprobe.multi}" | tr , ' ')
TIMEOUT=${bench_timeout:-900}

# Repetitions: the median of 5 at N <= 10, of 3 at N = 100, one run above (a cloned-fentry
# detach of 1000 functions takes minutes under TCG); bench_reps overrides.
reps_for() {
	if [ -n "$bench_reps" ]; then echo "$bench_reps"
	elif [ "$1" = all ] || [ "$1" -gt 100 ]; then echo 1
	elif [ "$1" -gt 10 ]; then echo 3
	else echo 5; fi
}

# Methods that can take every traceable function: one link for all (the per-function
# methods would need ~20k programs and hours of detach).
takes_all() { case $1 in *.multi) return 0 ;; *) return 1 ;; esac; }

echo "BENCH_KERNEL $(uname -r) $(uname -v)"
echo "BENCH_CPUS $(grep -c ^processor /proc/cpuinfo) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
bench header
# Warm-up, not reported: the first tracing program of a boot pays for the kernel's parse
# of vmlinux BTF, the first link for cold emulator translation caches.
if bench funcs 1 >/tmp/funcs-warmup; then
	for m in fentry kprobe.multi; do bench run $m /tmp/funcs-warmup 0 >/dev/null; done
fi
for n in $N_LIST; do
	funcs=/tmp/funcs-$n
	if ! bench funcs "$n" >"$funcs"; then
		echo "BENCH_ERROR no function set for N=$n"
		continue
	fi
	count=$(grep -c . "$funcs")
	sed "s/^/BENCH_FUNC $n /" "$funcs"
	rep=1
	while [ $rep -le "$(reps_for "$n")" ]; do
		for m in $METHODS; do
			[ "$n" = all ] && ! takes_all "$m" && continue
			start=$(date +%s)
			timeout -s KILL "$TIMEOUT" bench run "$m" "$funcs" $rep
			rc=$?
			# Killed: its links are still being released; wait for ftrace to settle so
			# that the next method starts from nothing attached.
			if [ $rc = 137 ]; then
				echo "BENCH_ROW,$m,$count,$rep,timeout_${TIMEOUT}s,,,,,,,,,,,,,"
				while grep -q . /sys/kernel/tracing/enabled_functions; do sleep 1; done
			fi
			echo "BENCH_TIME $m $n $rep $(($(date +%s) - start))s rc=$rc"
		done
		rep=$((rep + 1))
	done
done
echo "BENCH_UPTIME $(cut -d' ' -f1 /proc/uptime)"
echo "BENCH_DONE"
