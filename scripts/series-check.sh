#!/bin/bash
# The series as a maintainer receives it (make series-check). Stages, run in this order;
# SERIES_CHECK_STAGES=fixup,checkpatch,... selects some of them:
#
#   drift       build/linux's commits are the patches of ./series (what the rest checks)
#   fixup       no patch modifies or removes lines an earlier patch of the series added,
#               unless its message says why the split helps review (a Rewrites: trailer)
#   checkpatch  checkpatch.pl --strict on every patch (scripts/checkpatch.sh)
#   build       every commit: vmlinux with the VM config and -Werror, libbpf and bpftool
#               when touched; the kernel directories it touches on arm64, riscv and s390
#   cover       git format-patch --cover-letter into build/series/, the cover letter's
#               subject and text from docs/cover-letter.txt
#   base        whether the series applies to the installed linux-source-6.12
#
# SERIES_CHECK_DRY_RUN=1 prints the build stage's commands instead of running them.
# Ends with "N passed, N failed" (stages); exits 1 if any stage failed.
VARIANT=vm	# the series is built with the VM kernel's config (KOUT)
. "$(dirname "$0")/common.sh"

ALL_STAGES=drift,fixup,checkpatch,build,cover,base
STAGES=${SERIES_CHECK_STAGES:-$ALL_STAGES}
DRY_RUN=${SERIES_CHECK_DRY_RUN:-0}
WORK=$BUILD/series-check		# per-commit work tree, kbuild directories, logs
SERIES_OUT=$BUILD/series		# format-patch output (stage cover)
COVER=$TOP/docs/cover-letter.txt	# first line: subject; then a blank line and the text
CROSS_ARCHES=(arm64 riscv s390)

git_tree() { git -C "$TREE" "$@"; }

# The series' commits, oldest first; patch N is the N-th (as in ./series).
COMMITS=()
load_commits() {
	[ -e "$TREE/.git" ] || die "no work tree; run 'make tree' first"
	mapfile -t COMMITS < <(git_tree rev-list --reverse base..HEAD)
	[ ${#COMMITS[@]} -gt 0 ] || die "build/linux has no commits after tag base"
}

subject() { git_tree log -1 --format=%s "$1"; }

# ---- drift ----------------------------------------------------------------------------

stage_drift() { "$TOP/scripts/tree.sh" drift; }

# ---- fixup ----------------------------------------------------------------------------
# A later patch that rewrites what an earlier one added makes the reviewer read that code
# twice, once in a shape that does not last. Where the split does help review (a
# mechanical step kept apart from a behaviour change, say), the later patch's message
# carries, before its Signed-off-by, one trailer per rewritten patch:
#
#   Rewrites: <the earlier patch's subject>: <why the split helps review>
#    <continued on lines that start with a blank>

# "path<TAB>first<TAB>count" for each run of old lines commit $1 removes or modifies.
removed_ranges() {
	git_tree diff -U0 --no-renames --no-ext-diff --no-color --src-prefix=a/ --dst-prefix=b/ \
		"$1^" "$1" | awk '
		/^--- a\//	{ path = substr($0, 7); next }
		/^--- /		{ path = ""; next }
		/^@@ / && path != "" {
			split($2, old, ",")	# -first[,count]; count defaults to 1
			first = substr(old[1], 2); count = (2 in old) ? old[2] : 1
			if (count > 0) printf "%s\t%d\t%d\n", path, first, count
		}'
}

# The commit that added each of those lines, one sha per line (git blame at $1^).
removed_lines_origin() {
	local c=$1 path first count
	local -A ranges=()
	while IFS=$'\t' read -r path first count; do
		ranges[$path]+=" -L $first,+$count"
	done < <(removed_ranges "$c")
	for path in "${!ranges[@]}"; do
		# shellcheck disable=SC2086	# the -L options are words on purpose
		git_tree blame --porcelain ${ranges[$path]} "$c^" -- "$path" |
			awk '/^[0-9a-f]{40} [0-9]+ [0-9]+/ { print $1 }'
	done
}

# The reason commit $1 gives for rewriting the patch whose subject is $2, if any. A
# trailer may be folded over several lines (continuation lines start with a blank), to
# keep the message within checkpatch's 75 columns.
rewrite_reason() {
	local subj=$2 line
	while read -r line; do
		[ "${line#"Rewrites: $subj: "}" != "$line" ] && { echo "${line#"Rewrites: $subj: "}"; return; }
	done < <(git_tree log -1 --format=%B "$1" | git interpret-trailers --parse)
}

stage_fixup() {
	local -A index=()
	local i c sha n why bad=0 allowed=0
	for i in "${!COMMITS[@]}"; do index[${COMMITS[$i]}]=$((i + 1)); done
	for i in "${!COMMITS[@]}"; do
		c=${COMMITS[$i]}
		# "<patch K> <lines>", the earlier patches in series order.
		while read -r k n; do
			sha=${COMMITS[$((k - 1))]}
			why=$(rewrite_reason "$c" "$(subject "$sha")")
			printf 'patch %d %s rewrites %d line%s of patch %d %s' $((i + 1)) \
				"$(subject "$c")" "$n" "$([ "$n" = 1 ] || echo s)" "$k" "$(subject "$sha")"
			if [ -n "$why" ]; then
				echo " (allowed: $why)"; allowed=$((allowed + 1))
			else
				echo; bad=$((bad + 1))
			fi
		done < <(removed_lines_origin "$c" | while read -r sha; do
				# the pristine source's lines have no index
				[ -z "${index[$sha]:-}" ] || echo "${index[$sha]}"
			done | sort -n | uniq -c | awk '{ print $2, $1 }')
	done
	echo "fixup: $bad rewrites without a reason, $allowed with one (Rewrites: trailer)"
	[ "$bad" = 0 ]
}

# ---- checkpatch -----------------------------------------------------------------------

stage_checkpatch() {
	local out rc=0
	out=$("$TOP/scripts/checkpatch.sh") || rc=$?
	echo "$out"
	echo "checkpatch: $(grep -c '^BAD ' <<<"$out") patches with errors or warnings, $(grep -c '^ok ' <<<"$out") without ($(grep -c '^ok .*(checks)' <<<"$out") of them with checks)"
	return $rc
}

# ---- build ----------------------------------------------------------------------------
# One work tree (a git worktree of build/linux) checked out at each commit in turn, so
# that kbuild rebuilds only what the commit changed; objects in their own O= directories,
# never build/kbuild-vm's (built with other flags).

CCACHE=
command -v ccache >/dev/null && CCACHE="ccache "
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
CTREE=$WORK/linux

# A command, or in a dry run the command it would be; functions print their own.
run() {
	if [ "$DRY_RUN" = 1 ] && [ "$(type -t "$1")" != function ]; then
		printf '    +'; printf ' %q' "$@"; echo
	else "$@"; fi
}

# Run a build step, its output in a log (dry run: print it). Fails with the step.
step() {
	local name=$1; shift
	if [ "$DRY_RUN" = 1 ]; then run "$@"; return; fi
	local log=$WORK/logs/$name.log start=$SECONDS
	mkdir -p "$WORK/logs"
	if "$@" >"$log" 2>&1; then
		echo "    ok   $name ($((SECONDS - start)) s)"
	else
		echo "    FAIL $name ($((SECONDS - start)) s, log: $log)"
		grep -m 20 -E 'error|warning' "$log" | sed 's/^/        /'
		return 1
	fi
}

cross_compile() {
	case $1 in
	arm64) echo aarch64-linux-gnu- ;;
	riscv) echo riscv64-linux-gnu- ;;
	s390) echo s390x-linux-gnu- ;;
	esac
}

# The options the series' code depends on, on top of each arch's defconfig; Kconfig
# drops those an arch cannot have (ftrace direct calls, live patching), which is what a
# maintainer's build of that arch gets too.
CROSS_OPTIONS=(BPF_SYSCALL BPF_JIT BPF_EVENTS FTRACE FUNCTION_TRACER DYNAMIC_FTRACE
	FPROBE KPROBES KPROBE_EVENTS FUNCTION_ERROR_INJECTION BPF_KPROBE_OVERRIDE
	DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT DEBUG_INFO_BTF LIVEPATCH CGROUP_BPF)

configure_cross() {
	local arch=$1 out=$WORK/kbuild-$1 opts=() o
	[ -f "$out/.config" ] && [ "$(cat "$out/.options" 2>/dev/null)" = "${CROSS_OPTIONS[*]}" ] && return
	for o in "${CROSS_OPTIONS[@]}"; do opts+=(--enable "$o"); done
	step "config-$arch" cmake "$arch" defconfig &&
	step "options-$arch" run "$CTREE/scripts/config" --file "$out/.config" "${opts[@]}" &&
	step "olddefconfig-$arch" cmake "$arch" olddefconfig || return 1
	[ "$DRY_RUN" = 1 ] || echo "${CROSS_OPTIONS[*]}" >"$out/.options"
}

# make in the per-commit tree for an arch (x86 = the VM kernel) with -Werror.
cmake() {
	local arch=$1; shift
	if [ "$arch" = x86 ]; then
		run make -C "$CTREE" O="$WORK/kbuild-vm" CC="${CCACHE}gcc" -j"$JOBS" KCFLAGS=-Werror "$@"
	else
		local cross; cross=$(cross_compile "$arch")
		# -g0 (KCFLAGS comes last): debug info changes nothing of what compiles or
		# warns, and only slows these object-only builds down. s390 hands the
		# assembler the source tree's absolute path (-Wa,-I), which CCACHE_BASEDIR
		# does not rewrite: hashed, it makes a clone in another directory miss on
		# every s390 object. ccache never hashes what the assembler includes, so
		# the option tells it only where.
		run env CCACHE_IGNOREOPTIONS='-Wa,-I*' make -C "$CTREE" O="$WORK/kbuild-$arch" \
			ARCH="$arch" CROSS_COMPILE="$cross" CC="${CCACHE}${cross}gcc" -j"$JOBS" \
			KCFLAGS="-Werror -g0" "$@"
	fi
}

# The VM kernel's config (build/kbuild-vm/.config, made as make build makes it), refreshed
# when it changes.
configure_vm() {
	local out=$WORK/kbuild-vm
	run env KERNEL=config "$TOP/scripts/build.sh" || return 1
	cmp -s "$KOUT/.config" "$out/.config.vm" && return
	run mkdir -p "$out"
	run cp "$KOUT/.config" "$out/.config"
	step config-vm cmake x86 olddefconfig || return 1
	run cp "$KOUT/.config" "$out/.config.vm"
}

# Kernel directories of commit $1's C files for arch $2 (x86: none, vmlinux covers them);
# a commit that changes a header gets every directory the series touches (the headers'
# users that matter here).
touched_dirs() {
	local range=$1 arch=$2
	git_tree diff --name-only "$range" -- '*.c' '*.h' | awk -v arch="$arch" '
		/^tools\// || /^Documentation\// { next }
		/^arch\// { split($0, p, "/"); if (p[2] != arch) next }
		/\.h$/ { print "HEADER"; next }
		{ sub(/[^\/]*$/, ""); print }' | sort -u
}

cross_dirs() {
	local c=$1 arch=$2 dirs
	dirs=$(touched_dirs "$c^..$c" "$arch")
	grep -qx HEADER <<<"$dirs" && dirs=$(touched_dirs "base..HEAD" "$arch")
	grep -vx HEADER <<<"$dirs" || true
}

touches() { [ -n "$(git_tree diff --name-only "$1^" "$1" -- "${@:2}")" ]; }

# What a commit's build depends on besides its tree: the configs and the compilers. A
# tree built with the same ones before (say, before a rebase that changed only later
# patches, or only messages) is not built again; SERIES_CHECK_REBUILD=1 builds all.
build_key() {
	local arch
	{
		cat "$WORK/kbuild-vm/.config"
		for arch in "${CROSS_ARCHES[@]}"; do cat "$WORK/kbuild-$arch/.config"; done
		gcc --version | head -n 1
		for arch in "${CROSS_ARCHES[@]}"; do "$(cross_compile "$arch")gcc" --version | head -n 1; done
	} | sha1sum | cut -d' ' -f1
}
BUILT=$WORK/built	# one file per tree built, named by its hash, holding the key

# The VM kernel in kbuild-vm is of the last commit it was built at; vmlinux is built
# again when commit $1's kernel source (all but tools/) differs from that one's.
vmlinux_current() {
	local last
	last=$(cat "$WORK/kbuild-vm/.series-check-commit" 2>/dev/null) || return 1
	git_tree diff --quiet "$last" "$1" -- . ':!tools' 2>/dev/null
}

build_commit() {
	local n=$1 c=$2 key=$3 tag arch dirs tree rc=0
	tag=$(printf '%02d' "$n")
	tree=$(git_tree rev-parse "$c^{tree}")
	if [ "$DRY_RUN" != 1 ] && [ "${SERIES_CHECK_REBUILD:-0}" != 1 ] &&
	   [ "$(cat "$BUILT/$tree" 2>/dev/null)" = "$key" ]; then
		echo "  patch $n $(subject "$c"): tree ${tree:0:12} built before, same configs and compilers"
		return
	fi
	echo "  patch $n $(subject "$c")"
	run git -C "$CTREE" checkout -q --detach "$c"
	if ! vmlinux_current "$c"; then
		# No commit named while kbuild-vm is in between: a stopped build leaves none.
		run rm -f "$WORK/kbuild-vm/.series-check-commit"
		if step "$tag-vmlinux" cmake x86 vmlinux; then
			run eval 'echo "$c" >"$WORK/kbuild-vm/.series-check-commit"'
		else
			rc=1
		fi
	fi
	if touches "$c" tools/lib/bpf tools/include; then
		step "$tag-libbpf" run make -C "$CTREE/tools/lib/bpf" OUTPUT="$WORK/tools/libbpf/" \
			-j"$JOBS" || rc=1
	fi
	if touches "$c" tools/lib/bpf tools/include tools/bpf/bpftool; then
		# vmlinux of this commit for the skeletons; without LLVM and libbfd, as build.sh.
		step "$tag-bpftool" run make -C "$CTREE/tools/bpf/bpftool" OUTPUT="$WORK/tools/bpftool/" \
			-j"$JOBS" EXTRA_CFLAGS=-Werror VMLINUX_BTF="$WORK/kbuild-vm/vmlinux" \
			feature-llvm=0 feature-libbfd=0 feature-libbfd-liberty=0 \
			feature-libbfd-liberty-z=0 || rc=1
	fi
	for arch in "${CROSS_ARCHES[@]}"; do
		dirs=$(cross_dirs "$c" "$arch")
		[ -n "$dirs" ] || continue
		# shellcheck disable=SC2086	# one make goal per directory
		step "$tag-$arch" cmake "$arch" $dirs || rc=1
	done
	[ $rc = 0 ] && [ "$DRY_RUN" != 1 ] && mkdir -p "$BUILT" && echo "$key" >"$BUILT/$tree"
	return $rc
}

stage_build() {
	local i arch key= broken=()
	run "$TOP/scripts/deps.sh" series-check
	if [ ! -e "$CTREE/.git" ]; then
		run git_tree worktree prune
		run git_tree worktree add -q --detach "$CTREE" base
	fi
	configure_vm || return 1
	run mkdir -p "$WORK/tools/libbpf" "$WORK/tools/bpftool"	# tools' OUTPUT must exist
	for arch in "${CROSS_ARCHES[@]}"; do configure_cross "$arch" || return 1; done
	[ "$DRY_RUN" = 1 ] || key=$(build_key)
	for i in "${!COMMITS[@]}"; do
		build_commit $((i + 1)) "${COMMITS[$i]}" "$key" || broken+=($((i + 1)))
	done
	if [ "$DRY_RUN" = 1 ]; then echo "build: dry run, nothing built"; return; fi
	echo "build: ${#COMMITS[@]} commits, $((${#COMMITS[@]} - ${#broken[@]})) built${broken:+, failed: patches ${broken[*]}}"
	[ ${#broken[@]} = 0 ]
}

# ---- cover ----------------------------------------------------------------------------
# The series as it would be mailed, cover letter first; its subject is the first line of
# docs/cover-letter.txt, its text the rest, followed by the base the series applies to
# (format-patch adds the shortlog and the diffstat).

stage_cover() {
	[ -s "$COVER" ] || { echo "cover: $COVER is missing"; return 1; }
	local subj letter
	subj=$(head -n 1 "$COVER")
	rm -rf "$SERIES_OUT"
	git_tree format-patch -q --cover-letter --signoff --no-signature --abbrev=12 \
		-o "$SERIES_OUT" base..HEAD
	letter=$SERIES_OUT/0000-cover-letter.patch
	# The text and the subject replace format-patch's placeholders (the subject keeps
	# the "[PATCH 00/NN]" prefix).
	awk -v subj="$subj" -v body="$COVER" -v base="$DEBIAN_SOURCE_PACKAGE $DEBIAN_SOURCE_VERSION" '
		/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subj) }
		/^\*\*\* BLURB HERE \*\*\*$/ {
			getline line < body		# the subject line
			getline line < body		# the blank line after it
			while ((getline line < body) > 0) print line
			print ""
			print "The series applies to Debian'"'"'s " base " (base.conf)."
			next
		}
		{ print }' "$letter" >"$letter.tmp" && mv "$letter.tmp" "$letter"
	if grep -q '\*\*\* .* HERE \*\*\*' "$letter"; then
		echo "cover: placeholders left in $letter"; return 1
	fi
	echo "cover: $(find "$SERIES_OUT" -name '*.patch' | wc -l) files in ${SERIES_OUT#"$TOP"/}/:"
	sed -n 's/^Subject: /    /p' "$letter"
}

# ---- base -----------------------------------------------------------------------------
# base.conf names the Debian version the series was last built and tested on; Debian's
# linux-source-6.12 moves on. Apply the series, as tree.sh does (git apply, no three-way
# merge), to the installed tarball's source. The unpacked source is kept for the next
# run (unpacking takes a minute, removing it as long): the patches are taken off again
# in reverse, and it is unpacked anew when the tarball changes.

stage_base() {
	local have made dir stamp want p start applied=() i rc=0
	have=$(dpkg-query -W -f='${Version}' "$DEBIAN_SOURCE_PACKAGE" 2>/dev/null || true)
	made=$(git_tree log -1 --format=%s base | awk '{ print $3 }')
	echo "base.conf (last built and tested): $DEBIAN_SOURCE_VERSION"
	echo "installed $DEBIAN_SOURCE_PACKAGE:    ${have:-none}"
	echo "build/linux's base made from:     $made"
	[ -f "$DEBIAN_SOURCE_TARBALL" ] || { echo "base: $DEBIAN_SOURCE_TARBALL missing"; return 1; }
	dir=$WORK/installed
	stamp=$dir/.git/series-check-tarball
	want="$have $(stat -c '%s %Y' "$DEBIAN_SOURCE_TARBALL")"
	if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
		start=$SECONDS
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -xaf "$DEBIAN_SOURCE_TARBALL" -C "$dir" --strip-components=1
		# An empty repository, so that git apply works on this directory and not on a
		# repository around it (build/ is inside the project's).
		git -C "$dir" init -q
		echo "$want" >"$stamp"
		echo "unpacked the installed source in $((SECONDS - start)) s"
	fi
	start=$SECONDS
	while read -r p; do
		if ! git -C "$dir" apply "$TOP/$p" 2>"$WORK/apply.log"; then
			sed 's/^/    /' "$WORK/apply.log"
			echo "base: $p does not apply to the installed $have"
			rc=1
			break
		fi
		applied+=("$p")
	done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/series")
	[ $rc = 0 ] && echo "applied the series in $((SECONDS - start)) s"
	for ((i = ${#applied[@]} - 1; i >= 0; i--)); do
		git -C "$dir" apply -R "$TOP/${applied[$i]}" || { rm -f "$stamp"; break; }
	done
	[ $rc = 0 ] || return 1
	if [ "$have" = "$DEBIAN_SOURCE_VERSION" ]; then
		echo "base: the series applies to the installed $have, the version it was tested on"
	else
		echo "base: the series applies to the installed $have; it was last built and tested on $DEBIAN_SOURCE_VERSION (base.conf)"
	fi
}

# ---- main -----------------------------------------------------------------------------

run_stages() {
	local stage passed=0 failed=0 start
	for stage in ${STAGES//,/ }; do
		[[ ",$ALL_STAGES," == *",$stage,"* ]] || die "unknown stage '$stage' (stages: $ALL_STAGES)"
	done
	load_commits
	for stage in ${STAGES//,/ }; do
		start=$SECONDS
		echo "==> $stage"
		if "stage_$stage"; then
			echo "==> $stage: PASS ($((SECONDS - start)) s)"; passed=$((passed + 1))
		else
			echo "==> $stage: FAIL ($((SECONDS - start)) s)"; failed=$((failed + 1))
		fi
	done
	echo "series-check: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

run_stages
