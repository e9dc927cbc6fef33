#!/usr/bin/env bash
# Latchkey against Spring Authorization Server, side by side on this machine, driven by wrk.
#
#   latchkey-bench/load/compare.sh [--quick] [--million] [--no-keycloak]
#
# Builds both, starts each on 127.0.0.1 in turn, registers equivalent clients and runs every
# scenario (10 s measured after 10 s of warm-up, which the JIT needs; --quick: 5 s after 4 s). For each: requests/s,
# p50/p99 latency, non-2xx responses (must be 0, else the figure is void), server CPU seconds and
# peak RSS, and the ratio Latchkey/peer. --million also measures introspection with a million
# opaque tokens stored. Results: latchkey-bench/results/load-<time>.{md,json}.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
LOAD=$ROOT/latchkey-bench/load
RESULTS=$ROOT/latchkey-bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
JSON=$RESULTS/load-$STAMP.json
WORK=$(mktemp -d /tmp/latchkey-load.XXXXXX)
PG_BASE=${LATCHKEY_BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
WARMUP=10; DURATION=10; THREADS=2; MILLION=false; KEYCLOAK=true; KEYCLOAK_VERSION=26.7.3
for arg in "$@"; do
  case $arg in
    --quick) WARMUP=4; DURATION=5 ;;
    --million) MILLION=true ;;
    --no-keycloak) KEYCLOAK=false ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
mkdir -p "$RESULTS"; : > "$JSON"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS lk_load_$$ CASCADE; DROP SCHEMA IF EXISTS sas_load_$$ CASCADE;" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "installing wrk (Debian package)"; apt-get install -y -q wrk >/dev/null; }
command -v jq >/dev/null || apt-get install -y -q jq >/dev/null
pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start

echo "== building"
mvn -B -q -DskipTests package -pl latchkey-server -am
mvn -B -q -DskipTests package -f latchkey-bench/peer-sas/pom.xml
LATCHKEY_JAR=$ROOT/latchkey-server/target/latchkey.jar
PEER_JAR=$ROOT/latchkey-bench/peer-sas/target/peer-sas.jar

b64() { printf '%s' "$1" | base64 -w0; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

wait_token() { # url auth body -> seconds since $start_ns until the first 200
  local url=$1 auth=$2 body=$3
  for _ in $(seq 1 3000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $auth" -d "$body" "$url" || true)
    [ "$code" = "200" ] && { echo "scale=2; ($(date +%s%N) - $start_ns) / 1000000000" | bc; return; }
    sleep 0.01
  done
  echo "server at $url never answered 200" >&2; exit 1
}

# run SERVER SCENARIO CONNS PID URL SCRIPT [env...]
run() {
  local server=$1 scenario=$2 conns=$3 pid=$4 url=$5 script=$6; shift 6
  # Refresh runs spend their tokens: the warm-up gets a pool of its own ($TOKENS.warm).
  local warm=(); for kv in "$@"; do [[ $kv == TOKENS=* ]] && warm+=("$kv.warm") || warm+=("$kv"); done
  env "${warm[@]}" WRK_THREADS=$THREADS wrk -t$THREADS -c"$conns" -d${WARMUP}s --timeout 10s -s "$script" "$url" >/dev/null
  echo 5 > "/proc/$pid/clear_refs" 2>/dev/null || true   # restart the peak-RSS count
  local c0; c0=$(cpu_ticks "$pid")
  local out; out=$(env "$@" WRK_THREADS=$THREADS wrk -t$THREADS -c"$conns" -d${DURATION}s --timeout 10s --latency -s "$script" "$url")
  local c1; c1=$(cpu_ticks "$pid")
  local rps p50 p99 non2xx errors hwm
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out"); p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out"); non2xx=${non2xx:-0}
  # introspect.lua counts answers that say a valid token is inactive: they void the figure too.
  local inactive; inactive=$(awk '/^Inactive responses/{print $3}' <<<"$out"); non2xx=$((non2xx + ${inactive:-0}))
  errors=$(awk -F'[ ,]+' '/Socket errors/{print $4+$6+$8+$10}' <<<"$out"); errors=${errors:-0}
  hwm=$(awk '/VmHWM/{print $2}' "/proc/$pid/status")
  local cpu; cpu=$(echo "scale=1; ($c1 - $c0) / $ticks_per_second" | bc)
  jq -nc --arg server "$server" --arg scenario "$scenario" --argjson conns "$conns" --arg rps "$rps" \
    --arg p50 "$p50" --arg p99 "$p99" --argjson non2xx "$non2xx" --argjson errors "$errors" \
    --arg cpu "$cpu" --argjson rss_kb "$hwm" \
    '{server:$server, scenario:$scenario, connections:$conns, rps:($rps|tonumber), p50:$p50, p99:$p99,
      non2xx:$non2xx, socket_errors:$errors, cpu_seconds:($cpu|tonumber), peak_rss_mb:($rss_kb/1024|floor)}' >> "$JSON"
  printf '%-22s %-34s c=%-3s %10s req/s  p50 %-8s p99 %-8s non2xx %-4s cpu %5ss  rss %4s MB\n' \
    "$server" "$scenario" "$conns" "$rps" "$p50" "$p99" "$non2xx" "$cpu" "$((hwm / 1024))"
}

idle_rss() { # pid -> RSS in MB after the node has been idle long enough for periodic GCs (every 10 s)
  sleep 45
  awk '/VmRSS/{print int($2/1024)}' "/proc/$1/status"
}

record() { # server key value
  jq -nc --arg server "$1" --arg key "$2" --arg value "$3" '{server:$server, metric:$key, value:$value}' >> "$JSON"
}

# ---------------------------------------------------------------------------------------------
start_latchkey() { # name port dburl -> sets LK_PID, LK_AUTH (jwt client), LK_OPAQUE_AUTH, LK_REFRESH_AUTH, LK_RS_AUTH
  local name=$1 port=$2 db=$3 dir=$WORK/$1
  mkdir -p "$dir"
  local env=(LATCHKEY_PORT=$port LATCHKEY_DATA_DIR=$dir LATCHKEY_INITIAL_ACCESS_TOKEN=load-initial-token-0123456789)
  [ -n "$db" ] && env+=(LATCHKEY_DB_URL=$db)
  # A client made before the server starts (the command line writes to the store directly), so
  # the start-to-first-token time includes nothing but the start.
  local created; created=$(env "${env[@]}" java -jar "$LATCHKEY_JAR" client create --scope read 2>/dev/null)
  local auth; auth=$(b64 "$(jq -r .client_id <<<"$created"):$(jq -r .client_secret <<<"$created")")
  start_ns=$(date +%s%N)
  env "${env[@]}" java -jar "$LATCHKEY_JAR" serve > "$dir/server.log" 2>&1 &
  LK_PID=$!; PIDS+=("$LK_PID")
  local startup; startup=$(wait_token "http://127.0.0.1:$port/oauth2/token" "$auth" "grant_type=client_credentials")
  echo "$name: start to first token ${startup}s"; record "$name" start_to_first_token_s "$startup"
  reg() { curl -s "http://127.0.0.1:$port/oauth2/register" -H "Authorization: Bearer load-initial-token-0123456789" \
            -H 'Content-Type: application/json' -d "$1"; }
  cred() { b64 "$(jq -r .client_id <<<"$1"):$(jq -r .client_secret <<<"$1")"; }
  LK_AUTH=$auth
  LK_OPAQUE_AUTH=$(cred "$(reg '{"scope":"read","access_token_format":"opaque"}')")
  LK_REFRESH_AUTH=$(cred "$(reg '{"scope":"read","grant_types":["client_credentials","refresh_token"]}')")
  LK_RS_AUTH=$(cred "$(reg '{"scope":""}')")
}

start_peer() { # name port store -> sets PEER_PID
  local name=$1 port=$2 store=$3 dir=$WORK/$1
  mkdir -p "$dir"
  local args=(--server.port=$port)
  if [ "$store" = jdbc ]; then
    psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS sas_load_$$ CASCADE; CREATE SCHEMA sas_load_$$;" >/dev/null
    args+=(--peer.store=jdbc "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=sas_load_$$"
           --spring.datasource.username=postgres)
  else
    args+=(--peer.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration)
  fi
  start_ns=$(date +%s%N)
  java -jar "$PEER_JAR" "${args[@]}" > "$dir/server.log" 2>&1 &
  PEER_PID=$!; PIDS+=("$PEER_PID")
  local startup; startup=$(wait_token "http://127.0.0.1:$port/oauth2/token" "$(b64 bench-noop:bench-noop-secret-0123456789)" \
    "grant_type=client_credentials&scope=read")
  echo "$name: start to first token ${startup}s"; record "$name" start_to_first_token_s "$startup"
}

peer_auth() { b64 "$1:$1-secret-0123456789"; }
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
token_of() { curl -s -H "Authorization: Basic $1" -d "grant_type=client_credentials" "$2" | jq -r .access_token; }
token_pool() { # auth url -> a file of 256 access tokens to introspect round robin (and its .warm copy)
  local f; f=$(mktemp "$WORK/pool.XXXXXX")
  for _ in $(seq 1 256); do token_of "$1" "$2"; done > "$f"; cp "$f" "$f.warm"; echo "$f"
}
refresh_tokens_latchkey() { # auth url count file (also file.warm for the warm-up)
  for f in "$4" "$4.warm"; do
    : > "$f"; for _ in $(seq 1 "$3"); do curl -s -H "Authorization: Basic $1" -d grant_type=client_credentials "$2" | jq -r .refresh_token >> "$f"; done
  done
}
refresh_tokens_peer() { # port file
  for f in "$2" "$2.warm"; do curl -s -X POST "http://127.0.0.1:$1/bench/refresh-tokens?count=96" > "$f"; done
}

echo "== machine: $(nproc) cores, $(awk '/MemTotal/{print int($2/1048576)}' /proc/meminfo) GiB, $(java -version 2>&1 | head -1), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
record machine cores "$(nproc)"; record machine java "$(java -version 2>&1 | head -1)"

# --- Latchkey on SQLite ---------------------------------------------------------------------------
P=18480; start_latchkey latchkey-sqlite $P ""
T=http://127.0.0.1:$P/oauth2/token; I=http://127.0.0.1:$P/oauth2/introspect
run latchkey-sqlite cc-jwt 16 "$LK_PID" "$T" "$LOAD/post.lua" AUTH="$LK_AUTH" BODY="grant_type=client_credentials"
run latchkey-sqlite cc-jwt 64 "$LK_PID" "$T" "$LOAD/post.lua" AUTH="$LK_AUTH" BODY="grant_type=client_credentials"
run latchkey-sqlite cc-opaque 64 "$LK_PID" "$T" "$LOAD/post.lua" AUTH="$LK_OPAQUE_AUTH" BODY="grant_type=client_credentials"
refresh_tokens_latchkey "$LK_REFRESH_AUTH" "$T" 96 "$WORK/lk-sqlite-refresh.txt"
run latchkey-sqlite refresh-rotation 64 "$LK_PID" "$T" "$LOAD/refresh.lua" AUTH="$LK_REFRESH_AUTH" TOKENS="$WORK/lk-sqlite-refresh.txt"
run latchkey-sqlite introspect-jwt 64 "$LK_PID" "$I" "$LOAD/introspect.lua" AUTH="$LK_RS_AUTH" TOKENS="$(token_pool "$LK_AUTH" "$T")"
run latchkey-sqlite introspect-opaque 64 "$LK_PID" "$I" "$LOAD/introspect.lua" AUTH="$LK_RS_AUTH" TOKENS="$(token_pool "$LK_OPAQUE_AUTH" "$T")"
record latchkey-sqlite idle_rss_mb_after_run_1 "$(idle_rss "$LK_PID")"
run latchkey-sqlite cc-opaque-again 64 "$LK_PID" "$T" "$LOAD/post.lua" AUTH="$LK_OPAQUE_AUTH" BODY="grant_type=client_credentials"
record latchkey-sqlite idle_rss_mb_after_run_2 "$(idle_rss "$LK_PID")"
echo "latchkey-sqlite: RSS after idle: $(jq -r 'select(.server=="latchkey-sqlite" and (.metric|tostring|startswith("idle"))) | .value' "$JSON" | paste -sd/) MB"
if $MILLION; then
  java -cp "$ROOT/latchkey-bench/target/benchmarks.jar" dev.latchkey.bench.Populate "jdbc:sqlite:$WORK/latchkey-sqlite/latchkey.db" 1000000
  run latchkey-sqlite introspect-opaque-1M-stored 64 "$LK_PID" "$I" "$LOAD/introspect.lua" AUTH="$LK_RS_AUTH" TOKENS="$(token_pool "$LK_OPAQUE_AUTH" "$T")"
fi
stop "$LK_PID"

# --- Latchkey on PostgreSQL -----------------------------------------------------------------------
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA lk_load_$$" >/dev/null
P=18481; start_latchkey latchkey-postgresql $P "$PG_BASE&currentSchema=lk_load_$$"
T=http://127.0.0.1:$P/oauth2/token; I=http://127.0.0.1:$P/oauth2/introspect
run latchkey-postgresql cc-opaque 64 "$LK_PID" "$T" "$LOAD/post.lua" AUTH="$LK_OPAQUE_AUTH" BODY="grant_type=client_credentials"
refresh_tokens_latchkey "$LK_REFRESH_AUTH" "$T" 96 "$WORK/lk-pg-refresh.txt"
run latchkey-postgresql refresh-rotation 64 "$LK_PID" "$T" "$LOAD/refresh.lua" AUTH="$LK_REFRESH_AUTH" TOKENS="$WORK/lk-pg-refresh.txt"
run latchkey-postgresql introspect-opaque 64 "$LK_PID" "$I" "$LOAD/introspect.lua" AUTH="$LK_RS_AUTH" TOKENS="$(token_pool "$LK_OPAQUE_AUTH" "$T")"
if $MILLION; then
  java -cp "$ROOT/latchkey-bench/target/benchmarks.jar" dev.latchkey.bench.Populate "$PG_BASE&currentSchema=lk_load_$$" 1000000
  run latchkey-postgresql introspect-opaque-1M-stored 64 "$LK_PID" "$I" "$LOAD/introspect.lua" AUTH="$LK_RS_AUTH" TOKENS="$(token_pool "$LK_OPAQUE_AUTH" "$T")"
fi
stop "$LK_PID"

# --- Spring Authorization Server, in memory ----------------------------------------------------
P=18490; start_peer sas-memory $P memory
T=http://127.0.0.1:$P/oauth2/token
run sas-memory cc-jwt 16 "$PEER_PID" "$T" "$LOAD/post.lua" AUTH="$(peer_auth bench-noop)" BODY="grant_type=client_credentials&scope=read"
run sas-memory cc-jwt 64 "$PEER_PID" "$T" "$LOAD/post.lua" AUTH="$(peer_auth bench-noop)" BODY="grant_type=client_credentials&scope=read"
run sas-memory cc-jwt-bcrypt 64 "$PEER_PID" "$T" "$LOAD/post.lua" AUTH="$(peer_auth bench-bcrypt)" BODY="grant_type=client_credentials&scope=read"
run sas-memory cc-opaque 64 "$PEER_PID" "$T" "$LOAD/post.lua" AUTH="$(peer_auth bench-opaque)" BODY="grant_type=client_credentials&scope=read"
stop "$PEER_PID"

# Introspection and refresh on a fresh in-memory server: its in-memory store finds a token by
# scanning every authorization it holds, so after the runs above it would be measuring that scan.
P=18491; start_peer sas-memory-fresh $P memory
T=http://127.0.0.1:$P/oauth2/token; I=http://127.0.0.1:$P/oauth2/introspect
run sas-memory-fresh introspect-jwt 64 "$PEER_PID" "$I" "$LOAD/introspect.lua" AUTH="$(peer_auth bench-rs)" TOKENS="$(token_pool "$(peer_auth bench-noop)" "$T")"
run sas-memory-fresh introspect-opaque 64 "$PEER_PID" "$I" "$LOAD/introspect.lua" AUTH="$(peer_auth bench-rs)" TOKENS="$(token_pool "$(peer_auth bench-opaque)" "$T")"
refresh_tokens_peer $P "$WORK/sas-mem-refresh.txt"
run sas-memory-fresh refresh-rotation 64 "$PEER_PID" "$T" "$LOAD/refresh.lua" AUTH="$(peer_auth bench-refresh)" TOKENS="$WORK/sas-mem-refresh.txt"
stop "$PEER_PID"

# --- Spring Authorization Server, JDBC on PostgreSQL -------------------------------------------
P=18492; start_peer sas-jdbc $P jdbc
T=http://127.0.0.1:$P/oauth2/token; I=http://127.0.0.1:$P/oauth2/introspect
run sas-jdbc introspect-opaque 64 "$PEER_PID" "$I" "$LOAD/introspect.lua" AUTH="$(peer_auth bench-rs)" TOKENS="$(token_pool "$(peer_auth bench-opaque)" "$T")"
refresh_tokens_peer $P "$WORK/sas-jdbc-refresh.txt"
run sas-jdbc refresh-rotation 64 "$PEER_PID" "$T" "$LOAD/refresh.lua" AUTH="$(peer_auth bench-refresh)" TOKENS="$WORK/sas-jdbc-refresh.txt"
run sas-jdbc cc-opaque 64 "$PEER_PID" "$T" "$LOAD/post.lua" AUTH="$(peer_auth bench-opaque)" BODY="grant_type=client_credentials&scope=read"
stop "$PEER_PID"

# --- Keycloak (second peer; its distribution comes from Maven Central, it needs Java 21+) ---------
# Default configuration of `kc.sh start-dev` (embedded H2, as its getting-started guide runs it):
# confidential clients with service accounts; Keycloak keeps client secrets unhashed and signs with
# RS256. It has no opaque tokens and gives client_credentials no refresh token, so it runs
# client_credentials and JWT introspection only. Its start is a first start (it creates its database).
KC_JAVA=$(ls -d /usr/lib/jvm/temurin-2[1-9]* /usr/lib/jvm/*-2[1-9]-* 2>/dev/null | head -1 || true)
if $KEYCLOAK && [ -n "$KC_JAVA" ]; then
  mvn -B -q -N dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz -DoutputDirectory="$WORK"
  tar xzf "$WORK/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz" -C "$WORK"
  P=18495; KC=http://127.0.0.1:$P
  start_ns=$(date +%s%N)
  JAVA_HOME=$KC_JAVA KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin-0123456789 \
    "$WORK/keycloak-$KEYCLOAK_VERSION/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port=$P > "$WORK/keycloak.log" 2>&1 &
  KC_PID=$!; PIDS+=("$KC_PID")
  # Its first token: the bootstrap admin's (no client can exist before the first start).
  startup=$(wait_token "$KC/realms/master/protocol/openid-connect/token" "$(b64 admin-cli:)" \
    "grant_type=password&client_id=admin-cli&username=admin&password=admin-0123456789")
  echo "keycloak: start to first token ${startup}s"; record keycloak start_to_first_token_s "$startup"
  admin=$(curl -s -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin-0123456789 \
    "$KC/realms/master/protocol/openid-connect/token" | jq -r .access_token)
  kc_admin() { curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$2" "$KC/admin/realms$1" >/dev/null; }
  kc_admin "" '{"realm":"bench","enabled":true}'
  # Keycloak 26 answers introspection only for a client in the token's audience: bench-cc's tokens
  # name bench-rs (an audience mapper), as Latchkey's name their resource server.
  kc_admin /bench/clients '{"clientId":"bench-rs","secret":"bench-rs-secret-0123456789","publicClient":false,
    "serviceAccountsEnabled":true,"standardFlowEnabled":false,"directAccessGrantsEnabled":false}'
  kc_admin /bench/clients '{"clientId":"bench-cc","secret":"bench-cc-secret-0123456789","publicClient":false,
    "serviceAccountsEnabled":true,"standardFlowEnabled":false,"directAccessGrantsEnabled":false,
    "protocolMappers":[{"name":"audience","protocol":"openid-connect","protocolMapper":"oidc-audience-mapper",
      "config":{"included.client.audience":"bench-rs","access.token.claim":"true","introspection.token.claim":"true"}}]}'
  T=$KC/realms/bench/protocol/openid-connect/token; I=$T/introspect
  run keycloak cc-jwt 16 "$KC_PID" "$T" "$LOAD/post.lua" AUTH="$(peer_auth bench-cc)" BODY="grant_type=client_credentials"
  run keycloak cc-jwt 64 "$KC_PID" "$T" "$LOAD/post.lua" AUTH="$(peer_auth bench-cc)" BODY="grant_type=client_credentials"
  run keycloak introspect-jwt 64 "$KC_PID" "$I" "$LOAD/introspect.lua" AUTH="$(peer_auth bench-rs)" TOKENS="$(token_pool "$(peer_auth bench-cc)" "$T")"
  record keycloak idle_rss_mb_after_run_1 "$(idle_rss "$KC_PID")"
  stop "$KC_PID"
elif $KEYCLOAK; then
  echo "keycloak: skipped, it needs Java 21 or newer and none is in /usr/lib/jvm"
fi

python3 "$LOAD/report.py" "$JSON" > "$RESULTS/load-$STAMP.md"
cat "$RESULTS/load-$STAMP.md"
echo "results: $JSON and $RESULTS/load-$STAMP.md"
