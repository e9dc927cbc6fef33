#!/usr/bin/env bash
# Builds what Latchkey ships, from latchkey-server/target/latchkey.jar (built first if missing):
#
#   latchkey-server/target/dist/latchkey/                   runtime/ (a jlink-built Java runtime with only the
#                                                           modules Latchkey uses), lib/latchkey.jar, bin/latchkey
#   latchkey-server/target/dist/latchkey-VERSION-linux-x64.tar.gz   the same, to unpack on a machine without a JDK
#   latchkey-server/target/dist/rootfs/                     that runtime at /opt/latchkey/runtime with the C
#                                                           libraries it links (from ldd), /tmp and /var/lib/latchkey:
#                                                           the extra layer of the OCI image (packaging/image.sh)
#
# JAVA_HOME picks the JDK whose jlink builds the runtime (default: the one `java` is).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.1.0
JAR=latchkey-server/target/latchkey.jar
[ -f "$JAR" ] || mvn -B -q -DskipTests package
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
OUT=latchkey-server/target/dist
rm -rf "$OUT"
mkdir -p "$OUT/latchkey/bin" "$OUT/latchkey/lib"

# The modules the jar's classes use, and those found only at run time: the EC provider (ES256),
# the HTTP client (the OpenTelemetry exporter), extra charsets (database drivers).
MODULES=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$JAR")
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES,java.net.http,jdk.crypto.ec,jdk.charsets" \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$OUT/latchkey/runtime"
cp "$JAR" "$OUT/latchkey/lib/latchkey.jar"
cat > "$OUT/latchkey/bin/latchkey" <<'SH'
#!/bin/sh
# Latchkey on the runtime beside it: no system Java needed. JAVA_OPTS adds JVM options.
HERE=$(dirname "$(readlink -f "$0")")/..
exec "$HERE/runtime/bin/java" ${JAVA_OPTS:-} -jar "$HERE/lib/latchkey.jar" "$@"
SH
chmod 755 "$OUT/latchkey/bin/latchkey"
tar -C "$OUT" -czf "$OUT/latchkey-$VERSION-linux-x64.tar.gz" latchkey

# The image's file system: no base image (none can be pulled here, and none is needed): the runtime,
# the shared libraries it links, the dynamic loader, an empty /tmp and the data directory.
ROOT="$OUT/rootfs"
mkdir -p "$ROOT/opt/latchkey" "$ROOT/tmp" "$ROOT/var/lib/latchkey" "$ROOT/etc"
cp -a "$OUT/latchkey/runtime" "$ROOT/opt/latchkey/runtime"
# Only the libraries a server loads (java.desktop is in the runtime for java.beans; its AWT libraries,
# which would bring X11, are never loaded and their dependencies are left out).
# And SQLite's JDBC driver's own native library, which it unpacks from the jar into /tmp at run time.
NATIVE=$(mktemp -d)
unzip -q -o "$JAR" 'org/sqlite/native/Linux/x86_64/libsqlitejdbc.so' -d "$NATIVE"
{ find "$NATIVE" -name '*.so' -print0
find "$ROOT/opt/latchkey/runtime" -type f \( -path '*/bin/*' -o -name libjvm.so -o -name libjli.so \
    -o -name libjava.so -o -name libnet.so -o -name libnio.so -o -name libzip.so -o -name libjimage.so \
    -o -name libverify.so -o -name libextnet.so -o -name 'libmanagement*.so' -o -name libj2gss.so \) -print0; } \
  | xargs -0 ldd 2>/dev/null | awk '/=> \//{print $3} /^\s*\/.*ld-linux/{print $1}' | sort -u \
  | while read -r lib; do
      mkdir -p "$ROOT$(dirname "$lib")"
      cp -L "$lib" "$ROOT$lib"
    done
rm -rf "$NATIVE"
# A user for the JVM to name (it runs as 65532, no shell, no home but the data directory).
printf 'root:x:0:0:root:/root:/sbin/nologin\nlatchkey:x:65532:65532:latchkey:/var/lib/latchkey:/sbin/nologin\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nlatchkey:x:65532:\n' > "$ROOT/etc/group"
echo "built $OUT/latchkey (runtime $(du -sh "$OUT/latchkey/runtime" | cut -f1)), $OUT/latchkey-$VERSION-linux-x64.tar.gz and $ROOT"
