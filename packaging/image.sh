#!/usr/bin/env bash
# Builds the OCI image latchkey:0.1.0 as latchkey-server/target/jib-image.tar with Jib (no Docker daemon):
# from scratch, with packaging/build.sh's runtime and libraries, running as user 65532. Load it with
# `podman load -i latchkey-server/target/jib-image.tar` (or docker load).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d latchkey-server/target/dist/rootfs ] || packaging/build.sh
mvn -B -q -pl latchkey-server com.google.cloud.tools:jib-maven-plugin:buildTar
ls -la latchkey-server/target/jib-image.tar
