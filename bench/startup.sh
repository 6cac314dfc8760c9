#!/usr/bin/env bash
# Start-up time and memory of the packaged server.
#
#   bench/startup.sh [--runs 5] [--modes "plain production"] [--port 18080] [--fresh] [-- more Spring Boot arguments]
#
# Modes:  plain       java -jar server/target/portvakt-server-*.jar on the default java (JDK 17 here)
#         plain25     the same jar on JDK 25 (JAVA25_HOME or /usr/lib/jvm/*25*), no other options
#         production  scripts/production-start.sh (AOT-processed, extracted, JDK 25 AOT cache, serial GC)
# Each mode gets a fresh working directory under bench/target/startup-*/ (so a fresh H2 database); one unmeasured start
# first creates the database (and, for production, the AOT cache), then --runs measured starts follow. With --fresh
# each measured start gets a working directory of its own, so a fresh database (issue 14's start, as
# bench/side-by-side.sh measures it); without it they restart on the first start's database.
# Per start: wall time from launching the process to /actuator/health/readiness answering UP (polled every
# 50 ms), Spring's own "Started ... in X seconds", VmRSS from /proc/PID/status at readiness and 5 s later, and
# the CPU time the process had used at readiness (/proc/PID/stat; the measure that neighbours disturb least).
# The demo profile is active (its bootstrap file is applied at every start, as in the run command).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=5; modes="plain production"; port=18080; fresh=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2;;
    --modes) modes=$2; shift 2;;
    --port) port=$2; shift 2;;
    --fresh) fresh=true; shift;;
    --) shift; break;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
extra=("$@")
jar=$(ls "$root"/server/target/portvakt-server-*.jar 2>/dev/null | grep -v '\.original$' | head -1 || true)
if [[ -z $jar ]]; then (cd "$root" && ./mvnw -q -pl server -am -Paot package -DskipTests); jar=$(ls "$root"/server/target/portvakt-server-*.jar | grep -v '\.original$' | head -1); fi
java25=${JAVA25_HOME:+$JAVA25_HOME/bin/java}
if [[ -z $java25 ]]; then
  for d in $(ls -d /usr/lib/jvm/*-2[5-9]* 2>/dev/null | sort -V -r); do [[ -x $d/bin/java ]] && { java25=$d/bin/java; break; }; done
fi

command_for() {
  case $1 in
    plain) echo "java -jar $jar";;
    plain25) echo "$java25 -jar $jar";;
    production) echo "$root/scripts/production-start.sh";;
    *) echo "unknown mode $1" >&2; exit 2;;
  esac
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# CPU seconds (user + system, all threads) the process has used so far: far less sensitive to neighbours than
# wall time. Fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends the command name.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# start MODE LOG -> prints "ready_ms started_s rss_ready_mb rss_settled_mb cpu_ready_s"
start_once() {
  local mode=$1 log=$2 cmd t0 t1 pid started
  cmd=$(command_for "$mode")
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  $cmd --spring.profiles.active=demo --server.port="$port" "${extra[@]}" >"$log" 2>&1 &
  pid=$!
  local deadline=$(( $(date +%s) + 300 ))
  until curl -sf -m 1 "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; do
    if ! kill -0 "$pid" 2>/dev/null || (( $(date +%s) > deadline )); then
      echo "start failed or timed out; log: $log" >&2; kill "$pid" 2>/dev/null || true; return 1
    fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  local rss_ready rss_settled cpu_ready
  cpu_ready=$(cpu_s "$pid")
  rss_ready=$(rss_kb "$pid")
  sleep 5
  rss_settled=$(rss_kb "$pid")
  started=$(sed -n 's/.*Started PortvaktApplication in \([0-9.]*\) seconds.*/\1/p' "$log" | tail -1)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) ${started:-?} $(( rss_ready / 1024 )) $(( rss_settled / 1024 )) $cpu_ready"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "?"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
echo "jar: ${jar#$root/}"
out=$root/bench/target/startup-$(date +%Y%m%d-%H%M%S)
for mode in $modes; do
  work=$out/$mode
  mkdir -p "$work"
  cd "$work"
  echo
  echo "== $mode: $(command_for "$mode")  (working dir with a fresh ./data)"
  echo "   first start (creates the database$([[ $mode == production ]] && echo ", maybe the AOT cache"); not counted): $(start_once "$mode" "$work/first.log" || echo failed)"
  printf '   %-4s %-9s %-17s %-13s %-15s %-12s %s\n' run ready_ms spring_started_s rss_ready_MB rss_after5s_MB cpu_ready_s loadavg
  : > "$work/results"
  for i in $(seq 1 "$runs"); do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    if $fresh; then mkdir -p "$work/run$i" && cd "$work/run$i"; fi
    r=$(start_once "$mode" "$work/run$i.log") || r="failed"
    printf '   %-4s %-9s %-17s %-13s %-15s %-12s %s\n' "$i" $r "$load"
    [[ $r != failed ]] && echo "$r" >> "$work/results"
  done
  echo "   median: ready $(awk '{print $1}' "$work/results" | median) ms, Spring 'Started' $(awk '{print $2}' "$work/results" | median) s, RSS at ready $(awk '{print $3}' "$work/results" | median) MB, 5 s later $(awk '{print $4}' "$work/results" | median) MB, CPU to ready $(awk '{print $5}' "$work/results" | median) s  (loadavg now $(cut -d' ' -f1-3 /proc/loadavg))"
  cd "$root"
done
echo
echo "logs and databases: ${out#$root/}"
