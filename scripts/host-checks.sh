#!/bin/bash
# Checks of the work tree that need no VM, run by "make check" before booting it:
# - bpftool's man pages build, and rst2man reports no warning (--exit-status=2);
# - tools/testing/selftests/bpf/test_bpftool_synctypes.py finds bpftool's type and
#   option lists in sync across its sources, help texts, man pages and bash completion;
# - make install into a scratch root works, and what it installed too (tests/host/install.sh).
. "$(dirname "$0")/common.sh"

DOC_OUT=$TOOLS/bpftool-doc
# A fresh directory: make would skip pages built (with warnings) by an earlier run.
rm -rf "$DOC_OUT" && mkdir -p "$DOC_OUT"
run_logged bpftool-doc make -C "$TREE/tools/bpf/bpftool" \
	OUTPUT="$DOC_OUT/" RST2MAN_OPTS="--verbose --strip-comments --exit-status=2" doc
note "bpftool man pages: $(find "$DOC_OUT" -name '*.8' | wc -l) built"

run_logged bpftool-synctypes python3 "$TREE/tools/testing/selftests/bpf/test_bpftool_synctypes.py"

"$TOP/tests/host/install.sh"
