#!/usr/bin/env bash
# Start to first token of Latchkey builds, alternated so that the shared machine's drift falls on
# every build alike:
#
#   latchkey-bench/load/start-ab.sh [-n STARTS] JAR ...
#   e.g. latchkey-bench/load/start-ab.sh -n 10 /tmp/old.jar latchkey-server/target/latchkey.jar
#
# Each start runs `java -jar JAR serve` on a data directory that already holds a client (made with
# `client create` after one start of the first build, so every start opens an existing store, as a
# restart does), polls the token endpoint every 5 ms until a client_credentials token comes back, reads the
# process's CPU time at that moment and stops it. Prints, per build, the median, min and max wall
# time, how many starts were under 1 s, and the median CPU time. STORE=postgresql starts on a schema
# of its own in PostgreSQL (127.0.0.1:5432/test as postgres), dropped after the run.
set -euo pipefail
N=10
if [ "${1:-}" = "-n" ]; then N=$2; shift 2; fi
PORT=${PORT:-18596}
command -v jq >/dev/null || apt-get install -y -q jq >/dev/null
DIR=$(mktemp -d /tmp/latchkey-start-ab.XXXXXX)
SCHEMA=""; PID=""
psql_test() { PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -U postgres -d test -qc "$1" >/dev/null; }
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "$SCHEMA" ] && psql_test "DROP SCHEMA $SCHEMA CASCADE"; rm -rf "$DIR"; true' EXIT
env=(LATCHKEY_PORT=$PORT LATCHKEY_DATA_DIR=$DIR/data LATCHKEY_INITIAL_ACCESS_TOKEN=start-ab-initial-token-0123456789)
if [ "${STORE:-sqlite}" = postgresql ]; then
  SCHEMA=lk_start_$$; psql_test "CREATE SCHEMA $SCHEMA"
  env+=("LATCHKEY_DB_URL=jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$SCHEMA")
fi
# Only `serve` makes an installation: one start of the first build makes it, then the client is created.
env "${env[@]}" java -jar "$1" serve > "$DIR/server.log" 2>&1 &
PID=$!
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/live"; do sleep 0.05; done
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
created=$(env "${env[@]}" java -jar "$1" client create --scope read 2>/dev/null)
auth=$(printf '%s' "$(jq -r .client_id <<<"$created"):$(jq -r .client_secret <<<"$created")" | base64 -w0)
for _ in $(seq "$N"); do
  for jar in "$@"; do
    started=$(date +%s%N)
    env "${env[@]}" java -jar "$jar" serve > "$DIR/server.log" 2>&1 &
    PID=$!
    until curl -sf -o /dev/null -H "Authorization: Basic $auth" -d grant_type=client_credentials \
        "http://127.0.0.1:$PORT/oauth2/token"; do
      kill -0 "$PID" 2>/dev/null || { cat "$DIR/server.log"; exit 1; }
      sleep 0.005
    done
    ended=$(date +%s%N)
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$PID/stat")
    echo "$jar $(( (ended - started) / 1000000 )) $cpu" >> "$DIR/results"
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  done
done
median() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
for jar in "$@"; do
  walls=$(awk -v j="$jar" '$1==j{print $2}' "$DIR/results")
  printf '%s: start to first token median %s ms (min %s, max %s; under 1 s: %s of %s), CPU median %s ms\n' "$jar" \
    "$(median <<<"$walls")" "$(sort -n <<<"$walls" | head -1)" "$(sort -n <<<"$walls" | tail -1)" \
    "$(awk '$1<1000' <<<"$walls" | wc -l)" "$N" "$(awk -v j="$jar" '$1==j{print $3}' "$DIR/results" | median)"
done
