#!/usr/bin/env bash
# Runs the Portvakt load generator or the JMH micro-benchmarks; builds bench/target/portvakt-bench.jar first
# when it is missing (or when BENCH_REBUILD=1).
#
#   bench/run.sh signin             --base http://localhost:8080 --concurrency 8 --duration 30s
#   bench/run.sh client-credentials --base http://localhost:8080 --concurrency 8 --duration 30s
#   bench/run.sh refresh            --base http://localhost:8080 --concurrency 8 --duration 30s
#   bench/run.sh push-approval      --base http://127.0.0.1:18080 --concurrency 1 --warmup 60s --duration 30s
#       (the server started with --portvakt.bootstrap=file:bench/push-people.yaml and
#        --portvakt.issuer=http://127.0.0.1:18080; docs/performance.md, "Push approval round trip")
#   bench/run.sh keycloak-signin    --base http://127.0.0.1:18080 --concurrency 8 --duration 30s
#       (Keycloak's one-form sign-in against ../shared/peers/keycloak.sh's realm; client credentials against
#        Keycloak or node-oidc-provider: client-credentials --token-path ... --machine-client svc ...;
#        bench/side-by-side.sh runs them all in turn)
#   bench/run.sh jmh                          # every JMH benchmark (Argon2id, JWT signing)
#   bench/run.sh jmh -f 1 -wi 2 -i 3 Jwt      # JMH options and a name filter
set -euo pipefail
cd "$(dirname "$0")/.."
jar=bench/target/portvakt-bench.jar
if [[ ! -f $jar || ${BENCH_REBUILD:-0} == 1 ]]; then
  ./mvnw -q -pl bench -am package -DskipTests
fi
echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)  ($(nproc) CPUs)" >&2
exec java ${BENCH_JAVA_OPTS:-} -jar "$jar" "$@"
