#!/bin/bash
# make install, tested: install into a scratch root (DESTDIR) and use what was installed
# as a user would: the installed bpftool runs and knows attach-multi, its man pages and
# bash completion are there and describe it, pkg-config finds the installed libbpf, and a
# program calling libbpf's tracing multi-link API builds and runs against it. Every check
# runs; the test fails if any of them did.
. "$(dirname "$0")/../../scripts/common.sh"
set +e	# every check runs, and reports

fail() { echo "FAIL: $*" >&2; failed=1; }
failed=0
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
PREFIX=/usr/local
P=$ROOT$PREFIX

PREFIX=$PREFIX DESTDIR=$ROOT "$TOP/scripts/install.sh" || die "make install failed"

# bpftool: the tree's libbpf version, and the tracing multi-link commands in its help
want=$(awk '/define LIBBPF_(MAJOR|MINOR)_VERSION/ { v = v sep $3; sep = "." } END { print v }' \
	"$TREE/tools/lib/bpf/libbpf_version.h")
# (whole outputs in variables: grep -q quitting early would fail the pipe)
out=$("$P/sbin/bpftool" version) || fail "installed bpftool: version failed"
grep -qx "using libbpf v$want" <<<"$out" ||
	fail "installed bpftool: '$(tr '\n' ' ' <<<"$out")', want libbpf v$want"
out=$("$P/sbin/bpftool" prog help 2>&1)
grep -q ' prog attach-multi PROG MULTI_TYPE ' <<<"$out" || fail "bpftool prog help lists no attach-multi"
out=$("$P/sbin/bpftool" link help 2>&1)
grep -q ' link create  *PROG MULTI_TYPE ' <<<"$out" || fail "bpftool link help lists no create"

# man pages, read without roff's font changes and escaped hyphens
man_text() { sed 's/\\f[BIPR]//g; s/\\-/-/g' "$P/share/man/man8/$1.8" 2>/dev/null; }
grep -q 'bpftool prog attach-multi PROG MULTI_TYPE' <<<"$(man_text bpftool-prog)" ||
	fail "bpftool-prog.8 missing or without attach-multi"
grep -q 'bpftool link create PROG MULTI_TYPE' <<<"$(man_text bpftool-link)" ||
	fail "bpftool-link.8 missing or without link create"

# bash completion, from the installed file, completing with the installed bpftool: the
# offers sorted, each followed by a space
complete_line() {
	PATH=$P/sbin:$PATH BPFTOOL_COMPLETION=$P/share/bash-completion/completions/bpftool \
		bash "$TOP/tests/cli/complete.bash" "$1" 2>/dev/null | sort | tr '\n' ' '
}
got=$(complete_line 'bpftool prog attach-')
[ "$got" = "attach-multi " ] || fail "'bpftool prog attach-<TAB>' offers '$got'"
got=$(complete_line 'bpftool prog attach-multi id 1 ')
[ "$got" = "fentry fexit fmod_ret freplace modify_return_multi trace_fentry_multi trace_fexit_multi " ] ||
	fail "'bpftool prog attach-multi id 1 <TAB>' offers '$got'"

# pkg-config: the installed libbpf.pc, its paths inside the scratch root
pc() { PKG_CONFIG_PATH=$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$ROOT pkg-config "$@" libbpf; }
flags=$(pc --cflags --libs) || fail "pkg-config found no libbpf in $P/lib/pkgconfig"
[[ " $flags " = *" -I$P/include "* && " $flags " = *" -L$P/lib "* && " $flags " = *" -lbpf "* ]] ||
	fail "pkg-config --cflags --libs libbpf: '$flags'"
[ "$(pc --modversion)" = "$want.0" ] || fail "pkg-config --modversion libbpf: '$(pc --modversion)'"

# A program of the tracing multi-link API, built with those flags against libbpf.so and
# run: every symbol bound at start-up (LD_BIND_NOW), so a libbpf.so without it fails.
cat >"$ROOT/tmulti_api.c" <<'PROG'
#include <stdio.h>
#include <bpf/libbpf.h>

int main(void)
{
	LIBBPF_OPTS(bpf_tracing_multi_opts, opts, .cnt = 0);
	struct bpf_link *(*attach)(const struct bpf_program *, const char *,
				   const struct bpf_tracing_multi_opts *);
	int (*by_fd)(int, enum bpf_attach_type, const char *,
		     const struct bpf_tracing_multi_opts *);

	attach = bpf_program__attach_tracing_multi;
	by_fd = libbpf_tracing_multi_link_create;
	printf("%s %d\n", libbpf_version_string(),
	       attach != NULL && by_fd != NULL && opts.sz == sizeof(opts));
	return 0;
}
PROG
# shellcheck disable=SC2046 # pkg-config's flags are words
if gcc -Wall -Werror $(pc --cflags) "$ROOT/tmulti_api.c" $(pc --libs) -o "$ROOT/tmulti_api"; then
	got=$(LD_BIND_NOW=1 LD_LIBRARY_PATH=$P/lib "$ROOT/tmulti_api") || fail "tmulti_api did not run"
	[ "$got" = "v$want 1" ] || fail "tmulti_api printed '$got', want 'v$want 1'"
	libs=$(LD_LIBRARY_PATH=$P/lib ldd "$ROOT/tmulti_api")
	grep -q "libbpf.so.1 => $P/lib/libbpf.so.1 " <<<"$libs" ||
		fail "tmulti_api is not linked against $P/lib/libbpf.so.1: $libs"
else
	fail "a program using the tracing multi-link API does not build against $P"
fi

[ $failed = 0 ] || die "make install: the installed files failed the checks above"
note "make install: bpftool, man pages, completion, libbpf and its pkg-config file work from $P"
