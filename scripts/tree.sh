#!/bin/bash
# The kernel work tree and the series: the patch files named in ./series are the source of
# truth; build/linux is a git tree derived from them (base commit = pristine Debian source,
# then one commit per patch) that developers edit and export back.
#
#   tree.sh sync    create build/linux, or bring it up to date with the series
#   tree.sh export  write the commits after the base back to patch files and ./series
#   tree.sh drift   exit 1 (and say why) if build/linux and the series differ
#   tree.sh base    create build/base/linux: the pristine source (tag base) as a second
#                   work tree, for stock kernels (make check-stock, check-upstream BASELINE=1)
. "$(dirname "$0")/common.sh"

STAMP=$TREE/.git/applied-series		# digest of the series last applied by sync

git_tree() { git -C "$TREE" "$@"; }

series_patches() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${1:-$TOP}/series"; }

# Digest of a series and its patches in directory $1 (the repo, or an export of the tree).
series_digest() {
	(cat "$1/series"; series_patches "$1" | while read -r p; do cat "$1/$p"; done) |
		sha256sum | cut -d' ' -f1
}

# Digest of the series the tree's commits export to.
tree_digest() {
	local tmp d
	tmp=$(mktemp -d)
	export_to "$tmp"
	d=$(series_digest "$tmp")
	rm -rf "$tmp"
	echo "$d"
}

# The folder a commit's patch belongs in, from the paths it touches; the first area in
# this order wins: anything outside tools/ is a kernel patch (it may also sync
# tools/include/uapi), then libbpf, bpftool, docs, bash-completion, tests.
patch_area() {
	git_tree diff-tree --no-commit-id --name-only -r "$1" | awk '
		{ r = 6 }
		/^tools\/(lib\/bpf|include)\//		{ r = 2 }
		/^tools\/bpf\/bpftool\//			{ r = 3 }
		/^tools\/bpf\/bpftool\/Documentation\//	{ r = 4 }
		/^tools\/bpf\/bpftool\/bash-completion\//	{ r = 5 }
		/^tools\/testing\//			{ r = 6 }
		!/^tools\//				{ r = 1 }
		{ if (!best || r < best) best = r }
		END { split("kernel libbpf bpftool docs bash-completion tests", a, " "); print a[best] }'
}

# Export base..HEAD into directory $1 (same layout as the repo: area/name.patch + series).
export_to() {
	# Fixed --abbrev: git's automatic length depends on the object count of the repo.
	local out=$1 sha area name
	mkdir -p "$out"
	echo "# Applied in this order onto $DEBIAN_SOURCE_PACKAGE $DEBIAN_SOURCE_VERSION (see base.conf)." >"$out/series"
	for sha in $(git_tree rev-list --reverse base..HEAD); do
		area=$(patch_area "$sha")
		name=$(git_tree log -1 --format=%f "$sha" | cut -c1-64).patch
		mkdir -p "$out/$area"
		git_tree format-patch -1 --stdout --zero-commit --no-signature --signoff --abbrev=12 -N "$sha" >"$out/$area/$name"
		echo "$area/$name" >>"$out/series"
	done
}

tree_dirty() { [ -n "$(git_tree status --porcelain --untracked-files=no)" ]; }

create_tree() {
	local have
	have=$(dpkg-query -W -f='${Version}' "$DEBIAN_SOURCE_PACKAGE" 2>/dev/null || true)
	[ -f "$DEBIAN_SOURCE_TARBALL" ] || die "$DEBIAN_SOURCE_TARBALL missing (apt-get install $DEBIAN_SOURCE_PACKAGE)"
	[ "$have" = "$DEBIAN_SOURCE_VERSION" ] ||
		echo "warning: series is based on $DEBIAN_SOURCE_VERSION, installed is $have; patches may not apply" >&2
	[ "$(sha256sum <"$DEBIAN_SOURCE_TARBALL" | cut -d' ' -f1)" = "$DEBIAN_SOURCE_SHA256" ] ||
		echo "warning: $DEBIAN_SOURCE_TARBALL is not the tarball of $DEBIAN_SOURCE_VERSION (sha256 differs)" >&2
	rm -rf "$TREE" "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	note "extracting $DEBIAN_SOURCE_TARBALL"
	tar -xaf "$DEBIAN_SOURCE_TARBALL" -C "$TREE.tmp" --strip-components=1
	note "recording the pristine source as the base commit"
	# Loose objects at low compression: the base is written once and read locally.
	git -C "$TREE.tmp" init -q -b work
	git -C "$TREE.tmp" config core.looseCompression 1
	# -f: Debian's top-level .gitignore ignores everything outside debian/ (new files
	# in the work tree need "git add -f" for the same reason).
	git -C "$TREE.tmp" add -A -f
	git -C "$TREE.tmp" commit -q -m "Debian $DEBIAN_SOURCE_PACKAGE $have (pristine)"
	git -C "$TREE.tmp" tag base
	mv "$TREE.tmp" "$TREE"
}

apply_series() {
	local p
	git_tree am --abort >/dev/null 2>&1 || true
	git_tree reset -q --hard base
	while read -r p; do
		[ -f "$TOP/$p" ] || die "series names $p, which does not exist"
		if ! git_tree am -q --keep-non-patch "$TOP/$p" >"$LOGS/git-am.log" 2>&1; then
			cat "$LOGS/git-am.log" >&2
			git_tree am --abort >/dev/null 2>&1 || true
			git_tree reset -q --hard base	# a half-applied series is nobody's work
			die "patch $p does not apply to $(git_tree log -1 --format=%s base)"
		fi
	done < <(series_patches)
	series_digest "$TOP" >"$STAMP"
	note "work tree at series ($(series_patches | wc -l) patches)"
}

cmd_sync() {
	mkdir -p "$LOGS"
	if [ ! -d "$TREE/.git" ]; then
		create_tree
		apply_series
		return
	fi
	tree_dirty && { warn_local_work; return; }
	local have
	have=$(tree_digest)
	[ "$have" = "$(series_digest "$TOP")" ] && return
	# At base (new, or an apply failed) or applied by us and untouched since (the series
	# moved: pull, checkout): follow the series. Otherwise a developer is working in the
	# tree: keep the work, it is what gets built.
	if [ -z "$(git_tree rev-list base..HEAD)" ] ||
	   { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$have" ]; }; then
		apply_series
	else
		warn_local_work
	fi
}

warn_local_work() {
	echo "warning: build/linux has work not exported to the series; building it as it is" >&2
}

cmd_export() {
	[ -d "$TREE/.git" ] || die "no work tree; run 'make tree' first"
	tree_dirty && die "build/linux has uncommitted changes; commit them first"
	local p
	while read -r p; do rm -f "$TOP/$p"; done < <(series_patches)
	export_to "$TOP"
	series_digest "$TOP" >"$STAMP"
	note "exported $(series_patches | wc -l) patches; review with git -C $TOP status"
}

cmd_drift() {
	[ -d "$TREE/.git" ] || die "no work tree; run 'make tree' first"
	if tree_dirty; then
		git_tree status --short --untracked-files=no >&2
		die "build/linux has uncommitted changes"
	fi
	local tmp p
	tmp=$(mktemp -d)
	export_to "$tmp"
	if [ "$(series_digest "$tmp")" != "$(series_digest "$TOP")" ]; then
		diff -u "$TOP/series" "$tmp/series" >&2
		while read -r p; do
			[ -f "$TOP/$p" ] && diff -u "$TOP/$p" "$tmp/$p" | head -n 20 >&2
		done < <(series_patches "$tmp")
		rm -rf "$tmp"
		die "commits in build/linux differ from ./series (make export, or make tree after a pull)"
	fi
	rm -rf "$tmp"
	note "build/linux matches the series"
}

# A git worktree of build/linux, detached at tag base: it shares the objects, so it costs
# a checkout, not a second extraction of the tarball.
cmd_base() {
	[ -d "$TREE/.git" ] || die "no work tree; run 'make tree' first"
	if [ ! -e "$BASE_TREE/.git" ]; then
		note "checking out the pristine source (tag base) in ${BASE_TREE#"$TOP"/}"
		git_tree worktree prune
		git_tree worktree add -q --detach "$BASE_TREE" base
	fi
	# It must be the pristine source, or the "stock" kernel is something else.
	[ "$(git -C "$BASE_TREE" rev-parse HEAD)" = "$(git_tree rev-parse base)" ] ||
		die "${BASE_TREE#"$TOP"/} is not at tag base; git -C ${BASE_TREE#"$TOP"/} checkout --detach base"
	[ -z "$(git -C "$BASE_TREE" status --porcelain --untracked-files=no)" ] ||
		die "${BASE_TREE#"$TOP"/} has local changes; it must stay pristine"
}

case "${1:-}" in
sync) cmd_sync ;;
export) cmd_export ;;
drift) cmd_drift ;;
base) cmd_base ;;
*) die "usage: tree.sh sync|export|drift|base" ;;
esac
