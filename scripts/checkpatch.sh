#!/bin/bash
# Run the kernel's checkpatch.pl --strict on every patch of the series; exit 1 if any
# patch has errors or warnings (checks are printed, they do not fail the run).
. "$(dirname "$0")/common.sh"

[ -x "$TREE/scripts/checkpatch.pl" ] || die "no work tree; run 'make tree' first"
bad=0
while read -r p; do
	out=$("$TREE/scripts/checkpatch.pl" --strict --quiet --no-tree --show-types \
		--ignore FILE_PATH_CHANGES "$TOP/$p" 2>&1) && [ -z "$out" ] && { echo "ok  $p"; continue; }
	if grep -qE '^(ERROR|WARNING):' <<<"$out"; then echo "BAD $p"; bad=1; else echo "ok  $p (checks)"; fi
	sed 's/^/    /' <<<"$out"
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/series")
exit $bad
