#!/bin/bash
# Install the Debian packages the build and the VM need; a no-op when all are there.
. "$(dirname "$0")/common.sh"

PACKAGES=(
	"$DEBIAN_SOURCE_PACKAGE"		# the kernel source the series applies to
	build-essential flex bison bc cpio xz-utils zstd gawk ccache
	libelf-dev zlib1g-dev libssl-dev libcap-dev binutils-dev
	dwarves					# pahole: BTF for vmlinux and modules
	clang llvm				# BPF programs, bpftool skeletons
	python3-docutils			# rst2man: bpftool man pages
	qemu-system-x86 busybox-static jq	# the test VM and what runs in it
	bash-completion				# bpftool completion tests in the VM
	gnuplot-nox				# make bench: the attach+detach plot
)
# The tree's BPF selftests (make check-upstream) need a newer clang than bookworm's
# default 14, and real iproute2 and dash in the guest.
[ "$VARIANT" = upstream ] && PACKAGES+=(clang-19 llvm-19 lld-19 iproute2 dash rsync)
# make series-check builds the directories the series touches on other architectures.
[ "${1:-}" = series-check ] && PACKAGES+=(gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu gcc-s390x-linux-gnu)
missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
mkdir -p "$LOGS"
[ "$(id -u)" = 0 ] || die "missing packages (run as root or install them): ${missing[*]}"
note "installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$LOGS/apt.log" 2>&1 ||
	{ tail -n 20 "$LOGS/apt.log"; die "apt-get install failed"; }
