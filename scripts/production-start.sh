#!/usr/bin/env bash
# The documented production start of Portvakt: fast start-up and a small resident set.
#
#   scripts/production-start.sh [Spring Boot arguments, e.g. --spring.profiles.active=demo --server.port=8080]
#
# What it does (each step only when its output is missing or older than the jar):
#   1. builds server/target/portvakt-server-*.jar with Spring AOT processing (Maven profile -Paot);
#   2. extracts it into Spring Boot's extracted layout (java -Djarmode=tools extract), which loads classes
#      from plain jars on the class path instead of nested jars;
#   3. on JDK 25+, makes JDK 25's AOT cache (pre-parsed, pre-linked classes and method profiles) with a training
#      run that starts the application on a free port, sends it a few rounds of first requests (sign-in page,
#      discovery, JWK Set, a refused token request, health, metrics) and exits (-XX:AOTCacheOutput,
#      -Dportvakt.training-run=true), so the cache holds the classes of the whole start and of the request path;
#   4. starts with -Dspring.aot.enabled=true, the AOT cache and the serial collector, and bounded
#      memory (heap, thread stacks, code cache, malloc arenas, free malloc pages given back every 5 s).
#
# Environment:
#   PORTVAKT_FACTORS_ENCRYPTION_KEY  required outside the demo profile: base64 of 32 random bytes that encrypts
#                 authenticator-app keys in the database (`openssl rand -base64 32`; production sets its own and
#                 keeps it out of the repository). Spring reads it from the environment; without it the server
#                 stops at start-up and says so.
#   JAVA25_HOME   a JDK 25+ (default: the newest /usr/lib/jvm/*25* or later; else JAVA_HOME or java on PATH,
#                 and without a JDK 25 the AOT cache step is skipped)
#   PORTVAKT_JAR  the server jar (default server/target/portvakt-server-*.jar next to this script)
#   PORTVAKT_APP_DIR  where the extracted application and the AOT cache live (default server/target/production)
#   PORTVAKT_JIT  throughput (default: C1+C2) or fast-start (C1 only: starts a little faster, but RS256
#                 signing runs about 5x slower without C2's BigInteger intrinsics, so the token endpoint
#                 manages a fifth of the rate; see docs/performance.md)
#   JAVA_OPTS     more JVM options, appended last (so they win)
#   PORTVAKT_REBUILD=1  forces steps 1-3
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

find_java25() {
  if [[ -n ${JAVA25_HOME:-} ]]; then echo "$JAVA25_HOME/bin/java"; return; fi
  local candidate
  for candidate in $(ls -d /usr/lib/jvm/*-2[5-9]* /usr/lib/jvm/*-[3-9][0-9]* 2>/dev/null | sort -V -r); do
    if [[ -x $candidate/bin/java ]]; then echo "$candidate/bin/java"; return; fi
  done
  if [[ -n ${JAVA_HOME:-} ]]; then echo "$JAVA_HOME/bin/java"; else echo java; fi
}
java=$(find_java25)
# The JDK's release file names its version; asking the JVM itself would cost one more JVM start.
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")
feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release" 2>/dev/null || true)
if [[ -z $feature ]]; then
  feature=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
fi

jar=${PORTVAKT_JAR:-}
if [[ -z $jar ]]; then
  jar=$(ls "$root"/server/target/portvakt-server-*.jar 2>/dev/null | grep -v '\.original$' | head -1 || true)
fi
app=${PORTVAKT_APP_DIR:-$root/server/target/production}
app_jar=$app/portvakt-server.jar
# Checked only when the extracted application is missing or stale: listing the jar costs time at every start.
if [[ -z $jar || ${PORTVAKT_REBUILD:-0} == 1 ]] \
    || { [[ ! -f $app_jar || $jar -nt $app_jar ]] && ! unzip -Z1 "$jar" 2>/dev/null | grep '__ApplicationContextInitializer' >/dev/null; }; then
  echo "production-start: building the server jar with Spring AOT (-Paot)" >&2
  (cd "$root" && ./mvnw -q -pl server -am -Paot package -DskipTests)
  jar=$(ls "$root"/server/target/portvakt-server-*.jar | grep -v '\.original$' | head -1)
fi

if [[ ! -f $app_jar || $jar -nt $app_jar || ${PORTVAKT_REBUILD:-0} == 1 ]]; then
  echo "production-start: extracting $jar into $app" >&2
  rm -rf "$app"
  "$java" -Djarmode=tools -jar "$jar" extract --destination "$app" --application-filename portvakt-server.jar >&2
  touch "$app_jar"
fi

# Start-up and memory levers. The serial collector grows the heap toward its maximum under load whatever the live
# set, so the maximum is what stays resident: 128 MB is about three times the live set after the load runs (33-50
# MB, docs/performance.md, 2026-11-30).
opts=(-XX:+UseSerialGC -Xss512k -Xms32m -Xmx128m -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m
      -XX:MaxDirectMemorySize=32m -Dspring.aot.enabled=true)
if [[ ${PORTVAKT_JIT:-throughput} == fast-start ]]; then
  opts+=(-XX:TieredStopAtLevel=1)
fi
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# Argon2id checks need 19 MiB each: once ready, the server gives each of its turns (one per processor) a block that
# it reuses and frees after a minute without a check; before that, glibc returns the library's blocks when freed
# (password.Turns, NativeMemory); a MALLOC_MMAP_THRESHOLD_ set here would be overridden.

if [[ $feature =~ ^[0-9]+$ ]] && (( feature >= 22 )); then
  opts+=(--enable-native-access=ALL-UNNAMED)   # argon2-jvm loads libargon2 through JNA
  # The JIT compilers' work areas (up to 70 MB at once under load) are malloc'd and freed, and glibc kept the freed
  # pages: about 60 MB of the resident set after the load. Every 5 s the JVM gives free malloc pages back
  # (malloc_trim; decision 0061, docs/performance.md "Resident memory after the load, 2026-11-30").
  opts+=(-XX:TrimNativeHeapInterval=5000)
fi
if [[ $feature =~ ^[0-9]+$ ]] && (( feature >= 25 )); then
  # The JVM ignores a cache made with other options (it says so on stderr and starts slowly), so the
  # cache's name carries a digest of the java and the options; changing either makes a new one.
  cache=$app/portvakt-$(echo "$java ${opts[*]} ${JAVA_OPTS:-}" | md5sum | cut -c1-12).aot
  if [[ ! -f $cache ]]; then
    # The training run writes a file of its own, renamed to the cache only when it succeeded: a run that was
    # interrupted (Ctrl-C, a container stopped) leaves no truncated cache behind, which the JVM would refuse at
    # every later start (it starts slowly and says so on stderr) while this script saw a cache and never trained
    # again; and nodes that start together each train their own and the last rename wins. An interrupted run's
    # file is deleted by a later start once it is an hour old.
    training=${cache%.aot}.training-$$.aot
    find "$app" -maxdepth 1 -name '*.training-*' -mmin +60 -delete 2>/dev/null || true
    echo "production-start: training run for the JDK AOT cache ($cache)" >&2
    if ("$java" "${opts[@]}" -XX:AOTCacheOutput="$training" -Dportvakt.training-run=true \
        ${JAVA_OPTS:-} -jar "$app_jar" "$@" >"$app/training.log" 2>&1) && [[ -s $training ]]; then
      mv -f "$training" "$cache"
    else
      echo "production-start: training run failed, see $app/training.log; starting without the cache" >&2
      rm -f "$training"
    fi
  fi
  if [[ -f $cache ]]; then
    opts+=(-XX:AOTCache="$cache")
  fi
else
  echo "production-start: $java is Java $feature; the AOT cache needs JDK 25 (set JAVA25_HOME)" >&2
fi

# shellcheck disable=SC2086
exec "$java" "${opts[@]}" ${JAVA_OPTS:-} -jar "$app_jar" "$@"
