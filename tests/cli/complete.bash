#!/usr/bin/bash
# Print, one per line, what bash completion offers for the last word of the command line
# "$1" (a line ending in a space completes a new, empty word). It does what readline
# does on TAB: call the function registered with "complete" for the command with
# COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set, and print its COMPREPLY.
# Needs bash-completion's main script, and bpftool's completion (BPFTOOL_COMPLETION).
[ -n "${BASH_VERSION:-}" ] || { echo "not bash" >&2; exit 1; }
. /usr/share/bash-completion/bash_completion || exit 1
. "${BPFTOOL_COMPLETION:-/usr/share/bash-completion/completions/bpftool}" || exit 1

line=$1
cmd=${line%% *}
spec=$(complete -p "$cmd") || { echo "no completion for $cmd" >&2; exit 1; }
func=${spec#*-F }
func=${func%% *}
read -ra COMP_WORDS <<<"$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMP_TYPE=9	# TAB
COMP_KEY=9
COMPREPLY=()
"$func" "$cmd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
[ ${#COMPREPLY[@]} = 0 ] || printf '%s\n' "${COMPREPLY[@]}"
