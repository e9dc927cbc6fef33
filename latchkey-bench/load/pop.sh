#!/usr/bin/env bash
# Proof-of-possession costs at the token endpoint (issue 17), one server, alternated in one run so that
# the shared machine's drift falls on every variant alike:
#
#   latchkey-bench/load/pop.sh [-r ROUNDS] [JAR]           basic, private_key_jwt, dpop
#   TLS=1 latchkey-bench/load/pop.sh [-r ROUNDS] [JAR]     https keep-alive against a new connection per request
#
# basic: client_credentials with client_secret_basic (the reference); private_key_jwt: the same client
# credentials grant authenticated by an ES256 assertion, a new one (new jti) per request; dpop:
# client_secret_basic plus an ES256 DPoP proof, a new one per request, the token bound to its key.
# Assertions and proofs are signed before each run by ProofFile (latchkey-bench's jar), so wrk only
# sends them and the figures are the server's cost alone. SQLite, JWT access tokens, wrk with 2 threads
# and CONNS connections (default 64) on the same two cores as the server. WARMUP (default 15 s, JIT)
# once per variant at the start, then DURATION (default 10 s) per run. Prints requests/s, p50/p99,
# non-2xx (a run with any is void) and the server's CPU time per request; then the medians and each
# variant's ratio to basic (TLS: close / keep-alive). ALG (ES256, RS256, EdDSA) is the assertions' and
# proofs' algorithm (default ES256). VARIANTS picks some of them; SERVER_JAVA_OPTS goes to the
# server's JVM only (a profiler: SERVER_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/pop.jfr,settings=profile).
set -euo pipefail
cd "$(dirname "$0")/../.."
LOAD=$(pwd)/latchkey-bench/load
ROUNDS=3
if [ "${1:-}" = "-r" ]; then ROUNDS=$2; shift 2; fi
JAR=${1:-latchkey-server/target/latchkey.jar}
BENCH_JAR=latchkey-bench/target/benchmarks.jar
WARMUP=${WARMUP:-15}; DURATION=${DURATION:-10}; CONNS=${CONNS:-64}; PORT=${PORT:-18700}
command -v wrk >/dev/null || { echo "installing wrk (Debian package)"; apt-get install -y -q wrk >/dev/null; }
command -v jq >/dev/null || apt-get install -y -q jq >/dev/null
[ -f "$BENCH_JAR" ] || { echo "build latchkey-bench first: mvn -B -q package -pl latchkey-bench -am -DskipTests"; exit 1; }

dir=$(mktemp -d /tmp/latchkey-pop.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$dir"' EXIT
scheme=http; tls=()
if [ -n "${TLS:-}" ]; then scheme=https; tls=(LATCHKEY_TLS_SELF_SIGNED=true LATCHKEY_ISSUER=https://127.0.0.1:$PORT); fi
base=$scheme://127.0.0.1:$PORT
env "${tls[@]}" LATCHKEY_PORT=$PORT LATCHKEY_DATA_DIR="$dir" LATCHKEY_INITIAL_ACCESS_TOKEN=pop-initial-token-0123456789 \
  java ${SERVER_JAVA_OPTS:-} -jar "$JAR" serve > "$dir/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 500); do curl -sk -o /dev/null "$base/health/live" && break; sleep 0.02; done
register() { curl -sk "$base/oauth2/register" -H "Authorization: Bearer pop-initial-token-0123456789" \
  -H 'Content-Type: application/json' -d "$1"; }
basic=$(register '{"scope":"read"}')
AUTH=$(printf '%s' "$(jq -r .client_id <<<"$basic"):$(jq -r .client_secret <<<"$basic")" | base64 -w0)
java -cp "$BENCH_JAR" dev.latchkey.bench.ProofFile key "$dir/key.json" "$dir/public.json" "${ALG:-ES256}"
public_jwk=$(cat "$dir/public.json")
asserting=$(register "{\"scope\":\"read\",\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":{\"keys\":[$public_jwk]}}")
CLIENT_ID=$(jq -r .client_id <<<"$asserting")
URL=$base/oauth2/token

cpu() { awk '{print $14+$15}' "/proc/$PID/stat"; }
written() { awk '/^write_bytes/{print $2}' "/proc/$PID/io"; }
commits() { # group commits and the writes they carried, from /metrics
  curl -sk "$base/metrics" | awk '/^latchkey_db_group_commits_total/{c=$2} /^latchkey_db_group_commit_writes_total/{w=$2} END{print c+0, w+0}'; }
measure() { # label seconds script [env...] -> one result line (seconds 0: warm-up, no line)
  local label=$1 seconds=$2 script=$3; shift 3
  local extra=()
  [ "$label" = tls-close ] && extra=(-H "Connection: close")
  local t0 t1 out c0 c1 w0 w1
  c0=$(commits); t0=$(cpu); w0=$(written)
  out=$(env AUTH="$AUTH" BODY=grant_type=client_credentials CLIENT_ID="$CLIENT_ID" "$@" \
    wrk -t2 -c"$CONNS" -d"${seconds}s" --timeout 10s --latency "${extra[@]}" -s "$script" "$URL")
  t1=$(cpu); c1=$(commits); w1=$(written)
  [ "${QUIET:-}" = 1 ] && return 0
  local requests rps p50 p99 non2xx errors
  requests=$(awk '/requests in/{print $1}' <<<"$out")
  rps=$(awk '/^Requests\/sec/{printf "%d", $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out"); p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out"); errors=$(awk '/Socket errors/{print $0}' <<<"$out")
  local batches writes
  read -r batches writes <<<"$(awk -v a="$c0" -v b="$c1" 'BEGIN{split(a,x," "); split(b,y," "); print y[1]-x[1], y[2]-x[2]}')"
  printf '%-16s %7s req/s  p50 %-8s p99 %-8s non2xx %-5s cpu %4s us/req  disk %5s B/req  commits %6s/s (%s writes each) %s\n' \
    "$label" "$rps" "$p50" "$p99" "${non2xx:-0}" "$(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / requests ))" \
    "$(( (w1 - w0) / requests ))" \
    "$(( batches / seconds ))" "$( [ "$batches" -gt 0 ] && echo "scale=1; $writes / $batches" | bc || echo 0)" "$errors"
}
lines() { # kind seconds -> proofs for that many seconds at up to PROOF_RATE/s (default 20,000), in $dir/lines.*
  local count=$(( $2 * ${PROOF_RATE:-20000} ))
  if [ "$1" = dpop ]; then
    java -cp "$BENCH_JAR" dev.latchkey.bench.ProofFile dpop "$dir/key.json" "$URL" "$count" 2 "$dir/lines"
  else
    java -cp "$BENCH_JAR" dev.latchkey.bench.ProofFile assertion "$dir/key.json" "$URL" "$CLIENT_ID" "$count" 2 "$dir/lines"
  fi
}
run() { # variant seconds
  case $1 in
    basic|tls-keepalive|tls-close) measure "$1" "$2" "$LOAD/post.lua" ;;
    private_key_jwt) lines assertion "$2"; measure "$1" "$2" "$LOAD/lines.lua" MODE=assertion LINES="$dir/lines" ;;
    dpop) lines dpop "$2"; measure "$1" "$2" "$LOAD/lines.lua" MODE=dpop LINES="$dir/lines" ;;
  esac
}
variants=(${VARIANTS:-basic private_key_jwt dpop})
[ -n "${TLS:-}" ] && variants=(tls-keepalive tls-close)
for variant in "${variants[@]}"; do QUIET=1 run "$variant" "$WARMUP"; done
results=$(mktemp)
for round in $(seq 1 "$ROUNDS"); do
  for variant in "${variants[@]}"; do run "$variant" "$DURATION" | tee -a "$results"; done
done
echo "== median requests/s over $ROUNDS rounds, $CONNS connections ($(basename "$JAR"))"
reference=""
for variant in "${variants[@]}"; do
  median=$(awk -v l="$variant" '$1==l{print $2}' "$results" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  [ -z "$reference" ] && reference=$median
  printf '%-16s %7s req/s  %s of %s\n' "$variant" "$median" "$(echo "scale=2; $median / $reference" | bc)" "${variants[0]}"
done
rm -f "$results"
