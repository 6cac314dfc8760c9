#!/usr/bin/env bash
# Where the resident memory of the production start goes, after start and after the load of bench/side-by-side.sh
# (Portvakt alone: browser sign-in with 8 users, then client credentials with 16 connections, each with the same
# warm-up and measured window), with the JVM's Native Memory Tracking on.
#
#   bench/memory.sh [--warmup 90s] [--duration 30s] [--port 18290] [--label NAME] [--no-nmt]
#
# Runs scripts/production-start.sh on a fresh database (a new working directory; JAVA_OPTS and the other variables
# of that script pass through; -XX:NativeMemoryTracking=summary is added unless --no-nmt, which makes its own AOT
# cache since the options differ). Per snapshot (5 s after start, and after the load): VmRSS, smaps_rollup, NMT's
# committed sizes by category, and pmap's resident sizes grouped into the AOT cache's mapping, the heap's
# reservation, native libraries and other anonymous memory; the generator's rate and CPU per operation; the load
# average. Output in bench/target/memory-<label>-<time>/ and a summary on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
warmup=90s; duration=30s; port=18290; label=run; nmt=true
while [[ $# -gt 0 ]]; do
  case $1 in
    --warmup) warmup=$2; shift 2;; --duration) duration=$2; shift 2;; --port) port=$2; shift 2;;
    --label) label=$2; shift 2;; --no-nmt) nmt=false; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
cd "$root"
[[ -f bench/target/portvakt-bench.jar ]] || ./mvnw -q -B -pl bench -am package -DskipTests
out=$root/bench/target/memory-$label-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/db"
load() { cut -d' ' -f1-3 /proc/loadavg; }
jcmd=$(dirname "$(readlink -f "$(ls -d /usr/lib/jvm/*-2[5-9]*/bin/java 2>/dev/null | sort -V -r | head -1)")")/jcmd
if $nmt; then export JAVA_OPTS="-XX:NativeMemoryTracking=summary ${JAVA_OPTS:-}"; fi
echo "memory run '$label' $(date -u '+%Y-%m-%d %H:%M') UTC, JAVA_OPTS='${JAVA_OPTS:-}' MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-(script default)}" | tee "$out/summary.txt"

authorize="http://127.0.0.1:$port/oauth2/authorize?response_type=code&client_id=flex-hrm&redirect_uri=http%3A%2F%2Flocalhost%3A8081%2Flogin%2Foauth2%2Fcode%2Fportvakt&scope=openid&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
args=(--spring.profiles.active=demo --server.port="$port" --portvakt.two-factor.prompt-snooze=0s)
# The first start makes the AOT cache when it is missing (a training run); unmeasured, as in side-by-side.sh.
start() {
  local dir=$1
  rm -rf "$dir"; mkdir -p "$dir"
  t0=$(date +%s%N)
  (cd "$dir" && exec "$root/scripts/production-start.sh" "${args[@]}" >server.log 2>&1) &
  pv=$!
  until curl -s -o /dev/null -m 1 -w '%{http_code} %{redirect_url}' "$authorize" 2>/dev/null | grep -q '^302 .*/signin'; do
    kill -0 "$pv" 2>/dev/null || { echo "did not start, see $dir/server.log" >&2; exit 1; }
    sleep 0.05
  done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop() { kill "$pv" 2>/dev/null || true; wait "$pv" 2>/dev/null || true; }
start "$out/db/first"; stop
start "$out/db/measured"
echo "start to a sign-in on a fresh database: $ms ms (load $(load))" | tee -a "$out/summary.txt"

snapshot() {
  local name=$1 f=$out/$1
  grep -E '^(VmRSS|RssAnon|RssFile|Threads)' "/proc/$pv/status" >"$f.status" 2>/dev/null || true
  grep -E '^Threads' "/proc/$pv/status" >>"$f.status" || true
  cat "/proc/$pv/smaps_rollup" >"$f.smaps_rollup"
  pmap -x "$pv" >"$f.pmap"
  if $nmt; then "$jcmd" "$pv" VM.native_memory summary scale=MB >"$f.nmt" 2>&1 || true; fi
  "$jcmd" "$pv" GC.heap_info >"$f.heap" 2>&1 || true
  "$(dirname "$jcmd")/jstat" -gc "$pv" >"$f.jstat" 2>&1 || true
  {
    echo "--- $name (load $(load))"
    awk 'NR==1 {for (i=1;i<=NF;i++) h[$i]=i} NR==2 {printf "  heap committed %d MB (young %d, old %d), used %d MB; young GCs %d (%.2f s), full GCs %d (%.2f s)\n", ($1+$2+$5+$7)/1024, ($1+$2+$5)/1024, $7/1024, ($3+$4+$6+$8)/1024, $(h["YGC"]), $(h["YGCT"]), $(h["FGC"]), $(h["FGCT"])}' "$f.jstat"
    awk '/^VmRSS/ {printf "VmRSS %d MB", $2/1024} /^RssAnon/ {printf ", anon %d", $2/1024} /^RssFile/ {printf ", file %d", $2/1024} END {print ""}' "$f.status"
    # pmap -x: Address Kbytes RSS Dirty Mode Mapping
    awk 'NR>2 && $1 ~ /^[0-9a-f]+$/ {
           m=$6; g="other anonymous";
           if (m ~ /\.aot$/) g="AOT cache mapping"; else if (m ~ /\.so/ ) g="native libraries"; else if (m ~ /\.jar$|\.jsa$|modules$/) g="jars, modules";
           else if (m != "[" && m != "" && m !~ /^\[/) g="other files";
           else if ($2 >= 100000 && $2 <= 140000 && heap == "") { heap=$1; g="heap reservation (first 100-140 MB anonymous)" }
           rss[g]+=$3; dirty[g]+=$4 }
         END { for (g in rss) printf "  pmap %-45s resident %4d MB, dirty %4d MB\n", g, rss[g]/1024, dirty[g]/1024 }' "$f.pmap" | sort
    if $nmt; then
      sed -n 's/^Total: reserved=[0-9]*MB, committed=\([0-9]*\)MB.*/  NMT total committed \1 MB/p' "$f.nmt"
      awk '/^-/ {cat=$2" "$3; gsub(/\(|\)/,"",cat)} /\(reserved=.*committed=/ && cat != "" {match($0, /committed=[0-9]+MB/); c=substr($0, RSTART+10, RLENGTH-12); if (c+0 >= 1) printf "  NMT %-28s %4d MB\n", cat, c; cat=""}' "$f.nmt"
      grep -E 'malloc: [0-9]+MB' "$f.nmt" | head -1 | sed 's/^ */  NMT malloc line: /'
    fi
  } | tee -a "$out/summary.txt"
}
sleep 5
snapshot after-start
run_bench() {
  local scenario=$1 n=$2
  java -jar bench/target/portvakt-bench.jar "$scenario" --base "http://127.0.0.1:$port" --concurrency "$n" \
      --warmup "$warmup" --duration "$duration" --server-pid "$pv" >"$out/$scenario.txt" 2>&1 || true
  echo "$scenario ($n): $(grep -E '^throughput' "$out/$scenario.txt" | head -1 | tr -s ' ') | $(grep -E '^cpu per op' "$out/$scenario.txt" | tr -s ' ') | $(grep -E '^loadavg' "$out/$scenario.txt" | tr -s ' ') | $(grep -E '^completed' "$out/$scenario.txt" | tr -s ' ') | VmRSS at its end $(awk '/^VmRSS/ {printf "%d", $2/1024}' "/proc/$pv/status") MB" | tee -a "$out/summary.txt"
}
run_bench signin 8
run_bench client-credentials 16
snapshot after-load
if [[ -n ${MEMORY_TRIM_CHECK:-} ]]; then
  "$jcmd" "$pv" System.trim_native_heap >"$out/trim.txt" 2>&1 || true
  sed 's/^/  trim: /' "$out/trim.txt" | tee -a "$out/summary.txt"
  snapshot after-trim
fi
stop
echo "output: $out"
