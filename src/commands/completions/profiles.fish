
# Profile names, read from the config at completion time (`authctl config names`, which
# prints nothing on any error), honouring --config and AUTHCTL_CONFIG.
function __fish_authctl_profiles
    set -l words (commandline -opc)
    set -l config
    set -l take 0
    for w in $words
        if test $take = 1
            set config --config $w
            set take 0
        else if test "$w" = --config
            set take 1
        else if string match -q -- '--config=*' $w
            set config $w
        end
    end
    command authctl $config config names 2>/dev/null
end

# Whether the word being completed is a command's PROFILE: only options so far after
# the command (and after `secret`'s set|delete|status), and no `--`.
function __fish_authctl_wants_profile
    set -l words (commandline -opc)
    set -e words[1]
    set -l value 0
    set -l seen 0
    for w in $words
        if test $value = 1
            set value 0
            continue
        end
        switch $w
            case --
                return 1
            case --config --timeout --format --min-ttl --env --file --profile
                set value 1
            case '-*'
            case '*'
                set seen (math $seen + 1)
        end
    end
    set -l want 1
    contains -- secret $words; and set want 2
    test $seen -eq $want
end

complete -c authctl -n "__fish_authctl_using_subcommand token inspect exec curl watch logout status; and __fish_authctl_wants_profile" -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from set delete status; and __fish_authctl_wants_profile" -f -a "(__fish_authctl_profiles)"
