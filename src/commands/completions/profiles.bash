
# Profile names, read from the config at completion time (`authctl config names`, which
# prints nothing on any error), honouring --config and AUTHCTL_CONFIG.
_authctl_profiles() {
    local i config=()
    for (( i = 1; i < COMP_CWORD; i++ )); do
        case "${COMP_WORDS[i]}" in
            --config)
                if [[ "${COMP_WORDS[i+1]}" == "=" ]]; then
                    config=(--config "${COMP_WORDS[i+2]}")
                else
                    config=(--config "${COMP_WORDS[i+1]}")
                fi
                ;;
        esac
    done
    "${COMP_WORDS[0]}" "${config[@]}" config names 2>/dev/null
}

# Completes a profile name where one goes (`authctl token <TAB>`, `--profile <TAB>`);
# everything else as clap's `_authctl` does.
_authctl_with_profiles() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" word cmd="" sub="" value=0 words=0 i
    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [[ "$prev" == "=" && COMP_CWORD -gt 1 ]]; then
        prev="${COMP_WORDS[COMP_CWORD-2]}"
    fi
    if [[ "$prev" == --profile ]]; then
        COMPREPLY=( $(compgen -W "$(_authctl_profiles)" -- "$cur") )
        return 0
    fi
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word="${COMP_WORDS[i]}"
        if (( value )); then
            value=0
            [[ "$word" == "=" ]] && value=1
            continue
        fi
        case "$word" in
            --) _authctl "$@"; return ;;
            --config|--timeout|--format|--min-ttl|--env|--file|--profile|--installation|--app-id|--wait|--port) value=1 ;;
            -*) ;;
            *)
                if [[ -z "$cmd" ]]; then
                    cmd="$word"
                elif [[ "$cmd" == secret && -z "$sub" ]]; then
                    sub="$word"
                else
                    words=$((words + 1))
                fi
                ;;
        esac
    done
    case "$cmd,$sub" in
        token,|inspect,|exec,|curl,|watch,|logout,|status,|secret,set|secret,delete|secret,status)
            if (( words == 0 )) && [[ "$cur" != -* ]]; then
                COMPREPLY=( $(compgen -W "$(_authctl_profiles)" -- "$cur") )
                return 0
            fi
            ;;
    esac
    _authctl "$@"
}
