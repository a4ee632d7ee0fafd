
# Profile names, read from the config at completion time (`authctl config names`, which
# prints nothing on any error), honouring --config and AUTHCTL_CONFIG.
(( $+functions[_authctl_profiles] )) ||
_authctl_profiles() {
    local -a all config names
    local i
    all=(${(Q)${(z)BUFFER}})
    for (( i = 1; i < ${#all}; i++ )); do
        case ${all[i]} in
            --config) config=(--config "${all[i+1]}") ;;
            --config=*) config=("${all[i]}") ;;
        esac
    done
    names=(${(f)"$(authctl "${config[@]}" config names 2>/dev/null)"})
    compadd -a names
}
