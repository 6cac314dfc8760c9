#!/usr/bin/env bash
# Where a browser sign-in's (or a client-credentials request's) server CPU goes: starts Portvakt with its
# production start the way bench/side-by-side.sh does (scripts/production-start.sh --spring.profiles.active=demo --server.port=18090
# --portvakt.two-factor.prompt-snooze=0s, a fresh working directory, so a fresh H2 database), with Java Flight
# Recorder on from launch (settings=profile: a recording started later with jcmd deoptimizes compiled code and
# inflates the crypto, see docs/performance.md), runs the load (bench/run.sh signin, 8 users; or with
# --scenario client-credentials, 16 connections of the demo's payroll-sync client, RS256, as side-by-side.sh), and
# prints:
#   - the load generator's figures (rate, server CPU per operation);
#   - the server's CPU time in the measured window by thread group (/proc/PID/task/*/stat: request threads,
#     the serial collector's VM Thread, the JIT compilers, JFR, the rest), in ms per operation;
#   - with perf (if it may record the server): user-space CPU samples by shared object (libargon2, JIT-compiled
#     code, libjvm = GC and compilers, libc), which JFR cannot see: Argon2id runs in native code through JNA;
#   - bench/JfrSummary.java's summary of the recording's samples in the measured window: shares by area (self and
#     inclusive), the hottest methods, the native calls, allocation by class, garbage collections.
#
#   bench/profile.sh [--scenario signin|client-credentials] [--warmup 20s] [--duration 40s] [--users 8]
#                    [--port 18090] [--no-perf] [--no-jfr] [-- more options for the load generator]
#   bench/profile.sh --warmup 90s                    # warm: the JIT has mostly finished (docs/performance.md)
#   bench/profile.sh --warmup 90s --no-perf --no-jfr # the same load without profilers, for their cost
#   bench/profile.sh --scenario client-credentials --warmup 60s   # users default to 16 there
#
# PORTVAKT_JAR and PORTVAKT_APP_DIR (scripts/production-start.sh) profile another build, e.g. the one before a
# change, beside this one.
# Needs the JDK 25 that the production start uses (JAVA25_HOME or /usr/lib/jvm/*25*) for jcmd and JfrSummary.
# The production start's AOT cache is made by an unmeasured start first when missing (without JFR).
# Output: stdout and bench/target/profile-<time>.txt; the recording, perf data and server log under
# bench/target/profile-<time>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
warmup=20s; duration=40s; users=""; port=18090; use_perf=1; use_jfr=1; scenario=signin; extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --scenario) scenario=$2; shift 2;;
    --) shift; extra=("$@"); break;;
    --warmup) warmup=$2; shift 2;; --duration) duration=$2; shift 2;; --users) users=$2; shift 2;;
    --port) port=$2; shift 2;; --no-perf) use_perf=0; shift;; --no-jfr) use_jfr=0; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
case $scenario in
  signin) unit=sign-in; units=sign-ins; users=${users:-8};;
  client-credentials) unit=request; units=requests; users=${users:-16};;
  *) echo "unknown scenario $scenario (signin, client-credentials)" >&2; exit 2;;
esac
secs() { local v=${1%s}; echo "${v%.*}"; }
cd "$root"
jdk=${JAVA25_HOME:-$(ls -d /usr/lib/jvm/*-2[5-9]* 2>/dev/null | sort -V -r | head -1)}
[[ -x $jdk/bin/jcmd ]] || { echo "no JDK 25 (set JAVA25_HOME)" >&2; exit 2; }
[[ -f bench/target/portvakt-bench.jar && ${BENCH_REBUILD:-0} != 1 ]] || ./mvnw -q -B -pl bench -am package -DskipTests
jar=${PORTVAKT_JAR:-$(ls server/target/portvakt-server-*.jar 2>/dev/null | grep -v '\.original$' | head -1 || true)}
app=${PORTVAKT_APP_DIR:-server/target/production}
[[ -n $jar ]] || ./mvnw -q -B -pl server -am -Paot package -DskipTests
stamp=$(date +%Y%m%d-%H%M%S)
out=$root/bench/target/profile-$stamp
mkdir -p "$out"
exec > >(tee "$out.txt") 2>&1
load() { cut -d' ' -f1-3 /proc/loadavg; }
listener() { ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
[[ -z $(listener "$port") ]] || { echo "port $port is taken (--port)" >&2; exit 1; }

pv_args=(--spring.profiles.active=demo --server.port="$port" --portvakt.two-factor.prompt-snooze=0s)
authorize="http://127.0.0.1:$port/oauth2/authorize?response_type=code&client_id=flex-hrm&redirect_uri=http%3A%2F%2Flocalhost%3A8081%2Flogin%2Foauth2%2Fcode%2Fportvakt&scope=openid&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
# start DIR [JAVA_TOOL_OPTIONS] -> pv (the java process)
start() {
  local dir=$1 tool=${2:-}
  mkdir -p "$dir"
  (cd "$dir" && JAVA_TOOL_OPTIONS=$tool exec "$root/scripts/production-start.sh" "${pv_args[@]}" >server.log 2>&1) &
  pv=$!
  local deadline=$(( $(date +%s) + 600 ))
  until curl -s -o /dev/null -m 1 -w '%{http_code} %{redirect_url}' "$authorize" 2>/dev/null | grep -q '^302 .*/signin'; do
    if ! kill -0 "$pv" 2>/dev/null || (( $(date +%s) > deadline )); then echo "Portvakt did not start, see $dir/server.log" >&2; exit 1; fi
    sleep 0.1
  done
}
stop() { kill "$pv" 2>/dev/null || true; wait "$pv" 2>/dev/null || true; }
pv=""; gen=""
trap '[[ -z $gen ]] || kill "$gen" 2>/dev/null || true; [[ -z $pv ]] || stop' EXIT
# thread CPU of a process: "name ticks" per thread (utime + stime), names with digits folded into groups
threads() {
  for f in /proc/"$1"/task/*/stat; do
    # a thread may end between the glob and the read
    sed -E 's/^[0-9]+ \((.*)\) [A-Za-z] (.*)$/\1|\2/' "$f" 2>/dev/null | awk -F'|' '{split($2, a, " "); print $1 "|" a[11] + a[12]}' || true
  done | awk -F'|' '{
      n = $1
      if (n ~ /^http-nio/) g = "Tomcat threads (http-nio-*: the request threads, acceptor, poller)";
      else if (n == "VM Thread") g = "VM Thread (the serial collector, safepoints)";
      else if (n ~ /^C2 Compiler/) g = "C2 compiler threads";
      else if (n ~ /^C1 Compiler/) g = "C1 compiler threads";
      else if (n ~ /^JFR|^JFR Periodic|^JFR Recorder|^JFR Thread Sampler/) g = "JFR";
      else if (n ~ /^Hikari|^HikariPool/) g = "Hikari pool";
      else g = "other: " n;
      t[g] += $2 } END { for (g in t) print g "|" t[g] }' | LC_ALL=C sort
}

echo "profile run $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), loadavg $(load)"
echo "server: scripts/production-start.sh ${pv_args[*]}, JDK $jdk; load: bench/run.sh $scenario ${extra[*]}, $users users, warm-up $warmup, measured $duration"
echo "main at $(git rev-parse --short HEAD)"
cache=$(ls "$app"/portvakt-*.aot 2>/dev/null | head -1 || true)
if [[ -z $cache || $app/portvakt-server.jar -nt $cache || $jar -nt $cache ]]; then
  echo "unmeasured first start (extracts the jar, makes the AOT cache)"
  start "$out/first"; stop
fi
rec=$out/recording.jfr
jfr_opts=""
(( use_jfr )) && jfr_opts="-XX:StartFlightRecording=filename=$rec,settings=profile,dumponexit=true -XX:FlightRecorderOptions=stackdepth=256"
start "$out/server" "$jfr_opts"
echo "server pid $pv (loadavg $(load))"
hz=$(getconf CLK_TCK)

java -jar bench/target/portvakt-bench.jar "$scenario" --base "http://127.0.0.1:$port" --concurrency "$users" \
    --warmup "$warmup" --duration "$duration" --server-pid "$pv" "${extra[@]}" >"$out/load.txt" 2>&1 &
gen=$!
# The measured window starts when the generator's JVM is up and the warm-up is over; our own window sits inside
# it (1.5 s later, ending 1.5 s before it ends) so that it covers only measured load.
sleep "$(( $(secs "$warmup") ))"; sleep 1.5
w0=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ); n0=$(date +%s%N); l0=$(load)
threads "$pv" >"$out/threads-0"
wsecs=$(( $(secs "$duration") - 3 ))
perf_ok=0
if (( use_perf )) && command -v perf >/dev/null; then
  if perf record -e cpu-clock -F 997 -p "$pv" -o "$out/perf.data" -- sleep "$wsecs" >"$out/perf.log" 2>&1; then perf_ok=1; fi
else
  sleep "$wsecs"
fi
threads "$pv" >"$out/threads-1"
w1=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ); n1=$(date +%s%N); l1=$(load)
wait "$gen" || true
(( ! use_jfr )) || "$jdk/bin/jcmd" "$pv" JFR.dump filename="$out/window.jfr" >/dev/null 2>&1 || cp "$rec" "$out/window.jfr" 2>/dev/null || true
stop

echo
echo "== the load generator (bench/run.sh $scenario)"
sed 's/^/    /' "$out/load.txt" | grep -v '^    (the load'
rate=$(sed -n 's/^throughput *\([0-9.]*\).*/\1/p' "$out/load.txt")
window=$(awk -v a="$n0" -v b="$n1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
ops=$(awk -v r="$rate" -v w="$window" 'BEGIN { printf "%.0f", r * w }')
echo
echo "== our window: $w0 .. $w1 ($window s, loadavg $l0 at its start, $l1 at its end): ~$ops $units at $rate /s"
echo "   server CPU by thread group (utime + stime from /proc/$pv/task/*/stat), ms per $unit and share:"
LC_ALL=C join -t'|' -a1 -a2 -e0 -o 0,1.2,2.2 "$out/threads-0" "$out/threads-1" | awk -F'|' -v hz="$hz" -v ops="$ops" '
    { d = $3 - $2; if (d < 0) d = $3; ms[$1] = d * 1000 / hz; total += ms[$1] }
    END { for (g in ms) if (ms[g] > 0) printf "%10.2f ms %5.1f %%  %s\n", ms[g] / ops, 100 * ms[g] / total, g
          printf "%10.2f ms        total (threads alive at the window end)\n", total / ops }' | sort -rn
if (( perf_ok )); then
  echo
  echo "== perf: user-space CPU samples in the window by shared object (JIT-compiled Java shows as its own entry)"
  perf report -i "$out/perf.data" --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15 | sed 's/^/    /' || true
  echo "   top symbols outside JIT-compiled code:"
  perf report -i "$out/perf.data" --sort dso,sym --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' \
      | grep -v 'perf-[0-9]*\.map\|\[unknown\]\|\[JIT\]' | head -25 | sed 's/^/    /' || true
elif (( use_perf )); then
  echo "(perf could not record the server: $(tail -1 "$out/perf.log" 2>/dev/null))"
fi
if (( use_jfr )); then
echo
[[ -s $out/window.jfr ]] || cp "$rec" "$out/window.jfr"
echo "== JFR (${out#$root/}/window.jfr, dumped right after the window), events in our window"
"$jdk/bin/java" "$root/bench/JfrSummary.java" "$out/window.jfr" "$w0" "$w1" "$ops"
fi
echo
echo "full output: ${out#$root/}.txt and ${out#$root/}/"
