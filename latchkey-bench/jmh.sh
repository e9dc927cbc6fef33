#!/usr/bin/env bash
# JMH benchmarks of Latchkey's hot paths, one fork each, results as JSON and a markdown table.
#
#   latchkey-bench/jmh.sh [JMH regexp]        e.g. latchkey-bench/jmh.sh Signing
#
# Needs PostgreSQL at 127.0.0.1:5432 for the PostgreSQL parameters (LATCHKEY_BENCH_PG_URL to change).
# About 8 minutes for everything on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package -pl latchkey-bench -am
mkdir -p latchkey-bench/results
OUT=latchkey-bench/results/jmh-$(date -u +%Y%m%dT%H%M%SZ)
java -jar latchkey-bench/target/benchmarks.jar "${1:-.}" -f 1 -wi 3 -w 2s -i 5 -r 2s -rf json -rff "$OUT.json" > "$OUT.log"
jq -r '["| benchmark | parameters | score | error | unit |", "| --- | --- | --- | --- | --- |"] + [.[] |
  "| \(.benchmark | sub("dev.latchkey.bench."; "")) | \((.params // {}) | to_entries | map("\(.key)=\(.value)") | join(", ")) | \(.primaryMetric.score * 100 | round / 100) | ± \(.primaryMetric.scoreError * 100 | round / 100) | \(.primaryMetric.scoreUnit) |"] | .[]' \
  "$OUT.json" | tee "$OUT.md"
echo "results: $OUT.json, $OUT.md"
