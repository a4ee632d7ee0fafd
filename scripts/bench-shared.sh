# Sourced by scripts/bench: the shared cache's part (README "Many machines"). Uses
# bench's $work, $static, $url, $runs, duel, row and cached; needs redis-server and
# redis-cli (Debian's redis-server and redis-tools).

# A redis-server on a free loopback port, with a password, keeping nothing on disk.
redis_start() {
  redis_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export REDISCLI_AUTH="bench-$RANDOM$RANDOM"
  redis-server --port "$redis_port" --bind 127.0.0.1 --requirepass "$REDISCLI_AUTH" \
    --save '' --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 100); do
    redis-cli -p "$redis_port" PING 2> /dev/null | grep -q PONG && return 0
    sleep 0.05
  done
  echo "redis-server did not start:" >&2
  cat "$work/redis.log" >&2
  return 1
}

shared_part() {
  command -v redis-server > /dev/null && command -v redis-cli > /dev/null || {
    echo "shared cache: skipped (needs redis-server and redis-cli: apt-get install redis-server redis-tools)"
    return 0
  }
  redis_start
  # Replaces bench's own trap, so it does its work too; redis may have been stopped already.
  trap 'kill "$redis_pid" 2> /dev/null || true; proxy_bench_stop; sandbox_stop; rm -rf "$work"' EXIT
  export AUTHCTL_SHARED_CACHE="redis://127.0.0.1:$redis_port/0"
  export AUTHCTL_SHARED_CACHE_PASSWORD="$REDISCLI_AUTH"

  # 8 machines × 16 processes at once, nothing cached anywhere: how many went upstream.
  local m p network served key
  local -a pids=()
  for m in $(seq 8); do
    for p in $(seq 16); do
      AUTHCTL_CACHE_DIR="$work/fleet-$m" "$static" token mg --format json > "$work/fleet-$m-$p.json" &
      pids+=($!)
    done
  done
  wait "${pids[@]}"
  network=$(cat "$work"/fleet-*.json | grep -c '"source":"network"' || true)
  served=$(cat "$work"/fleet-*.json | grep -c '"access_token"' || true)

  # The token's key in Redis (the only entry a Midigator profile leaves).
  key=$(redis-cli -p "$redis_port" --scan --pattern 'authctl:*' | head -n 1)
  shared_hit() {
    local dir="$work/hit/$RANDOM$RANDOM$RANDOM"
    AUTHCTL_CACHE_DIR="$dir" "$static" token mg
  }
  redis_get() { redis-cli -p "$redis_port" GET "$key"; }
  local_hit() { AUTHCTL_CACHE_DIR="$work/fleet-1" "$static" token mg; }
  mkdir -m 0700 "$work/hit"

  read -r hit_us get_us < <(duel "$runs" shared_hit redis_get)
  read -r hit2_us local_us < <(duel "$runs" shared_hit local_hit)
  printf '%-46s %10s %10s %7s %7s\n' "shared cache (redis-server, loopback)" "authctl" "baseline" "ratio" "goal"
  printf '%-46s %8s/%-3s %21s\n' "8 machines × 16 processes: upstream requests" "$network" "$served" "goal 1"
  row "static: shared hit vs redis-cli GET ($runs)" "$hit_us" "$get_us" "≤ 2"
  row "static: shared hit vs cached token ($runs)" "$hit2_us" "$local_us" ""
  kill "$redis_pid" 2> /dev/null || true
  unset AUTHCTL_SHARED_CACHE AUTHCTL_SHARED_CACHE_PASSWORD
}
