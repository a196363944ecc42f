# Print the lines of the README's fenced code blocks whose info string's second word (as
# in "```sh quickstart:run") matches the regex ROLE, in the README's order. TAG=1 prefixes
# each line with that word and a tab. Used on the host (tests/Makefile) and in the guest.
/^```/ {
	if (fence) {
		fence = 0
		take = 0
		next
	}
	fence = 1
	word = ""
	if (split(substr($0, 4), info, " ") >= 2)
		word = info[2]
	take = word ~ ("^(" role ")$")
	next
}
take { print (tag ? word "\t" : "") $0 }
