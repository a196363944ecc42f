#!/bin/sh
# make check-upstream, in the guest: the tree's own test_progs, shared by the host over 9p
# (mount tag "selftests"), on the -t list the host put on the kernel command line
# (selftests=...; "all" runs every test), without the -d list (selftests_deny=..., the
# subtests the kernel cannot run). Ends with TEST_PROGS_RC=<exit status>.
mkdir -p /selftests
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 selftests /selftests ||
	{ echo "selftests: cannot mount the 9p share"; echo "TEST_PROGS_RC=1"; exit 1; }
# The LSM and IMA tests look for securityfs.
mount -t securityfs securityfs /sys/kernel/security
cd /selftests || exit 1
if [ "$selftests" = all ]; then
	./test_progs ${selftests_deny:+-d "$selftests_deny"}
else
	./test_progs -t "$selftests" ${selftests_deny:+-d "$selftests_deny"}
fi
echo "TEST_PROGS_RC=$?"
