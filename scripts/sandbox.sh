# Sourced by scripts/bench and scripts/test-dist: runs `authctl demo --serve` in the
# background and reads what it prints, in either of its two layouts:
#   - the config and the `export AUTHCTL_SECRET_…` lines together on stdout;
#   - the config alone on stdout (profile names may carry a prefix, `sandbox-mg`) and
#     the `export` lines on stderr.
# Profiles are found by their provider, not by name, and the secrets are taken from
# whichever stream has them.
#
#   sandbox_start AUTHCTL DIR   starts it; sets sandbox_pid, sandbox_url (the sandbox's
#                               origin), sandbox_config (DIR/sandbox.toml: the config
#                               alone), sandbox_mg (the Midigator profile's name) and
#                               exports every AUTHCTL_SECRET_* it printed
#   sandbox_stop                stops it

sandbox_pid=

sandbox_start() {
  local authctl=$1 dir=$2 profiles public exports line
  "$authctl" demo --serve > "$dir/serve.out" 2> "$dir/serve.err" &
  sandbox_pid=$!
  # Ready once every profile printed has its secret, but public clients, which have none
  # (the config is printed after the sandbox listens).
  for _ in $(seq 200); do
    kill -0 "$sandbox_pid" 2>/dev/null || {
      echo "authctl demo --serve exited early:" >&2
      cat "$dir/serve.out" "$dir/serve.err" >&2
      return 1
    }
    profiles=$(grep -c '^\[profiles\.' "$dir/serve.out" || true)
    public=$(grep -c '^client_auth = "none"' "$dir/serve.out" || true)
    profiles=$((profiles - public))
    exports=$(cat "$dir/serve.out" "$dir/serve.err" | grep -c "export AUTHCTL_SECRET_" || true)
    [ "$profiles" -gt 0 ] && [ "$exports" -ge "$profiles" ] && break
    sleep 0.05
  done
  [ "${profiles:-0}" -gt 0 ] && [ "${exports:-0}" -ge "$profiles" ] || {
    echo "authctl demo --serve printed no config with a secret for each profile within 10 s:" >&2
    cat "$dir/serve.out" "$dir/serve.err" >&2
    return 1
  }
  grep -v 'export AUTHCTL_SECRET_' "$dir/serve.out" > "$dir/sandbox.toml"
  sandbox_config="$dir/sandbox.toml"
  sandbox_url=$(sed -n 's/^base_url = "\(http[^"]*\)"/\1/p' "$sandbox_config" | head -n 1)
  # The section whose provider is midigator.
  sandbox_mg=$(awk '/^\[profiles\./ { name = $0; sub(/^\[profiles\./, "", name); sub(/\][[:space:]]*$/, "", name); gsub(/"/, "", name) }
    /^provider = "midigator"/ && name != "" { print name; exit }' "$sandbox_config")
  [ -n "$sandbox_url" ] && [ -n "$sandbox_mg" ] || {
    echo "authctl demo --serve: no base_url or no midigator profile in its config:" >&2
    cat "$sandbox_config" >&2
    return 1
  }
  # Only well-formed assignments are taken, whatever precedes them on the line.
  while IFS= read -r line; do
    export "${line%%=*}=${line#*=}"
  done < <(cat "$dir/serve.out" "$dir/serve.err" |
    grep -o "export AUTHCTL_SECRET_[A-Z0-9_]*='[^']*'" | sed "s/^export //; s/='\(.*\)'$/=\1/")
}

sandbox_stop() {
  [ -n "$sandbox_pid" ] || return 0
  kill "$sandbox_pid" 2>/dev/null || true
  wait "$sandbox_pid" 2>/dev/null || true
  sandbox_pid=
}

# The variable authctl reads a profile's secret from: `mg` → AUTHCTL_SECRET_MG.
sandbox_secret_var() {
  printf 'AUTHCTL_SECRET_%s\n' "$1" | tr 'a-z' 'A-Z' | sed 's/[^A-Z0-9_]/_/g'
}
