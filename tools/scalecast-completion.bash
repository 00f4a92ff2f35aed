# SPDX-License-Identifier: GPL-3.0-or-later
# Bash completion for scalecast, read from the tool's own option tables at completion time
# (`scalecast --list-options`), so that it can never offer an option the tool does not take.
#   source tools/scalecast-completion.bash        (or install it as
#   /usr/share/bash-completion/completions/scalecast)

_scalecast_options() {
    # The tab-separated table: COMMAND NAME ALIAS KIND REPEAT.
    "${COMP_WORDS[0]}" --list-options 2>/dev/null
}

_scalecast() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
    local table
    table=$(_scalecast_options) || return 0
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        local cmds
        cmds=$(printf '%s\n' "$table" | cut -f1 | cut -d' ' -f1 | sort -u)
        mapfile -t COMPREPLY < <(compgen -W "$cmds --help --version --list-options" -- "$cur")
        return 0
    fi
    local cmd=${COMP_WORDS[1]} first=2
    local subs
    subs=$(printf '%s\n' "$table" | cut -f1 | awk -v c="$cmd" '$1 == c && NF == 2 {print $2}' | sort -u)
    if [ -n "$subs" ]; then
        if [ "$COMP_CWORD" -eq 2 ]; then
            mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
            return 0
        fi
        cmd="$cmd ${COMP_WORDS[2]}"
        first=3
    fi
    [ "$COMP_CWORD" -lt "$first" ] && return 0
    local rows
    rows=$(printf '%s\n' "$table" | awk -F'\t' -v c="$cmd" '$1 == c')
    # After an option that takes a value: a file name (most values are files or columns).
    if [[ $prev == -* ]] && printf '%s\n' "$rows" |
        awk -F'\t' -v p="$prev" '($2 == p || $3 == p) && $4 == "value" {f = 1} END {exit !f}'; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
    fi
    if [[ $cur == -* ]]; then
        local names
        names=$(printf '%s\n' "$rows" | awk -F'\t' '{print $2; if ($3 != "-") print $3}')
        mapfile -t COMPREPLY < <(compgen -W "$names" -- "$cur")
        return 0
    fi
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

complete -F _scalecast scalecast
