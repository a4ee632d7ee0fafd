#compdef authctl

autoload -U is-at-least

_authctl() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_authctl_commands" \
"*::: :->authctl" \
&& ret=0
    case $state in
    (authctl)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-command-$line[1]:"
        case $line[1] in
            (token)
_arguments "${_arguments_options[@]}" : \
'()--profile=[The profile, named as the provider subcommands take it (instead of PROFILE)]:PROFILE:_authctl_profiles' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--min-ttl=[Renew unless the cached token has at least this long to live (e.g. 10m)]:DUR:_default' \
'(--force-refresh --no-cache --secret-stdin)--rejected=[Read a token the API refused from stdin\: renew it if it is still the cached one, else print the current one]:-:(-)' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--secret-stdin[Read the secret from the first line of stdin]' \
'(--format)--json[Print JSON\: short for --format json]' \
'(--no-cache)--force-refresh[Skip the cached access token (a stored refresh token is still used, then the secret)]' \
'--no-cache[Neither read nor write the cache; log in with the secret]' \
'--no-open[A browser sign-in opens no browser; it prints the URL to visit]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::profile -- Profile name, or a provider name used by exactly one profile \[default\: $AUTHCTL_PROFILE, else default_profile, else the only profile\]:_authctl_profiles' \
&& ret=0
;;
(inspect)
_arguments "${_arguments_options[@]}" : \
'()--profile=[The same as PROFILE, named as the provider subcommands take it]:PROFILE:_authctl_profiles' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--json[Print JSON]' \
'--secret-stdin[Read the secret from the first line of stdin (when a new token is needed)]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::profile -- Profile name, or `-` to read a token (or a pasted `Authorization\: Bearer …` line) from stdin \[default\: as for `token`\]:_authctl_profiles' \
&& ret=0
;;
(secret)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_authctl__subcmd__secret_commands" \
"*::: :->secret" \
&& ret=0

    case $state in
    (secret)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-secret-command-$line[1]:"
        case $line[1] in
            (set)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--stdin[Read the secret from the first line of stdin instead of prompting]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':profile:_authctl_profiles' \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':profile:_authctl_profiles' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':profile:_authctl_profiles' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__secret__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-secret-help-command-$line[1]:"
        case $line[1] in
            (set)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(logout)
_arguments "${_arguments_options[@]}" : \
'(--all)--profile=[The same as PROFILE, named as the provider subcommands take it]:PROFILE:_authctl_profiles' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--all[Every profile]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::profile -- Profile to log out \[default\: as for `token`\]:_authctl_profiles' \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_authctl__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-config-command-$line[1]:"
        case $line[1] in
            (path)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(init)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(names)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__config__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-config-help-command-$line[1]:"
        case $line[1] in
            (path)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(init)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(names)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(status)
_arguments "${_arguments_options[@]}" : \
'()--profile=[The same as PROFILE, named as the provider subcommands take it]:PROFILE:_authctl_profiles' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--json[Print a JSON array]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::profile -- Only this profile \[default\: every profile\]:_authctl_profiles' \
&& ret=0
;;
(doctor)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--json[Print {"ok"\: …, "checks"\: \[{"name", "status", "detail", "fix"}\]}]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(exec)
_arguments "${_arguments_options[@]}" : \
'()--profile=[The same as PROFILE, named as the provider subcommands take it]:PROFILE:_authctl_profiles' \
'--env=[The variable that holds the token]:NAME:_default' \
'--min-ttl=[Renew unless the cached token has at least this long to live (e.g. 10m)]:DUR:_default' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--secret-stdin[Read the secret from the first line of stdin (when a new token is needed)]' \
'(--env)--proxy[Give the child no token but AUTHCTL_API_URL\: a proxy on 127.0.0.1 to the profile'\''s api_url that adds the token, for as long as the child runs]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::profile -- Profile name, or a provider name used by exactly one profile:_authctl_profiles' \
'*::command -- The command and its arguments, after `--`:_default' \
&& ret=0
;;
(curl)
_arguments "${_arguments_options[@]}" : \
'()--profile=[The same as PROFILE, named as the provider subcommands take it]:PROFILE:_authctl_profiles' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--secret-stdin[Read the secret from the first line of stdin (when a new token is needed)]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::profile -- Profile name, or a provider name used by exactly one profile:_authctl_profiles' \
'*::args -- curl'\''s own arguments, after `--`:_default' \
&& ret=0
;;
(watch)
_arguments "${_arguments_options[@]}" : \
'()--profile=[The same as PROFILE, named as the provider subcommands take it]:PROFILE:_authctl_profiles' \
'--file=[The file to keep the token in (written 0600, replaced atomically)]:PATH:_files' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::profile -- Profile name, or a provider name used by exactly one profile:_authctl_profiles' \
&& ret=0
;;
(proxy)
_arguments "${_arguments_options[@]}" : \
'()--profile=[The same as PROFILE, named as the provider subcommands take it]:PROFILE:_authctl_profiles' \
'(--socket)--listen=[Listen on a loopback TCP address (port 0\: any) instead of a unix socket; the first line of stdout is then the base URL, with a random key in its path]:127.0.0.1:PORT:_default' \
'--socket=[The unix socket to listen on, in a directory of yours that no one else may write \[default\: authctl/proxy-PROFILE.sock in the runtime directory, else the cache directory\]]:PATH:_files' \
'--upstream=[The API to forward to \[default\: the profile'\''s api_url\]]:URL:_default' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::profile -- Profile name, or a provider name used by exactly one profile:_authctl_profiles' \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
'--port=[The sandbox'\''s port with --serve \[default\: any free port\]]:N:_default' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--serve[Keep the sandbox running and print a config for it, until Ctrl-C]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(midigator)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_authctl__subcmd__midigator_commands" \
"*::: :->midigator" \
&& ret=0

    case $state in
    (midigator)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-midigator-command-$line[1]:"
        case $line[1] in
            (auth)
_arguments "${_arguments_options[@]}" : \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--secret-stdin[Read the secret from the first line of stdin]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__midigator__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-midigator-help-command-$line[1]:"
        case $line[1] in
            (auth)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(midway)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_authctl__subcmd__midway_commands" \
"*::: :->midway" \
&& ret=0

    case $state in
    (midway)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-midway-command-$line[1]:"
        case $line[1] in
            (login)
_arguments "${_arguments_options[@]}" : \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--secret-stdin[Read the secret from the first line of stdin]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(installations)
_arguments "${_arguments_options[@]}" : \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--json[Print the API'\''s JSON array instead of a table]' \
'--secret-stdin[Read the password from the first line of stdin (when a login is needed)]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
'--installation=[Installation ID \[default\: the profile'\''s \`installation\`\]]:ID:_default' \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--secret-stdin[Read the secret from the first line of stdin]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(browser)
_arguments "${_arguments_options[@]}" : \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--app-id=[App ID \[default\: the profile'\''s \`app_id\`\]]:ID:_default' \
'--wait=[How long to wait for the redirect]:DUR:_default' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--no-open[Do not open a browser; only print the URL to visit]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__midway__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-midway-help-command-$line[1]:"
        case $line[1] in
            (login)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(installations)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(browser)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(mediroutes)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_authctl__subcmd__mediroutes_commands" \
"*::: :->mediroutes" \
&& ret=0

    case $state in
    (mediroutes)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-mediroutes-command-$line[1]:"
        case $line[1] in
            (login)
_arguments "${_arguments_options[@]}" : \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--secret-stdin[Read the secret from the first line of stdin]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__mediroutes__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-mediroutes-help-command-$line[1]:"
        case $line[1] in
            (login)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(nugios)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_authctl__subcmd__nugios_commands" \
"*::: :->nugios" \
&& ret=0

    case $state in
    (nugios)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-nugios-command-$line[1]:"
        case $line[1] in
            (login)
_arguments "${_arguments_options[@]}" : \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--secret-stdin[Read the secret from the first line of stdin]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__nugios__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-nugios-help-command-$line[1]:"
        case $line[1] in
            (login)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(oauth2)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_authctl__subcmd__oauth2_commands" \
"*::: :->oauth2" \
&& ret=0

    case $state in
    (oauth2)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-oauth2-command-$line[1]:"
        case $line[1] in
            (token)
_arguments "${_arguments_options[@]}" : \
'--profile=[Profile to use \[default\: the only profile of this provider\]]:PROFILE:_authctl_profiles' \
'--format=[How to print the token]:FORMAT:((raw\:"The token and a newline"
header\:"\`Authorization\: Bearer …\` and the provider'\''s other headers, one per line"
curl\:"A curl config file (\`header = "…"\` lines), for \`curl -K\`"
json\:"A JSON object with the token, its expiry and its headers"
env\:"\`export AUTHCTL_TOKEN='\''…'\''\`"
id-token\:"The OpenID Connect ID token that came with the token (oauth2, scope \`openid\`)"))' \
'--config=[Config file \[default\: ~/.config/authctl/config.toml\]]:PATH:_files' \
'--timeout=[Whole-request timeout, over the profile'\''s (e.g. 10s)]:DUR:_default' \
'--secret-stdin[Read the secret from the first line of stdin]' \
'--no-open[A browser sign-in opens no browser; it prints the URL to visit]' \
'*-v[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'*--verbose[More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted]' \
'(-v --verbose)-q[Print no warnings, only errors]' \
'(-v --verbose)--quiet[Print no warnings, only errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__oauth2__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-oauth2-help-command-$line[1]:"
        case $line[1] in
            (token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-help-command-$line[1]:"
        case $line[1] in
            (token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(inspect)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(secret)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__help__subcmd__secret_commands" \
"*::: :->secret" \
&& ret=0

    case $state in
    (secret)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-help-secret-command-$line[1]:"
        case $line[1] in
            (set)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(logout)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__help__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-help-config-command-$line[1]:"
        case $line[1] in
            (path)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(init)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(names)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(doctor)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(exec)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(curl)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(watch)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(proxy)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(midigator)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__help__subcmd__midigator_commands" \
"*::: :->midigator" \
&& ret=0

    case $state in
    (midigator)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-help-midigator-command-$line[1]:"
        case $line[1] in
            (auth)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(midway)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__help__subcmd__midway_commands" \
"*::: :->midway" \
&& ret=0

    case $state in
    (midway)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-help-midway-command-$line[1]:"
        case $line[1] in
            (login)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(installations)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(browser)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(mediroutes)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__help__subcmd__mediroutes_commands" \
"*::: :->mediroutes" \
&& ret=0

    case $state in
    (mediroutes)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-help-mediroutes-command-$line[1]:"
        case $line[1] in
            (login)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(nugios)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__help__subcmd__nugios_commands" \
"*::: :->nugios" \
&& ret=0

    case $state in
    (nugios)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-help-nugios-command-$line[1]:"
        case $line[1] in
            (login)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(oauth2)
_arguments "${_arguments_options[@]}" : \
":: :_authctl__subcmd__help__subcmd__oauth2_commands" \
"*::: :->oauth2" \
&& ret=0

    case $state in
    (oauth2)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:authctl-help-oauth2-command-$line[1]:"
        case $line[1] in
            (token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_authctl_commands] )) ||
_authctl_commands() {
    local commands; commands=(
'token:Print a valid token for a profile\: cached, refreshed, or from a new login' \
'inspect:Decode a profile'\''s token (or one read from stdin with \`-\`) and show its expiry' \
'secret:Store, delete or locate a profile'\''s secret (never prints it)' \
'logout:Drop the cached tokens and refresh tokens of a profile' \
'config:Show, check or create the config file' \
'status:Show every profile (or one)\: its provider, cached token, expiry, whether it can be renewed, and where its secret would come from. No network' \
'doctor:Check the setup and say what to fix\: config, cache directory, keyring, each profile'\''s secret and grant, the clock. Exit 0 only when all is well. No network' \
'exec:Run a command with the profile'\''s token in its environment (never in any argv)' \
'curl:Run curl with the profile'\''s headers, handed over a pipe (never in curl'\''s argv)' \
'watch:Keep a file holding a fresh token, renewed before it expires, until stopped' \
'proxy:Serve the profile'\''s API locally, adding its token to every request\: the programs that use the API never see a token' \
'demo:Run every provider'\''s flow against a built-in sandbox, offline' \
'completions:Print a shell completion script' \
'man:Print the man page (roff)' \
'midigator:Midigator\: request a bearer token from POST /auth' \
'midway:MidwayPlus\: developer login, installations, installation tokens, browser sign-in' \
'mediroutes:MediRoutes\: password grant and refresh token' \
'nugios:Nugios\: login and refresh token' \
'oauth2:OAuth2 client credentials\: request a token from the token endpoint' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl commands' commands "$@"
}
(( $+functions[_authctl__subcmd__completions_commands] )) ||
_authctl__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'authctl completions commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config_commands] )) ||
_authctl__subcmd__config_commands() {
    local commands; commands=(
'path:Print the config file'\''s path' \
'check:Validate the config file' \
'init:Write a commented starter config (never overwrites)' \
'names:The profile names, one a line, for shell completion; nothing on any error' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl config commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__check_commands] )) ||
_authctl__subcmd__config__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'authctl config check commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__help_commands] )) ||
_authctl__subcmd__config__subcmd__help_commands() {
    local commands; commands=(
'path:Print the config file'\''s path' \
'check:Validate the config file' \
'init:Write a commented starter config (never overwrites)' \
'names:The profile names, one a line, for shell completion; nothing on any error' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl config help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__help__subcmd__check_commands] )) ||
_authctl__subcmd__config__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'authctl config help check commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__help__subcmd__help_commands] )) ||
_authctl__subcmd__config__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'authctl config help help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__help__subcmd__init_commands] )) ||
_authctl__subcmd__config__subcmd__help__subcmd__init_commands() {
    local commands; commands=()
    _describe -t commands 'authctl config help init commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__help__subcmd__names_commands] )) ||
_authctl__subcmd__config__subcmd__help__subcmd__names_commands() {
    local commands; commands=()
    _describe -t commands 'authctl config help names commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__help__subcmd__path_commands] )) ||
_authctl__subcmd__config__subcmd__help__subcmd__path_commands() {
    local commands; commands=()
    _describe -t commands 'authctl config help path commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__init_commands] )) ||
_authctl__subcmd__config__subcmd__init_commands() {
    local commands; commands=()
    _describe -t commands 'authctl config init commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__names_commands] )) ||
_authctl__subcmd__config__subcmd__names_commands() {
    local commands; commands=()
    _describe -t commands 'authctl config names commands' commands "$@"
}
(( $+functions[_authctl__subcmd__config__subcmd__path_commands] )) ||
_authctl__subcmd__config__subcmd__path_commands() {
    local commands; commands=()
    _describe -t commands 'authctl config path commands' commands "$@"
}
(( $+functions[_authctl__subcmd__curl_commands] )) ||
_authctl__subcmd__curl_commands() {
    local commands; commands=()
    _describe -t commands 'authctl curl commands' commands "$@"
}
(( $+functions[_authctl__subcmd__demo_commands] )) ||
_authctl__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'authctl demo commands' commands "$@"
}
(( $+functions[_authctl__subcmd__doctor_commands] )) ||
_authctl__subcmd__doctor_commands() {
    local commands; commands=()
    _describe -t commands 'authctl doctor commands' commands "$@"
}
(( $+functions[_authctl__subcmd__exec_commands] )) ||
_authctl__subcmd__exec_commands() {
    local commands; commands=()
    _describe -t commands 'authctl exec commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help_commands] )) ||
_authctl__subcmd__help_commands() {
    local commands; commands=(
'token:Print a valid token for a profile\: cached, refreshed, or from a new login' \
'inspect:Decode a profile'\''s token (or one read from stdin with \`-\`) and show its expiry' \
'secret:Store, delete or locate a profile'\''s secret (never prints it)' \
'logout:Drop the cached tokens and refresh tokens of a profile' \
'config:Show, check or create the config file' \
'status:Show every profile (or one)\: its provider, cached token, expiry, whether it can be renewed, and where its secret would come from. No network' \
'doctor:Check the setup and say what to fix\: config, cache directory, keyring, each profile'\''s secret and grant, the clock. Exit 0 only when all is well. No network' \
'exec:Run a command with the profile'\''s token in its environment (never in any argv)' \
'curl:Run curl with the profile'\''s headers, handed over a pipe (never in curl'\''s argv)' \
'watch:Keep a file holding a fresh token, renewed before it expires, until stopped' \
'proxy:Serve the profile'\''s API locally, adding its token to every request\: the programs that use the API never see a token' \
'demo:Run every provider'\''s flow against a built-in sandbox, offline' \
'completions:Print a shell completion script' \
'man:Print the man page (roff)' \
'midigator:Midigator\: request a bearer token from POST /auth' \
'midway:MidwayPlus\: developer login, installations, installation tokens, browser sign-in' \
'mediroutes:MediRoutes\: password grant and refresh token' \
'nugios:Nugios\: login and refresh token' \
'oauth2:OAuth2 client credentials\: request a token from the token endpoint' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__completions_commands] )) ||
_authctl__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help completions commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__config_commands] )) ||
_authctl__subcmd__help__subcmd__config_commands() {
    local commands; commands=(
'path:Print the config file'\''s path' \
'check:Validate the config file' \
'init:Write a commented starter config (never overwrites)' \
'names:The profile names, one a line, for shell completion; nothing on any error' \
    )
    _describe -t commands 'authctl help config commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__config__subcmd__check_commands] )) ||
_authctl__subcmd__help__subcmd__config__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help config check commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__config__subcmd__init_commands] )) ||
_authctl__subcmd__help__subcmd__config__subcmd__init_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help config init commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__config__subcmd__names_commands] )) ||
_authctl__subcmd__help__subcmd__config__subcmd__names_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help config names commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__config__subcmd__path_commands] )) ||
_authctl__subcmd__help__subcmd__config__subcmd__path_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help config path commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__curl_commands] )) ||
_authctl__subcmd__help__subcmd__curl_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help curl commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__demo_commands] )) ||
_authctl__subcmd__help__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help demo commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__doctor_commands] )) ||
_authctl__subcmd__help__subcmd__doctor_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help doctor commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__exec_commands] )) ||
_authctl__subcmd__help__subcmd__exec_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help exec commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__help_commands] )) ||
_authctl__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__inspect_commands] )) ||
_authctl__subcmd__help__subcmd__inspect_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help inspect commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__logout_commands] )) ||
_authctl__subcmd__help__subcmd__logout_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help logout commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__man_commands] )) ||
_authctl__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help man commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__mediroutes_commands] )) ||
_authctl__subcmd__help__subcmd__mediroutes_commands() {
    local commands; commands=(
'login:Log in with the password now; cache and print the new token' \
'refresh:Renew with the stored refresh token now (never the password); cache and print' \
    )
    _describe -t commands 'authctl help mediroutes commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__mediroutes__subcmd__login_commands] )) ||
_authctl__subcmd__help__subcmd__mediroutes__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help mediroutes login commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__mediroutes__subcmd__refresh_commands] )) ||
_authctl__subcmd__help__subcmd__mediroutes__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help mediroutes refresh commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__midigator_commands] )) ||
_authctl__subcmd__help__subcmd__midigator_commands() {
    local commands; commands=(
'auth:Request a new bearer token with the API secret, cache and print it' \
    )
    _describe -t commands 'authctl help midigator commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__midigator__subcmd__auth_commands] )) ||
_authctl__subcmd__help__subcmd__midigator__subcmd__auth_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help midigator auth commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__midway_commands] )) ||
_authctl__subcmd__help__subcmd__midway_commands() {
    local commands; commands=(
'login:Log in with the password and print the developer token (kept for the other commands)' \
'installations:List the installations of your apps' \
'token:Print a token for one installation (cached per installation)' \
'browser:Sign in through the browser\: listen on the profile'\''s return_url for the redirect' \
    )
    _describe -t commands 'authctl help midway commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__midway__subcmd__browser_commands] )) ||
_authctl__subcmd__help__subcmd__midway__subcmd__browser_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help midway browser commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__midway__subcmd__installations_commands] )) ||
_authctl__subcmd__help__subcmd__midway__subcmd__installations_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help midway installations commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__midway__subcmd__login_commands] )) ||
_authctl__subcmd__help__subcmd__midway__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help midway login commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__midway__subcmd__token_commands] )) ||
_authctl__subcmd__help__subcmd__midway__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help midway token commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__nugios_commands] )) ||
_authctl__subcmd__help__subcmd__nugios_commands() {
    local commands; commands=(
'login:Log in with the password now; cache and print the new token' \
'refresh:Renew with the stored refresh token now (never the password); cache and print' \
    )
    _describe -t commands 'authctl help nugios commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__nugios__subcmd__login_commands] )) ||
_authctl__subcmd__help__subcmd__nugios__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help nugios login commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__nugios__subcmd__refresh_commands] )) ||
_authctl__subcmd__help__subcmd__nugios__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help nugios refresh commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__oauth2_commands] )) ||
_authctl__subcmd__help__subcmd__oauth2_commands() {
    local commands; commands=(
'token:Request a new access token (with the client secret, or a browser or device sign-in), cache and print it' \
    )
    _describe -t commands 'authctl help oauth2 commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__oauth2__subcmd__token_commands] )) ||
_authctl__subcmd__help__subcmd__oauth2__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help oauth2 token commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__proxy_commands] )) ||
_authctl__subcmd__help__subcmd__proxy_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help proxy commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__secret_commands] )) ||
_authctl__subcmd__help__subcmd__secret_commands() {
    local commands; commands=(
'set:Store a profile'\''s secret in the OS keyring (prompts without echo)' \
'delete:Delete a profile'\''s secret from the OS keyring' \
'status:Say where the profile'\''s secret would come from (never its value)' \
    )
    _describe -t commands 'authctl help secret commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__secret__subcmd__delete_commands] )) ||
_authctl__subcmd__help__subcmd__secret__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help secret delete commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__secret__subcmd__set_commands] )) ||
_authctl__subcmd__help__subcmd__secret__subcmd__set_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help secret set commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__secret__subcmd__status_commands] )) ||
_authctl__subcmd__help__subcmd__secret__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help secret status commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__status_commands] )) ||
_authctl__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help status commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__token_commands] )) ||
_authctl__subcmd__help__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help token commands' commands "$@"
}
(( $+functions[_authctl__subcmd__help__subcmd__watch_commands] )) ||
_authctl__subcmd__help__subcmd__watch_commands() {
    local commands; commands=()
    _describe -t commands 'authctl help watch commands' commands "$@"
}
(( $+functions[_authctl__subcmd__inspect_commands] )) ||
_authctl__subcmd__inspect_commands() {
    local commands; commands=()
    _describe -t commands 'authctl inspect commands' commands "$@"
}
(( $+functions[_authctl__subcmd__logout_commands] )) ||
_authctl__subcmd__logout_commands() {
    local commands; commands=()
    _describe -t commands 'authctl logout commands' commands "$@"
}
(( $+functions[_authctl__subcmd__man_commands] )) ||
_authctl__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'authctl man commands' commands "$@"
}
(( $+functions[_authctl__subcmd__mediroutes_commands] )) ||
_authctl__subcmd__mediroutes_commands() {
    local commands; commands=(
'login:Log in with the password now; cache and print the new token' \
'refresh:Renew with the stored refresh token now (never the password); cache and print' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl mediroutes commands' commands "$@"
}
(( $+functions[_authctl__subcmd__mediroutes__subcmd__help_commands] )) ||
_authctl__subcmd__mediroutes__subcmd__help_commands() {
    local commands; commands=(
'login:Log in with the password now; cache and print the new token' \
'refresh:Renew with the stored refresh token now (never the password); cache and print' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl mediroutes help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__mediroutes__subcmd__help__subcmd__help_commands] )) ||
_authctl__subcmd__mediroutes__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'authctl mediroutes help help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__mediroutes__subcmd__help__subcmd__login_commands] )) ||
_authctl__subcmd__mediroutes__subcmd__help__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'authctl mediroutes help login commands' commands "$@"
}
(( $+functions[_authctl__subcmd__mediroutes__subcmd__help__subcmd__refresh_commands] )) ||
_authctl__subcmd__mediroutes__subcmd__help__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'authctl mediroutes help refresh commands' commands "$@"
}
(( $+functions[_authctl__subcmd__mediroutes__subcmd__login_commands] )) ||
_authctl__subcmd__mediroutes__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'authctl mediroutes login commands' commands "$@"
}
(( $+functions[_authctl__subcmd__mediroutes__subcmd__refresh_commands] )) ||
_authctl__subcmd__mediroutes__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'authctl mediroutes refresh commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midigator_commands] )) ||
_authctl__subcmd__midigator_commands() {
    local commands; commands=(
'auth:Request a new bearer token with the API secret, cache and print it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl midigator commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midigator__subcmd__auth_commands] )) ||
_authctl__subcmd__midigator__subcmd__auth_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midigator auth commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midigator__subcmd__help_commands] )) ||
_authctl__subcmd__midigator__subcmd__help_commands() {
    local commands; commands=(
'auth:Request a new bearer token with the API secret, cache and print it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl midigator help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midigator__subcmd__help__subcmd__auth_commands] )) ||
_authctl__subcmd__midigator__subcmd__help__subcmd__auth_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midigator help auth commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midigator__subcmd__help__subcmd__help_commands] )) ||
_authctl__subcmd__midigator__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midigator help help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway_commands] )) ||
_authctl__subcmd__midway_commands() {
    local commands; commands=(
'login:Log in with the password and print the developer token (kept for the other commands)' \
'installations:List the installations of your apps' \
'token:Print a token for one installation (cached per installation)' \
'browser:Sign in through the browser\: listen on the profile'\''s return_url for the redirect' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl midway commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__browser_commands] )) ||
_authctl__subcmd__midway__subcmd__browser_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midway browser commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__help_commands] )) ||
_authctl__subcmd__midway__subcmd__help_commands() {
    local commands; commands=(
'login:Log in with the password and print the developer token (kept for the other commands)' \
'installations:List the installations of your apps' \
'token:Print a token for one installation (cached per installation)' \
'browser:Sign in through the browser\: listen on the profile'\''s return_url for the redirect' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl midway help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__help__subcmd__browser_commands] )) ||
_authctl__subcmd__midway__subcmd__help__subcmd__browser_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midway help browser commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__help__subcmd__help_commands] )) ||
_authctl__subcmd__midway__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midway help help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__help__subcmd__installations_commands] )) ||
_authctl__subcmd__midway__subcmd__help__subcmd__installations_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midway help installations commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__help__subcmd__login_commands] )) ||
_authctl__subcmd__midway__subcmd__help__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midway help login commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__help__subcmd__token_commands] )) ||
_authctl__subcmd__midway__subcmd__help__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midway help token commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__installations_commands] )) ||
_authctl__subcmd__midway__subcmd__installations_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midway installations commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__login_commands] )) ||
_authctl__subcmd__midway__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midway login commands' commands "$@"
}
(( $+functions[_authctl__subcmd__midway__subcmd__token_commands] )) ||
_authctl__subcmd__midway__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'authctl midway token commands' commands "$@"
}
(( $+functions[_authctl__subcmd__nugios_commands] )) ||
_authctl__subcmd__nugios_commands() {
    local commands; commands=(
'login:Log in with the password now; cache and print the new token' \
'refresh:Renew with the stored refresh token now (never the password); cache and print' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl nugios commands' commands "$@"
}
(( $+functions[_authctl__subcmd__nugios__subcmd__help_commands] )) ||
_authctl__subcmd__nugios__subcmd__help_commands() {
    local commands; commands=(
'login:Log in with the password now; cache and print the new token' \
'refresh:Renew with the stored refresh token now (never the password); cache and print' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl nugios help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__nugios__subcmd__help__subcmd__help_commands] )) ||
_authctl__subcmd__nugios__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'authctl nugios help help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__nugios__subcmd__help__subcmd__login_commands] )) ||
_authctl__subcmd__nugios__subcmd__help__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'authctl nugios help login commands' commands "$@"
}
(( $+functions[_authctl__subcmd__nugios__subcmd__help__subcmd__refresh_commands] )) ||
_authctl__subcmd__nugios__subcmd__help__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'authctl nugios help refresh commands' commands "$@"
}
(( $+functions[_authctl__subcmd__nugios__subcmd__login_commands] )) ||
_authctl__subcmd__nugios__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'authctl nugios login commands' commands "$@"
}
(( $+functions[_authctl__subcmd__nugios__subcmd__refresh_commands] )) ||
_authctl__subcmd__nugios__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'authctl nugios refresh commands' commands "$@"
}
(( $+functions[_authctl__subcmd__oauth2_commands] )) ||
_authctl__subcmd__oauth2_commands() {
    local commands; commands=(
'token:Request a new access token (with the client secret, or a browser or device sign-in), cache and print it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl oauth2 commands' commands "$@"
}
(( $+functions[_authctl__subcmd__oauth2__subcmd__help_commands] )) ||
_authctl__subcmd__oauth2__subcmd__help_commands() {
    local commands; commands=(
'token:Request a new access token (with the client secret, or a browser or device sign-in), cache and print it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl oauth2 help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__oauth2__subcmd__help__subcmd__help_commands] )) ||
_authctl__subcmd__oauth2__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'authctl oauth2 help help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__oauth2__subcmd__help__subcmd__token_commands] )) ||
_authctl__subcmd__oauth2__subcmd__help__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'authctl oauth2 help token commands' commands "$@"
}
(( $+functions[_authctl__subcmd__oauth2__subcmd__token_commands] )) ||
_authctl__subcmd__oauth2__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'authctl oauth2 token commands' commands "$@"
}
(( $+functions[_authctl__subcmd__proxy_commands] )) ||
_authctl__subcmd__proxy_commands() {
    local commands; commands=()
    _describe -t commands 'authctl proxy commands' commands "$@"
}
(( $+functions[_authctl__subcmd__secret_commands] )) ||
_authctl__subcmd__secret_commands() {
    local commands; commands=(
'set:Store a profile'\''s secret in the OS keyring (prompts without echo)' \
'delete:Delete a profile'\''s secret from the OS keyring' \
'status:Say where the profile'\''s secret would come from (never its value)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl secret commands' commands "$@"
}
(( $+functions[_authctl__subcmd__secret__subcmd__delete_commands] )) ||
_authctl__subcmd__secret__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'authctl secret delete commands' commands "$@"
}
(( $+functions[_authctl__subcmd__secret__subcmd__help_commands] )) ||
_authctl__subcmd__secret__subcmd__help_commands() {
    local commands; commands=(
'set:Store a profile'\''s secret in the OS keyring (prompts without echo)' \
'delete:Delete a profile'\''s secret from the OS keyring' \
'status:Say where the profile'\''s secret would come from (never its value)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'authctl secret help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__secret__subcmd__help__subcmd__delete_commands] )) ||
_authctl__subcmd__secret__subcmd__help__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'authctl secret help delete commands' commands "$@"
}
(( $+functions[_authctl__subcmd__secret__subcmd__help__subcmd__help_commands] )) ||
_authctl__subcmd__secret__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'authctl secret help help commands' commands "$@"
}
(( $+functions[_authctl__subcmd__secret__subcmd__help__subcmd__set_commands] )) ||
_authctl__subcmd__secret__subcmd__help__subcmd__set_commands() {
    local commands; commands=()
    _describe -t commands 'authctl secret help set commands' commands "$@"
}
(( $+functions[_authctl__subcmd__secret__subcmd__help__subcmd__status_commands] )) ||
_authctl__subcmd__secret__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'authctl secret help status commands' commands "$@"
}
(( $+functions[_authctl__subcmd__secret__subcmd__set_commands] )) ||
_authctl__subcmd__secret__subcmd__set_commands() {
    local commands; commands=()
    _describe -t commands 'authctl secret set commands' commands "$@"
}
(( $+functions[_authctl__subcmd__secret__subcmd__status_commands] )) ||
_authctl__subcmd__secret__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'authctl secret status commands' commands "$@"
}
(( $+functions[_authctl__subcmd__status_commands] )) ||
_authctl__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'authctl status commands' commands "$@"
}
(( $+functions[_authctl__subcmd__token_commands] )) ||
_authctl__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'authctl token commands' commands "$@"
}
(( $+functions[_authctl__subcmd__watch_commands] )) ||
_authctl__subcmd__watch_commands() {
    local commands; commands=()
    _describe -t commands 'authctl watch commands' commands "$@"
}

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

if [ "$funcstack[1]" = "_authctl" ]; then
    _authctl "$@"
else
    compdef _authctl authctl
fi
