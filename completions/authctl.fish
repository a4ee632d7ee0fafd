# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_authctl_global_optspecs
    string join \n config= v/verbose q/quiet timeout= h/help V/version
end

function __fish_authctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_authctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_authctl_using_subcommand
    set -l cmd (__fish_authctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c authctl -n "__fish_authctl_needs_command" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_needs_command" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_needs_command" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_needs_command" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_needs_command" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "token" -d 'Print a valid token for a profile: cached, refreshed, or from a new login'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "inspect" -d 'Decode a profile\'s token (or one read from stdin with `-`) and show its expiry'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "secret" -d 'Store, delete or locate a profile\'s secret (never prints it)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "logout" -d 'Drop the cached tokens and refresh tokens of a profile'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "config" -d 'Show, check or create the config file'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "status" -d 'Show every profile (or one): its provider, cached token, expiry, whether it can be renewed, and where its secret would come from. No network'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "doctor" -d 'Check the setup and say what to fix: config, cache directory, keyring, each profile\'s secret and grant, the clock. Exit 0 only when all is well. No network'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "exec" -d 'Run a command with the profile\'s token in its environment (never in any argv)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "curl" -d 'Run curl with the profile\'s headers, handed over a pipe (never in curl\'s argv)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "watch" -d 'Keep a file holding a fresh token, renewed before it expires, until stopped'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "proxy" -d 'Serve the profile\'s API locally, adding its token to every request: the programs that use the API never see a token'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "demo" -d 'Run every provider\'s flow against a built-in sandbox, offline'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "midigator" -d 'Midigator: request a bearer token from POST /auth'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "midway" -d 'MidwayPlus: developer login, installations, installation tokens, browser sign-in'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "mediroutes" -d 'MediRoutes: password grant and refresh token'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "nugios" -d 'Nugios: login and refresh token'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "oauth2" -d 'OAuth2 client credentials: request a token from the token endpoint'
complete -c authctl -n "__fish_authctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand token" -l profile -d 'The profile, named as the provider subcommands take it (instead of PROFILE)' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand token" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand token" -l min-ttl -d 'Renew unless the cached token has at least this long to live (e.g. 10m)' -r
complete -c authctl -n "__fish_authctl_using_subcommand token" -l rejected -d 'Read a token the API refused from stdin: renew it if it is still the cached one, else print the current one' -r -f -a "-\t''"
complete -c authctl -n "__fish_authctl_using_subcommand token" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand token" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand token" -l secret-stdin -d 'Read the secret from the first line of stdin'
complete -c authctl -n "__fish_authctl_using_subcommand token" -l json -d 'Print JSON: short for --format json'
complete -c authctl -n "__fish_authctl_using_subcommand token" -l force-refresh -d 'Skip the cached access token (a stored refresh token is still used, then the secret)'
complete -c authctl -n "__fish_authctl_using_subcommand token" -l no-cache -d 'Neither read nor write the cache; log in with the secret'
complete -c authctl -n "__fish_authctl_using_subcommand token" -l no-open -d 'A browser sign-in opens no browser; it prints the URL to visit'
complete -c authctl -n "__fish_authctl_using_subcommand token" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand token" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand token" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand inspect" -l profile -d 'The same as PROFILE, named as the provider subcommands take it' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand inspect" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand inspect" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand inspect" -l json -d 'Print JSON'
complete -c authctl -n "__fish_authctl_using_subcommand inspect" -l secret-stdin -d 'Read the secret from the first line of stdin (when a new token is needed)'
complete -c authctl -n "__fish_authctl_using_subcommand inspect" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand inspect" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -f -a "set" -d 'Store a profile\'s secret in the OS keyring (prompts without echo)'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -f -a "delete" -d 'Delete a profile\'s secret from the OS keyring'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -f -a "status" -d 'Say where the profile\'s secret would come from (never its value)'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and not __fish_seen_subcommand_from set delete status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from set" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from set" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from set" -l stdin -d 'Read the secret from the first line of stdin instead of prompting'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from delete" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from delete" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from status" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from status" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "set" -d 'Store a profile\'s secret in the OS keyring (prompts without echo)'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a profile\'s secret from the OS keyring'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "status" -d 'Say where the profile\'s secret would come from (never its value)'
complete -c authctl -n "__fish_authctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand logout" -l profile -d 'The same as PROFILE, named as the provider subcommands take it' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand logout" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand logout" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand logout" -l all -d 'Every profile'
complete -c authctl -n "__fish_authctl_using_subcommand logout" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand logout" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand logout" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand logout" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -f -a "path" -d 'Print the config file\'s path'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -f -a "check" -d 'Validate the config file'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -f -a "init" -d 'Write a commented starter config (never overwrites)'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -f -a "names" -d 'The profile names, one a line, for shell completion; nothing on any error'
complete -c authctl -n "__fish_authctl_using_subcommand config; and not __fish_seen_subcommand_from path check init names help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from path" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from check" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from init" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from init" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from init" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from names" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from names" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from names" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from names" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from names" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from names" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file\'s path'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate the config file'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented starter config (never overwrites)'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "names" -d 'The profile names, one a line, for shell completion; nothing on any error'
complete -c authctl -n "__fish_authctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand status" -l profile -d 'The same as PROFILE, named as the provider subcommands take it' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand status" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand status" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand status" -l json -d 'Print a JSON array'
complete -c authctl -n "__fish_authctl_using_subcommand status" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand status" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand status" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand status" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand doctor" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand doctor" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand doctor" -l json -d 'Print {"ok": …, "checks": [{"name", "status", "detail", "fix"}]}'
complete -c authctl -n "__fish_authctl_using_subcommand doctor" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand doctor" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand exec" -l profile -d 'The same as PROFILE, named as the provider subcommands take it' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand exec" -l env -d 'The variable that holds the token' -r
complete -c authctl -n "__fish_authctl_using_subcommand exec" -l min-ttl -d 'Renew unless the cached token has at least this long to live (e.g. 10m)' -r
complete -c authctl -n "__fish_authctl_using_subcommand exec" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand exec" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand exec" -l secret-stdin -d 'Read the secret from the first line of stdin (when a new token is needed)'
complete -c authctl -n "__fish_authctl_using_subcommand exec" -l proxy -d 'Give the child no token but AUTHCTL_API_URL: a proxy on 127.0.0.1 to the profile\'s api_url that adds the token, for as long as the child runs'
complete -c authctl -n "__fish_authctl_using_subcommand exec" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand exec" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand exec" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand exec" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand curl" -l profile -d 'The same as PROFILE, named as the provider subcommands take it' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand curl" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand curl" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand curl" -l secret-stdin -d 'Read the secret from the first line of stdin (when a new token is needed)'
complete -c authctl -n "__fish_authctl_using_subcommand curl" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand curl" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand curl" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand curl" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand watch" -l profile -d 'The same as PROFILE, named as the provider subcommands take it' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand watch" -l file -d 'The file to keep the token in (written 0600, replaced atomically)' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand watch" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand watch" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand watch" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand watch" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand watch" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand watch" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -l profile -d 'The same as PROFILE, named as the provider subcommands take it' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -l listen -d 'Listen on a loopback TCP address (port 0: any) instead of a unix socket; the first line of stdout is then the base URL, with a random key in its path' -r
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -l socket -d 'The unix socket to listen on, in a directory of yours that no one else may write [default: authctl/proxy-PROFILE.sock in the runtime directory, else the cache directory]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -l upstream -d 'The API to forward to [default: the profile\'s api_url]' -r
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand proxy" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand demo" -l port -d 'The sandbox\'s port with --serve [default: any free port]' -r
complete -c authctl -n "__fish_authctl_using_subcommand demo" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand demo" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand demo" -l serve -d 'Keep the sandbox running and print a config for it, until Ctrl-C'
complete -c authctl -n "__fish_authctl_using_subcommand demo" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand demo" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand demo" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand demo" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand completions" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand completions" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand completions" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand completions" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand man" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand man" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand man" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand man" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and not __fish_seen_subcommand_from auth help" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and not __fish_seen_subcommand_from auth help" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and not __fish_seen_subcommand_from auth help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and not __fish_seen_subcommand_from auth help" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and not __fish_seen_subcommand_from auth help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and not __fish_seen_subcommand_from auth help" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and not __fish_seen_subcommand_from auth help" -f -a "auth" -d 'Request a new bearer token with the API secret, cache and print it'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and not __fish_seen_subcommand_from auth help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from auth" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from auth" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from auth" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from auth" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from auth" -l secret-stdin -d 'Read the secret from the first line of stdin'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from auth" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from auth" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from auth" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from auth" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from help" -f -a "auth" -d 'Request a new bearer token with the API secret, cache and print it'
complete -c authctl -n "__fish_authctl_using_subcommand midigator; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -f -a "login" -d 'Log in with the password and print the developer token (kept for the other commands)'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -f -a "installations" -d 'List the installations of your apps'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -f -a "token" -d 'Print a token for one installation (cached per installation)'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -f -a "browser" -d 'Sign in through the browser: listen on the profile\'s return_url for the redirect'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and not __fish_seen_subcommand_from login installations token browser help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from login" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from login" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from login" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from login" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from login" -l secret-stdin -d 'Read the secret from the first line of stdin'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from login" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from login" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from login" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from installations" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from installations" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from installations" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from installations" -l json -d 'Print the API\'s JSON array instead of a table'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from installations" -l secret-stdin -d 'Read the password from the first line of stdin (when a login is needed)'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from installations" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from installations" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from installations" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from installations" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -l installation -d 'Installation ID [default: the profile\'s `installation`]' -r
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -l secret-stdin -d 'Read the secret from the first line of stdin'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from token" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -l app-id -d 'App ID [default: the profile\'s `app_id`]' -r
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -l wait -d 'How long to wait for the redirect' -r
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -l no-open -d 'Do not open a browser; only print the URL to visit'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from browser" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from help" -f -a "login" -d 'Log in with the password and print the developer token (kept for the other commands)'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from help" -f -a "installations" -d 'List the installations of your apps'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from help" -f -a "token" -d 'Print a token for one installation (cached per installation)'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from help" -f -a "browser" -d 'Sign in through the browser: listen on the profile\'s return_url for the redirect'
complete -c authctl -n "__fish_authctl_using_subcommand midway; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and not __fish_seen_subcommand_from login refresh help" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and not __fish_seen_subcommand_from login refresh help" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and not __fish_seen_subcommand_from login refresh help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and not __fish_seen_subcommand_from login refresh help" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and not __fish_seen_subcommand_from login refresh help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and not __fish_seen_subcommand_from login refresh help" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and not __fish_seen_subcommand_from login refresh help" -f -a "login" -d 'Log in with the password now; cache and print the new token'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and not __fish_seen_subcommand_from login refresh help" -f -a "refresh" -d 'Renew with the stored refresh token now (never the password); cache and print'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and not __fish_seen_subcommand_from login refresh help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from login" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from login" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from login" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from login" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from login" -l secret-stdin -d 'Read the secret from the first line of stdin'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from login" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from login" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from login" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from refresh" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from refresh" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from refresh" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from refresh" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from refresh" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from refresh" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from refresh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from refresh" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from help" -f -a "login" -d 'Log in with the password now; cache and print the new token'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from help" -f -a "refresh" -d 'Renew with the stored refresh token now (never the password); cache and print'
complete -c authctl -n "__fish_authctl_using_subcommand mediroutes; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and not __fish_seen_subcommand_from login refresh help" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and not __fish_seen_subcommand_from login refresh help" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and not __fish_seen_subcommand_from login refresh help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and not __fish_seen_subcommand_from login refresh help" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and not __fish_seen_subcommand_from login refresh help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and not __fish_seen_subcommand_from login refresh help" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and not __fish_seen_subcommand_from login refresh help" -f -a "login" -d 'Log in with the password now; cache and print the new token'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and not __fish_seen_subcommand_from login refresh help" -f -a "refresh" -d 'Renew with the stored refresh token now (never the password); cache and print'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and not __fish_seen_subcommand_from login refresh help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from login" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from login" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from login" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from login" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from login" -l secret-stdin -d 'Read the secret from the first line of stdin'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from login" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from login" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from login" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from refresh" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from refresh" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from refresh" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from refresh" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from refresh" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from refresh" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from refresh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from refresh" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from help" -f -a "login" -d 'Log in with the password now; cache and print the new token'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from help" -f -a "refresh" -d 'Renew with the stored refresh token now (never the password); cache and print'
complete -c authctl -n "__fish_authctl_using_subcommand nugios; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and not __fish_seen_subcommand_from token help" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and not __fish_seen_subcommand_from token help" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and not __fish_seen_subcommand_from token help" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and not __fish_seen_subcommand_from token help" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and not __fish_seen_subcommand_from token help" -s h -l help -d 'Print help'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and not __fish_seen_subcommand_from token help" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and not __fish_seen_subcommand_from token help" -f -a "token" -d 'Request a new access token (with the client secret, or a browser or device sign-in), cache and print it'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and not __fish_seen_subcommand_from token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -l profile -d 'Profile to use [default: the only profile of this provider]' -r -f -a "(__fish_authctl_profiles)"
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -l format -d 'How to print the token' -r -f -a "raw\t'The token and a newline'
header\t'`Authorization: Bearer …` and the provider\'s other headers, one per line'
curl\t'A curl config file (`header = "…"` lines), for `curl -K`'
json\t'A JSON object with the token, its expiry and its headers'
env\t'`export AUTHCTL_TOKEN=\'…\'`'
id-token\t'The OpenID Connect ID token that came with the token (oauth2, scope `openid`)'"
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -l config -d 'Config file [default: ~/.config/authctl/config.toml]' -r -F
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -l timeout -d 'Whole-request timeout, over the profile\'s (e.g. 10s)' -r
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -l secret-stdin -d 'Read the secret from the first line of stdin'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -l no-open -d 'A browser sign-in opens no browser; it prints the URL to visit'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -s v -l verbose -d 'More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -s q -l quiet -d 'Print no warnings, only errors'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from token" -s V -l version -d 'Print version'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from help" -f -a "token" -d 'Request a new access token (with the client secret, or a browser or device sign-in), cache and print it'
complete -c authctl -n "__fish_authctl_using_subcommand oauth2; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "token" -d 'Print a valid token for a profile: cached, refreshed, or from a new login'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "inspect" -d 'Decode a profile\'s token (or one read from stdin with `-`) and show its expiry'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "secret" -d 'Store, delete or locate a profile\'s secret (never prints it)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "logout" -d 'Drop the cached tokens and refresh tokens of a profile'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "config" -d 'Show, check or create the config file'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "status" -d 'Show every profile (or one): its provider, cached token, expiry, whether it can be renewed, and where its secret would come from. No network'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "doctor" -d 'Check the setup and say what to fix: config, cache directory, keyring, each profile\'s secret and grant, the clock. Exit 0 only when all is well. No network'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "exec" -d 'Run a command with the profile\'s token in its environment (never in any argv)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "curl" -d 'Run curl with the profile\'s headers, handed over a pipe (never in curl\'s argv)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "watch" -d 'Keep a file holding a fresh token, renewed before it expires, until stopped'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "proxy" -d 'Serve the profile\'s API locally, adding its token to every request: the programs that use the API never see a token'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "demo" -d 'Run every provider\'s flow against a built-in sandbox, offline'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "completions" -d 'Print a shell completion script'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "man" -d 'Print the man page (roff)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "midigator" -d 'Midigator: request a bearer token from POST /auth'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "midway" -d 'MidwayPlus: developer login, installations, installation tokens, browser sign-in'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "mediroutes" -d 'MediRoutes: password grant and refresh token'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "nugios" -d 'Nugios: login and refresh token'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "oauth2" -d 'OAuth2 client credentials: request a token from the token endpoint'
complete -c authctl -n "__fish_authctl_using_subcommand help; and not __fish_seen_subcommand_from token inspect secret logout config status doctor exec curl watch proxy demo completions man midigator midway mediroutes nugios oauth2 help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "set" -d 'Store a profile\'s secret in the OS keyring (prompts without echo)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "delete" -d 'Delete a profile\'s secret from the OS keyring'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "status" -d 'Say where the profile\'s secret would come from (never its value)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate the config file'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "init" -d 'Write a commented starter config (never overwrites)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "names" -d 'The profile names, one a line, for shell completion; nothing on any error'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from midigator" -f -a "auth" -d 'Request a new bearer token with the API secret, cache and print it'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from midway" -f -a "login" -d 'Log in with the password and print the developer token (kept for the other commands)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from midway" -f -a "installations" -d 'List the installations of your apps'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from midway" -f -a "token" -d 'Print a token for one installation (cached per installation)'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from midway" -f -a "browser" -d 'Sign in through the browser: listen on the profile\'s return_url for the redirect'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from mediroutes" -f -a "login" -d 'Log in with the password now; cache and print the new token'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from mediroutes" -f -a "refresh" -d 'Renew with the stored refresh token now (never the password); cache and print'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from nugios" -f -a "login" -d 'Log in with the password now; cache and print the new token'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from nugios" -f -a "refresh" -d 'Renew with the stored refresh token now (never the password); cache and print'
complete -c authctl -n "__fish_authctl_using_subcommand help; and __fish_seen_subcommand_from oauth2" -f -a "token" -d 'Request a new access token (with the client secret, or a browser or device sign-in), cache and print it'

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
