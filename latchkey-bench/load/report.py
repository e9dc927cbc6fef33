#!/usr/bin/env python3
"""Turns compare.sh's JSON lines into the markdown table of BENCHMARKS.md."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
runs = {(r["server"], r["scenario"], r["connections"]): r for r in rows if "scenario" in r}
metrics = [r for r in rows if "metric" in r]

# (label, Latchkey run, peer runs it is compared with)
PAIRS = [
    ("client_credentials, JWT, 16 connections", ("latchkey-sqlite", "cc-jwt", 16),
     [("sas-memory", "cc-jwt", 16), ("keycloak", "cc-jwt", 16)]),
    ("client_credentials, JWT, 64 connections", ("latchkey-sqlite", "cc-jwt", 64),
     [("sas-memory", "cc-jwt", 64), ("sas-memory", "cc-jwt-bcrypt", 64), ("keycloak", "cc-jwt", 64)]),
    ("client_credentials, opaque, SQLite vs in-memory", ("latchkey-sqlite", "cc-opaque", 64), [("sas-memory", "cc-opaque", 64)]),
    ("client_credentials, opaque, PostgreSQL vs JDBC", ("latchkey-postgresql", "cc-opaque", 64), [("sas-jdbc", "cc-opaque", 64)]),
    ("refresh rotation, SQLite vs in-memory", ("latchkey-sqlite", "refresh-rotation", 64), [("sas-memory-fresh", "refresh-rotation", 64)]),
    ("refresh rotation, PostgreSQL vs JDBC", ("latchkey-postgresql", "refresh-rotation", 64), [("sas-jdbc", "refresh-rotation", 64)]),
    ("introspection, JWT", ("latchkey-sqlite", "introspect-jwt", 64),
     [("sas-memory-fresh", "introspect-jwt", 64), ("keycloak", "introspect-jwt", 64)]),
    ("introspection, opaque, SQLite vs in-memory", ("latchkey-sqlite", "introspect-opaque", 64), [("sas-memory-fresh", "introspect-opaque", 64)]),
    ("introspection, opaque, PostgreSQL vs JDBC", ("latchkey-postgresql", "introspect-opaque", 64), [("sas-jdbc", "introspect-opaque", 64)]),
    ("introspection, opaque, 1M stored, SQLite", ("latchkey-sqlite", "introspect-opaque-1M-stored", 64), []),
    ("introspection, opaque, 1M stored, PostgreSQL", ("latchkey-postgresql", "introspect-opaque-1M-stored", 64), []),
    ("client_credentials, opaque, SQLite, second run", ("latchkey-sqlite", "cc-opaque-again", 64), []),
]


def valid(run):
    return run["non2xx"] == 0 and run["socket_errors"] == 0


def cell(run):
    if run is None:
        return "–"
    figure = f'{run["rps"]:,.0f}/s' if valid(run) else f'~~{run["rps"]:,.0f}/s~~ (void: {run["non2xx"]} non-2xx or inactive, {run["socket_errors"]} errors)'
    return f'{figure}, p50 {run["p50"]}, p99 {run["p99"]}, {run["cpu_seconds"]} CPU-s, {run["peak_rss_mb"]} MB'


print("| scenario | Latchkey | peer | Latchkey / peer |")
print("| --- | --- | --- | --- |")
for label, ours, peers in PAIRS:
    run = runs.get(ours)
    if run is None:
        continue
    if not peers:
        print(f"| {label} | {cell(run)} | – | – |")
    for key in peers:
        peer = runs.get(key)
        ratio = "–"
        if peer and valid(run) and valid(peer) and peer["rps"] > 0:
            ratio = f'{run["rps"] / peer["rps"]:.1f}×'
        name = f'{key[0]} {key[1]}'
        print(f"| {label} | {cell(run)} | {name}: {cell(peer)} | {ratio} |")

print()
print("| server | measure | value |")
print("| --- | --- | --- |")
for m in metrics:
    print(f'| {m["server"]} | {m["metric"]} | {m["value"]} |')
