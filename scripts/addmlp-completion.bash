# Tab completion for addmlp in bash: `source scripts/addmlp-completion.bash` (add it to ~/.bashrc).
# System.CommandLine answers completion requests itself through its [suggest:POSITION] directive, so
# no extra tool is needed: this asks addmlp for the words that fit the command line so far.
_addmlp_complete() {
  local line=${COMP_LINE#* }                     # the command line without the program's name
  local point=$(( COMP_POINT - ${#COMP_LINE} + ${#line} ))
  local IFS=$'\n'
  COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${point}]" "${line}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
}
complete -o default -F _addmlp_complete addmlp
