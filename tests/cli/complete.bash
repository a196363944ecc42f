#!/usr/bin/bash
# Print, one per line, what bash completion offers for the last word of the command line
# "$1" (a line ending in a space completes a new, empty word). It does what readline
# does on TAB: call the function registered with "complete" for the command with
# COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set, and print its COMPREPLY.
# Several lines: TAB on each in turn in the same shell (as in an interactive session,
# where a completion may keep what it read); one output line per input line, with the
# offers sorted, each followed by a space.
# Options the function sets with compopt (e.g. nospace) go to stderr as "compopt ARGS".
# With COMPLETE_TIME set, one line is completed twice (the first TAB of a shell may fill
# caches) and what both TABs took goes to stderr.
# Needs bash-completion's main script, and bpftool's completion (BPFTOOL_COMPLETION).
[ -n "${BASH_VERSION:-}" ] || { echo "not bash" >&2; exit 1; }
. /usr/share/bash-completion/bash_completion || exit 1
. "${BPFTOOL_COMPLETION:-/usr/share/bash-completion/completions/bpftool}" || exit 1

# The builtin only works while readline runs a completion.
compopt() { echo "compopt $*" >&2; }

# Split "$1" as readline does: at blanks, and at the other COMP_WORDBREAKS characters,
# which make words of their own ("mod:func" is "mod" ":" "func"). Then call the
# completion function as readline would, and leave the time it took (ms) in $elapsed.
tab() {
	local line=$1 cmd=${1%% *} spec func breaks word kind new c i start
	spec=$(complete -p "$cmd") || { echo "no completion for $cmd" >&2; exit 1; }
	func=${spec#*-F }
	func=${func%% *}
	breaks=${COMP_WORDBREAKS//[\"\' $'\t\n']/}
	COMP_WORDS=()
	word='' kind=''
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ $c == [[:blank:]] ]]; then
			new=''
		elif [[ $breaks == *"$c"* ]]; then
			new=break
		else
			new=text
		fi
		if [ "$new" != "$kind" ] && [ -n "$word" ]; then
			COMP_WORDS+=("$word")
			word=''
		fi
		[ -n "$new" ] && word+=$c
		kind=$new
	done
	[ -n "$word" ] && COMP_WORDS+=("$word")
	[[ $line == *[[:blank:]] ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_TYPE=9	# TAB
	COMP_KEY=9
	COMPREPLY=()
	start=${EPOCHREALTIME/[.,]/}
	"$func" "$cmd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	elapsed=$(( (${EPOCHREALTIME/[.,]/} - start) / 1000 ))
}

if [ $# -gt 1 ]; then
	for line; do
		tab "$line"
		[ ${#COMPREPLY[@]} = 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
		echo
	done
	exit 0
fi
tab "$1"
if [ -n "${COMPLETE_TIME:-}" ]; then
	first=$elapsed
	tab "$1" 2>/dev/null
	echo "completion took $first ms, then $elapsed ms" >&2
fi
[ ${#COMPREPLY[@]} = 0 ] || printf '%s\n' "${COMPREPLY[@]}"
