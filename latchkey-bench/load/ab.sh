#!/usr/bin/env bash
# A/B of Latchkey builds (or settings) under wrk, alternated so that the shared machine's drift
# falls on every variant alike:
#
#   latchkey-bench/load/ab.sh [-r ROUNDS] SCENARIO "label|jar|java options|env[|secrets]" ...
#   e.g. latchkey-bench/load/ab.sh -r 3 cc-opaque "old|/tmp/old.jar||" "new|latchkey-server/target/latchkey.jar||"
#
# secrets (default 1): how many live secrets the client holds; the extra ones are added with
# `client secret add` after registration, and requests authenticate with the first.
# SCENARIO: cc-jwt, cc-opaque (client credentials), introspect-jwt, introspect-opaque (256 tokens) or
# refresh (rotation: each request spends the refresh token the previous response returned).
# SEED_DIR=DIR starts every run on a copy of DIR (a data directory prepared beforehand, e.g. with a
# million old audit entries for a run during the retention purge); SQLite only.
# STORE=postgresql runs every variant on a schema of its own in PostgreSQL (LATCHKEY_BENCH_PG_URL,
# default 127.0.0.1:5432/test as postgres), dropped after the run; the default is SQLite.
# Each run starts the variant on a fresh data directory, warms it for WARMUP seconds (default
# 15: the JIT needs it), measures DURATION seconds (default 10) at CONNS connections (default 64),
# and stops it; only one server runs at a time. Per run it prints requests/s, p50/p99, non-2xx,
# the server's CPU time per request and the machine's context switches per request; then the
# median requests/s of each variant. Read the ratio of medians, never one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
LOAD=$(pwd)/latchkey-bench/load
ROUNDS=3
if [ "${1:-}" = "-r" ]; then ROUNDS=$2; shift 2; fi
SCENARIO=$1; shift
WARMUP=${WARMUP:-15}; DURATION=${DURATION:-10}; CONNS=${CONNS:-64}; PORT=${PORT:-18600}
command -v wrk >/dev/null || { echo "installing wrk (Debian package)"; apt-get install -y -q wrk >/dev/null; }
command -v jq >/dev/null || apt-get install -y -q jq >/dev/null
format=jwt; [[ $SCENARIO == *opaque ]] && format=opaque
STORE=${STORE:-sqlite}
PG_BASE=${LATCHKEY_BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
SCHEMA=""
psql_test() { PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -U postgres -d test -qc "$1" >/dev/null; }

PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "$SCHEMA" ] && psql_test "DROP SCHEMA $SCHEMA CASCADE"; true' EXIT

run() { # label jar jopts env secrets -> one result line
  local label=$1 jar=$2 jopts=$3 envs=$4 secrets=${5:-1} dir
  dir=$(mktemp -d /tmp/latchkey-ab.XXXXXX)
  if [ -n "$SEED_DIR" ]; then cp -a "$SEED_DIR/." "$dir/"; fi
  local db=()
  if [ "$STORE" = postgresql ]; then
    SCHEMA=lk_ab_$$_$RANDOM; psql_test "CREATE SCHEMA $SCHEMA"; db=(LATCHKEY_DB_URL="$PG_BASE&currentSchema=$SCHEMA")
  fi
  # shellcheck disable=SC2086 # options and env are word lists by design
  env "${db[@]}" LATCHKEY_PORT=$PORT LATCHKEY_DATA_DIR="$dir" LATCHKEY_INITIAL_ACCESS_TOKEN=ab-initial-token-0123456789 $envs \
    java $jopts -jar "$jar" serve > "$dir/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 500); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" && break; sleep 0.02; done
  local client auth url script
  client=$(curl -s "http://127.0.0.1:$PORT/oauth2/register" -H "Authorization: Bearer ab-initial-token-0123456789" \
    -H 'Content-Type: application/json' -d "{\"scope\":\"read\",\"access_token_format\":\"$format\",
      \"grant_types\":[\"client_credentials\"$([ "$SCENARIO" = refresh ] && echo ',"refresh_token"')]}")
  auth=$(printf '%s' "$(jq -r .client_id <<<"$client"):$(jq -r .client_secret <<<"$client")" | base64 -w0)
  for _ in $(seq 2 "$secrets"); do
    env "${db[@]}" java -jar "$jar" client secret add "$(jq -r .client_id <<<"$client")" --name extra \
      --data-dir "$dir" > /dev/null
  done
  local warm_tokens="$dir/tokens"
  if [[ $SCENARIO == cc-* ]]; then
    url=http://127.0.0.1:$PORT/oauth2/token; script=$LOAD/post.lua
  elif [ "$SCENARIO" = refresh ]; then
    # Refresh runs spend their tokens: the warm-up gets a pool of its own.
    url=http://127.0.0.1:$PORT/oauth2/token; script=$LOAD/refresh.lua; warm_tokens="$dir/tokens.warm"
    for f in "$dir/tokens" "$warm_tokens"; do
      for _ in $(seq 1 96); do
        curl -s -H "Authorization: Basic $auth" -d grant_type=client_credentials "$url" | jq -r .refresh_token
      done > "$f"
    done
  else
    url=http://127.0.0.1:$PORT/oauth2/introspect; script=$LOAD/introspect.lua
    for _ in $(seq 1 256); do
      curl -s -H "Authorization: Basic $auth" -d grant_type=client_credentials "http://127.0.0.1:$PORT/oauth2/token" | jq -r .access_token
    done > "$dir/tokens"
  fi
  local wrk_env=(AUTH="$auth" BODY=grant_type=client_credentials TOKENS="$dir/tokens" WRK_THREADS=2)
  env "${wrk_env[@]}" TOKENS="$warm_tokens" wrk -t2 -c"$CONNS" -d"${WARMUP}s" --timeout 10s -s "$script" "$url" > /dev/null
  local t0 t1 cs0 cs1 out
  t0=$(awk '{print $14+$15}' "/proc/$PID/stat"); cs0=$(awk '/^ctxt/{print $2}' /proc/stat)
  out=$(env "${wrk_env[@]}" wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency -s "$script" "$url")
  t1=$(awk '{print $14+$15}' "/proc/$PID/stat"); cs1=$(awk '/^ctxt/{print $2}' /proc/stat)
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  rm -rf "$dir"
  if [ -n "$SCHEMA" ]; then psql_test "DROP SCHEMA $SCHEMA CASCADE"; SCHEMA=""; fi
  local requests rps p50 p99 non2xx
  requests=$(awk '/requests in/{print $1}' <<<"$out")
  rps=$(awk '/^Requests\/sec/{printf "%d", $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out"); p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out")
  local inactive; inactive=$(awk '/^Inactive responses/{print $3}' <<<"$out")
  printf '%-16s %7s req/s  p50 %-8s p99 %-8s non2xx %-3s cpu %4s us/req  %s cs/req\n' "$label" "$rps" "$p50" "$p99" \
    "$(( ${non2xx:-0} + ${inactive:-0} ))" "$(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / requests ))" \
    "$(echo "scale=2; ($cs1 - $cs0) / $requests" | bc)"
}

results=$(mktemp)
for round in $(seq 1 "$ROUNDS"); do
  for spec in "$@"; do
    IFS='|' read -r label jar jopts envs secrets <<<"$spec"
    run "$label" "$jar" "$jopts" "$envs" "$secrets" | tee -a "$results"
  done
done
echo "== median requests/s over $ROUNDS rounds, $SCENARIO, $CONNS connections"
for spec in "$@"; do
  label=${spec%%|*}
  awk -v l="$label" '$1==l{print $2}' "$results" | sort -n | awk -v l="$label" '{a[NR]=$1} END{printf "%-16s %s\n", l, a[int((NR+1)/2)]}'
done
rm -f "$results"
