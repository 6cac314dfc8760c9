#!/usr/bin/env bash
# The load measurements of docs/performance.md in one command: for each start mode, starts the server on a
# fresh database, runs signin, client-credentials and refresh at each concurrency, and stops it.
#
#   bench/matrix.sh [--modes "plain production"] [--concurrency "1 8"] [--warmup 10s] [--duration 30s] [--port 18080]
#
# plain = java -jar on the default java; production = scripts/production-start.sh (C1+C2, its default);
# production-c1 = the same with PORTVAKT_JIT=fast-start (C1 only). Output also goes to bench/target/matrix-<time>.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
modes="plain production"; concurrency="1 8"; warmup=10s; duration=30s; port=18080
while [[ $# -gt 0 ]]; do
  case $1 in
    --modes) modes=$2; shift 2;; --concurrency) concurrency=$2; shift 2;;
    --warmup) warmup=$2; shift 2;; --duration) duration=$2; shift 2;; --port) port=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
cd "$root"
[[ -f bench/target/portvakt-bench.jar ]] || ./mvnw -q -pl bench package -DskipTests
jar=$(ls server/target/portvakt-server-*.jar 2>/dev/null | grep -v '\.original$' | head -1 || true)
[[ -n $jar ]] || { ./mvnw -q -pl server -am -Paot package -DskipTests; jar=$(ls server/target/portvakt-server-*.jar | grep -v '\.original$' | head -1); }
out=bench/target/matrix-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
exec > >(tee "$out.txt") 2>&1
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $modes; do
  work=$out/$mode; mkdir -p "$work"
  case $mode in
    plain) cmd=(java -jar "$root/$jar");;
    production) cmd=(env PORTVAKT_JIT=throughput "$root/scripts/production-start.sh");;
    production-c1) cmd=(env PORTVAKT_JIT=fast-start "$root/scripts/production-start.sh");;
    *) echo "unknown mode $mode"; exit 2;;
  esac
  (cd "$work" && exec "${cmd[@]}" --spring.profiles.active=demo --server.port="$port" >server.log 2>&1) &
  pid=$!
  for _ in $(seq 1 1200); do
    curl -sf -m 1 "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null | grep -q UP && break
    kill -0 $pid 2>/dev/null || { echo "server ($mode) did not start, see $work/server.log"; exit 1; }
    sleep 0.25
  done
  server_java=$(sed -n 's/.*Starting .*PortvaktApplication.* using \(Java [0-9.+]*\).*/\1/p' "$work/server.log" | head -1)
  echo
  echo "=================== server: $mode ($server_java) ${cmd[*]##*/}"
  for scenario in signin client-credentials refresh; do
    for c in $concurrency; do
      echo "--- $scenario, $c concurrent"
      java -jar bench/target/portvakt-bench.jar "$scenario" --base "http://127.0.0.1:$port" --concurrency "$c" \
          --warmup "$warmup" --duration "$duration" --label "$mode, $server_java" --server-pid "$pid" | grep -v '^(the load'
    done
  done
  echo "server RSS after the runs: $(awk '/^VmRSS:/ {print $2/1024 " MB"}' /proc/$pid/status 2>/dev/null)"
  kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true   # $pid is the server's java (both starts exec it)
done
