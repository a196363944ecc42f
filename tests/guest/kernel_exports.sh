#!/bin/sh
# The series' ftrace API for many direct calls on one ops has one user, the BPF
# trampoline, which is built in: nothing modular needs it, so it is not exported (nor
# are mainline's update_ftrace_direct_*()). Needs KALLSYMS_ALL: __ksymtab_* are data.
fail=0
for f in register_ftrace_direct_ips unregister_ftrace_direct_ips modify_ftrace_direct_ips; do
	grep -q " $f$" /proc/kallsyms || { echo "$f: not in /proc/kallsyms"; fail=1; }
	if grep -q " __ksymtab_$f$" /proc/kallsyms; then
		echo "$f: exported (__ksymtab_$f)"
		fail=1
	fi
done
# The check itself: a symbol the kernel does export is seen as one.
grep -q " __ksymtab_register_ftrace_direct$" /proc/kallsyms ||
	{ echo "__ksymtab_register_ftrace_direct not in /proc/kallsyms: check broken"; fail=1; }
exit $fail
