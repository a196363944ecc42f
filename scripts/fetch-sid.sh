#!/bin/sh
# Download one package from Debian sid into DIR, leaving the machine's apt setup alone:
# the machine's own mirror with the suite changed to sid, in a private apt state (lists
# and cache in DIR). Mainline's sources and headers come from there (base.conf).
#
# usage: fetch-sid.sh PACKAGE VERSION DIR	prints the path of the .deb
# VERSION, or sid's current one with a warning if sid has moved on.
set -eu
[ $# = 3 ] || { echo "usage: $0 PACKAGE VERSION DIR" >&2; exit 2; }
pkg=$1 want=$2 dir=$3

uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
[ -n "$uri" ] || uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' \
	/etc/apt/sources.list 2>/dev/null | head -n1)
[ -n "$uri" ] || { echo "$0: no Debian mirror in the machine's apt sources" >&2; exit 1; }
mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
echo "deb $uri sid main" >"$dir/sources.list"
set -- -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
	-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" \
	-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
# as root, apt downloads as _apt, who can't write to a private directory
[ "$(id -u)" != 0 ] || set -- "$@" -o APT::Sandbox::User=root
echo "fetching $pkg from $uri sid" >&2
apt-get "$@" -qq update >&2
if ! (cd "$dir" && apt-get "$@" -qq download "$pkg=$want" >&2 2>/dev/null); then
	echo "warning: sid no longer has $pkg $want (base.conf); taking sid's" >&2
	(cd "$dir" && apt-get "$@" -qq download "$pkg" >&2)
fi
ls "$dir/$pkg"_*.deb
