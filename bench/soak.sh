#!/usr/bin/env bash
# The soak test of issue 14: two Portvakt nodes on one PostgreSQL database behind HAProxy (scripts/cluster.sh), the
# sign-in journey at a fixed 80 % of the maximum sign-in rate for 30 minutes; checks that nothing fails, that the
# nodes' memory stays flat and that housekeeping keeps the session and sign-in-flow tables bounded.
#
#   bench/soak.sh                                   # measure the maximum, then 30 minutes at 80 % of it
#   bench/soak.sh --duration 3m --warmup 30s --measure 30s --lifetime 1m    # a short run that checks the script
#   bench/soak.sh --rate 12 --duration 2h           # a rate given: no measurement
#
# Settings (defaults in brackets):
#   --duration D    the soak's measured window [30m]
#   --rate R        sign-ins per second to hold; not set: 80 % (--share) of the maximum measured first
#   --share P       the percentage of the measured maximum to hold [80]
#   --users N       virtual users of the measurement (closed loop); the soak lets up to 2 x N sign-ins be in
#                   flight at once (open loop: a sign-in starts when it is due, whatever the others take) [8, at
#                   most 16]. Virtual user I signs in as bench.push.I@company.com (bench/push-people.yaml, the nodes'
#                   bootstrap file here; 32 people): one person per user, because password checks in flight count
#                   against the per-account limit until they end (decision 0013), so 11 sign-ins of one account at
#                   once are refused however right their passwords
#   --warmup D      not counted, before the measurement and again before the soak's window [2m]
#   --measure D     the measurement's window (closed loop, --users users) [60s]
#   --every D       a sample of the nodes and the database, and a line of the load generator, this often [1m]
#   --lifetime D    the nodes' browser-session timeout and sign-in flow lifetime, with housekeeping every minute, so
#                   that the tables reach their steady state within the run [5m]; "server": the server's own
#                   (30m sessions, 15m flows, housekeeping every 5m: a run must be longer than about 40m to judge)
#   --keep-db       keep the database at the end (it is dropped otherwise; an existing one is reused)
#   --port P        the proxy's port; the nodes use P+1 and P+2, HAProxy's statistics P+9 [18460]
# Environment: SPRING_DATASOURCE_URL [jdbc:postgresql://127.0.0.1:5432/portvakt_soak], _USERNAME [postgres],
# _PASSWORD; PORTVAKT_CLUSTER_ARGS and PORTVAKT_CLUSTER_JAVA_OPTS pass on to scripts/cluster.sh; BENCH_JAVA_OPTS the
# load generator's JVM options.
#
# The nodes run with their heap committed and touched at start (-Xms = -Xmx, -XX:+AlwaysPreTouch) and with native
# memory tracking (-XX:NativeMemoryTracking=summary): a heap that fills up to its limit is not growth, and resident
# memory then moves only with what is outside the heap. Each --every the script makes each node collect its whole
# heap (jcmd GC.run: a full collection, under a second at these sizes) and samples, per node, resident memory (VmRSS
# of /proc/PID/status), the heap in use just after that collection (what is live: jvm_memory_used_bytes{area="heap"}
# from /actuator/prometheus, which the nodes answer on loopback) and the JVM's own native memory (NMT's committed
# total, which includes the heap; resident minus it is what native libraries hold, Argon2id's blocks among them); the
# load generator's line for the interval (sign-ins done, errors, latency percentiles from when each was due); and in
# the database the rows of spring_session, spring_session_attributes, signin_flow, oauth2_authorization, audit_event,
# with sizes.
#
# The checks (exit 1 when one fails):
#   errors      no sign-in of the soak's window failed, and HAProxy answered no 5xx
#   rate        the rate achieved is at least 95 % of the target
#   memory      "flat": per node, the slope of resident memory over the last two thirds of the window (Theil-Sen:
#               the median of the slopes between every two samples) is under 10 MB per 10 minutes (judged with at
#               least 3 samples there)
#   heap        the same for the heap live after each sample's full collection
#   tables      at every sample, spring_session and signin_flow hold at most 1.25 x the sign-ins of
#               (lifetime + housekeeping interval + 1 minute) at the highest rate run: what the lifetimes allow
# Output: the report on stdout and in bench/target/soak-<time>.txt; logs, samples and the cluster's folder under
# bench/target/soak-<time>/. Everything started is stopped at the end (also on Ctrl-C).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=30m; rate=""; share=80; users=8; warmup=2m; measure=60s; every=1m; lifetime=5m; keep_db=0; port=18460
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=$2; shift 2;; --rate) rate=$2; shift 2;; --share) share=$2; shift 2;;
    --users) users=$2; shift 2;; --warmup) warmup=$2; shift 2;; --measure) measure=$2; shift 2;;
    --every) every=$2; shift 2;; --lifetime) lifetime=$2; shift 2;; --keep-db) keep_db=1; shift;;
    --port) port=$2; shift 2;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2;;
  esac
done
# seconds D: 90, 90s, 5m, 1h
seconds() {
  case $1 in
    *ms) echo 0;; *s) echo "${1%s}";; *m) echo $(( ${1%m} * 60 ));; *h) echo $(( ${1%h} * 3600 ));; *) echo "$1";;
  esac
}
dur_s=$(seconds "$duration"); every_s=$(seconds "$every")
[[ $users =~ ^[0-9]+$ && $users -ge 1 && $users -le 16 ]] || { echo "soak: --users is 1 to 16 (2 x N people in bench/push-people.yaml)" >&2; exit 2; }
[[ $dur_s =~ ^[0-9]+$ && $every_s =~ ^[0-9]+$ && $every_s -gt 0 && $dur_s -ge $every_s ]] \
  || { echo "soak: --duration and --every must be whole seconds or minutes, --duration at least --every" >&2; exit 2; }

cd "$root"
export SPRING_DATASOURCE_URL=${SPRING_DATASOURCE_URL:-jdbc:postgresql://127.0.0.1:5432/portvakt_soak}
db_user=${SPRING_DATASOURCE_USERNAME:-postgres}
[[ $SPRING_DATASOURCE_URL =~ ^jdbc:postgresql://([^/:]+)(:([0-9]+))?/([A-Za-z0-9_]+) ]] \
  || { echo "soak: SPRING_DATASOURCE_URL must be jdbc:postgresql://host[:port]/name" >&2; exit 2; }
db_host=${BASH_REMATCH[1]}; db_port=${BASH_REMATCH[3]:-5432}; db_name=${BASH_REMATCH[4]}
psql_on() {
  local db=$1; shift
  PGPASSWORD=${SPRING_DATASOURCE_PASSWORD:-} PGCONNECT_TIMEOUT=20 psql -X -q -h "$db_host" -p "$db_port" -U "$db_user" \
    -d "$db" -tA "$@"
}
psql_on postgres -c 'select 1' >/dev/null || { echo "soak: PostgreSQL at $db_host:$db_port cannot be reached" >&2; exit 1; }

if [[ $lifetime == server ]]; then
  life_s=1800; housekeeping_s=300; server_args=""
else
  life_s=$(seconds "$lifetime"); housekeeping_s=60
  server_args="--server.servlet.session.timeout=$lifetime --portvakt.signin.flow-ttl=$lifetime --portvakt.housekeeping.every=1m"
fi

[[ -f bench/target/portvakt-bench.jar && ${BENCH_REBUILD:-0} != 1 ]] || ./mvnw -q -B -pl bench -am package -DskipTests
stamp=$(date +%Y%m%d-%H%M%S)
out=$root/bench/target/soak-$stamp
mkdir -p "$out"
export PORTVAKT_CLUSTER_DIR=$out/cluster PORTVAKT_CLUSTER_PORT=$port
export PORTVAKT_CLUSTER_ARGS="$server_args ${PORTVAKT_CLUSTER_ARGS:-}"
# scripts/cluster.sh's options, with the heap committed and touched at start and native memory tracked (above)
export PORTVAKT_CLUSTER_JAVA_OPTS=${PORTVAKT_CLUSTER_JAVA_OPTS:--XX:+UseSerialGC -Xss512k -Xms192m -Xmx192m -XX:+AlwaysPreTouch -XX:MaxMetaspaceSize=128m -XX:NativeMemoryTracking=summary}
export PORTVAKT_BOOTSTRAP=${PORTVAKT_BOOTSTRAP:-file:$root/bench/push-people.yaml}
base=http://127.0.0.1:$port
gen=""
existed=$(psql_on postgres -c "select 1 from pg_database where datname = '$db_name'")

finish() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $gen ]] && kill "$gen" 2>/dev/null && wait "$gen" 2>/dev/null
  scripts/cluster.sh stop >>"$out/cluster.txt" 2>&1 || true
  if [[ $keep_db == 1 ]]; then
    echo "soak: database $db_name kept" >&2
  else
    psql_on postgres -c "drop database if exists \"$db_name\"" >/dev/null 2>&1 \
      && echo "soak: database $db_name dropped (--keep-db keeps it)" >&2
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

load() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "soak: $(date -u +%H:%M:%S) $*" >&2; }
say "starting 2 nodes and HAProxy on $base (database $db_name${existed:+, reused}; log ${out#"$root"/}/cluster.txt)"
scripts/cluster.sh start 2 >"$out/cluster.txt" 2>&1 || { tail -20 "$out/cluster.txt" >&2; exit 1; }
pids=("$(cat "$out/cluster/node1.pid")" "$(cat "$out/cluster/node2.pid")")

# ------------------------------------------------------------------ sampling
rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
# heap live MB (in use just after a full collection), the JVM's native memory MB (NMT's committed total, the heap
# included), full collections so far: "? ? ?" when the node does not answer
jvm_of() {
  local pid=${pids[$(($1 - 1))]} heap nmt live major
  jcmd "$pid" GC.run >/dev/null 2>&1 || { echo "? ? ?"; return; }
  heap=$(curl -s --max-time 10 "http://127.0.0.1:$((port + $1))/actuator/prometheus" | awk '
    /^jvm_memory_used_bytes\{/ && /area="heap"/ { heap += $NF }
    /^jvm_gc_pause_seconds_count\{/ && /action="end of major GC"/ { major += $NF }
    END { if (heap == "") print "? ?"; else printf "%.0f %d\n", heap / 1048576, major }')
  nmt=$(jcmd "$pid" VM.native_memory summary scale=MB 2>/dev/null | sed -n 's/^Total: .*committed=\([0-9]*\)MB.*/\1/p')
  read -r live major <<<"$heap"
  echo "$live ${nmt:-?} $major"
}
db_sample() {
  psql_on "$db_name" -F ' ' -c "select (select count(*) from spring_session), (select count(*) from spring_session_attributes),
      (select count(*) from signin_flow), (select count(*) from oauth2_authorization), (select count(*) from audit_event),
      round(pg_database_size(current_database()) / 1048576.0),
      round((pg_total_relation_size('spring_session') + pg_total_relation_size('spring_session_attributes')) / 1048576.0, 1),
      round(pg_total_relation_size('oauth2_authorization') / 1048576.0, 1)" 2>/dev/null || echo "? ? ? ? ? ? ? ?"
}
# one line of samples.txt: t(s) rss1 live1 nmt1 full1 rss2 live2 nmt2 full2 sessions attrs flows auths audit db_mb sess_mb auth_mb
sample() {
  echo "$1 $(rss_mb "${pids[0]}") $(jvm_of 1) $(rss_mb "${pids[1]}") $(jvm_of 2) $(db_sample)" >>"$out/samples.txt"
}

# ------------------------------------------------------------------ the maximum
generator() { java ${BENCH_JAVA_OPTS:-} -jar bench/target/portvakt-bench.jar signin --base "$base" --node-header X-Portvakt-Node \
  --email 'bench.push.%d@company.com' "$@"; }
max_rate=""
if [[ -z $rate ]]; then
  say "measuring the maximum sign-in rate: closed loop, $users users, warm-up $warmup, measured $measure (load $(load))"
  generator --concurrency "$users" --warmup "$warmup" --duration "$measure" >"$out/maximum.txt" 2>&1 || true
  max_rate=$(sed -n 's/^throughput *\([0-9.]*\).*/\1/p' "$out/maximum.txt")
  max_errors=$(sed -n 's/^completed *[0-9]* operations, \([0-9]*\) errors.*/\1/p' "$out/maximum.txt")
  [[ -n $max_rate && $max_rate != 0.0 ]] || { say "the measurement gave no rate:"; cat "$out/maximum.txt" >&2; exit 1; }
  rate=$(awk -v m="$max_rate" -v p="$share" 'BEGIN { printf "%.2f", m * p / 100 }')
  say "maximum $max_rate sign-ins/s ($max_errors errors); the soak holds $share % of it: $rate/s"
fi

# ------------------------------------------------------------------ the soak
say "soak: $rate sign-ins/s open loop (at most $((2 * users)) in flight), warm-up $warmup, measured $duration, a sample every $every"
soak_load_start=$(load)
soak_began=$(date -u '+%Y-%m-%d %H:%M')
generator --rate "$rate" --concurrency "$((2 * users))" --warmup "$warmup" --duration "$duration" \
  --interval "${every_s}s" >"$out/soak.txt" 2>&1 &
gen=$!
: >"$out/samples.txt"
seen=-1
# A sample when the window begins and at each of the generator's interval lines (the last one after it ended).
catch_up() {
  if ((seen < 0)) && grep -q '^measuring ' "$out/soak.txt"; then
    sample 0; seen=0
  fi
  while ((seen >= 0)) && line=$(grep '^interval ' "$out/soak.txt" | sed -n "$((seen + 1))p") && [[ -n $line ]]; do
    seen=$((seen + 1))
    sample "$(awk '{print $4}' <<<"$line" | tr -d s)"
    say "$line"
  done
}
while kill -0 "$gen" 2>/dev/null; do
  catch_up
  sleep 1
done
wait "$gen" || true
gen=""
catch_up
soak_ended=$(date -u +%H:%M)

# ------------------------------------------------------------------ the report
stats=$(curl -s --max-time 5 "http://127.0.0.1:$((port + 9))/;csv" || true)
proxy() { # a column of HAProxy's backend row by its name
  awk -F, -v col="$1" 'NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) c[$i] = i; next }
    $1 == "nodes" && $2 == "BACKEND" { print $(c[col]) + 0 }' <<<"$stats"
}
log_errors() { grep -c ' ERROR ' "$out/cluster/node$1.log" 2>/dev/null || true; }
val() { sed -n "s/^$2 *//p" "$out/$1" | head -1; } # val FILE FIELD: a line of the load generator's output
achieved=$(sed -n 's/^throughput *\([0-9.]*\).*/\1/p' "$out/soak.txt")
errors=$(sed -n 's/^completed *[0-9]* operations, \([0-9]*\) errors.*/\1/p' "$out/soak.txt")
proxy_5xx=$(proxy hrsp_5xx); retries=$(proxy wretr); redispatches=$(proxy wredis)
rows_bound=$(awk -v a="${max_rate:-0}" -v r="$rate" -v l="$life_s" -v h="$housekeeping_s" \
  'BEGIN { m = (a + 0 > r + 0) ? a : r; printf "%d", 1.25 * m * (l + h + 60) }')
failed=0
check() { # check NAME PASSED(0|1|-) TEXT
  local verdict
  case $2 in 1) verdict=pass;; 0) verdict=FAIL; failed=1;; *) verdict="not judged";; esac
  printf '  %-8s %-10s %s\n' "$1" "$verdict" "$3"
}
# slope COLUMN: MB per 10 minutes over the samples at t >= a third of the window (Theil-Sen: the median of the slopes
# between every two samples, so one sample taken while the heap was resized or the machine stalled does not decide
# it), and the number of samples; "-" below 3 samples.
slope() {
  local pts n
  pts=$(awk -v c="$1" -v from="$((dur_s / 3))" '$1 >= from && $c != "?" { print $1 / 600, $c }' "$out/samples.txt")
  n=$(grep -c . <<<"$pts" || true)
  if ((n < 3)); then echo "- $n"; return; fi
  awk '{ x[NR] = $1; y[NR] = $2 } END { for (i = 1; i < NR; i++) for (j = i + 1; j <= NR; j++) print (y[j] - y[i]) / (x[j] - x[i]) }' <<<"$pts" \
    | sort -g | awk -v n="$n" '{ s[NR] = $1 } END { printf "%.1f %d\n", (NR % 2) ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2, n }'
}

report=$out.txt
{
echo "=== soak report: $soak_began-$soak_ended UTC; $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "two nodes (scripts/cluster.sh: $PORTVAKT_CLUSTER_JAVA_OPTS) on PostgreSQL $db_name, HAProxy round robin"
echo "node arguments: ${PORTVAKT_CLUSTER_ARGS## }"
echo "settings: --duration $duration --warmup $warmup --users $users --every $every --lifetime $lifetime${max_rate:+ --measure $measure --share $share}"
echo "loadavg at the soak's start $soak_load_start, at the end $(load)"
echo
if [[ -n $max_rate ]]; then
  echo "maximum (closed loop, $users users, measured $measure): $max_rate sign-ins/s, $max_errors errors; $(val maximum.txt latency)"
fi
echo "target: $rate sign-ins/s${max_rate:+ ($share % of the maximum)}; achieved $achieved/s over $duration"
echo "$(sed -n 's/^open loop *//p' "$out/soak.txt")"
echo "latency (from when each sign-in was due) over the window: $(val soak.txt latency)"
echo "errors: $errors in the window (generator); HAProxy: $proxy_5xx answers 5xx, $retries retries, $redispatches redispatches;"
echo "        ERROR lines in the node logs: node 1 $(log_errors 1), node 2 $(log_errors 2)"
sed -n '/^failures/,/^succeeded on/p' "$out/soak.txt" | sed 's/^/        /'
echo
echo "per interval (t = seconds since the window began; MB; sessions = spring_session rows, attrs = their attributes,"
echo "flows = signin_flow, auths = oauth2_authorization (kept a week after their last token: grow by design),"
echo "audit = audit_event (kept 90 days or more: grow by design); live = the heap after a full collection; nmt = the"
echo "JVM's committed native memory with the heap (resident - nmt: native libraries); full = full collections so far)"
printf '%5s %5s %4s %6s %7s %7s %7s | %5s %5s %5s %4s | %5s %5s %5s %4s | %8s %8s %6s %8s %8s %6s %7s\n' \
  t ok err rate p50 p90 p99 rss1 live1 nmt1 full1 rss2 live2 nmt2 full2 sessions attrs flows auths audit db_MB sess_MB
awk 'NR == FNR { if ($1 == "interval") { t = $4; sub(/s$/, "", t); ok[t] = $6; err[t] = $8; rate[t] = $10; sub(/\/s$/, "", rate[t]);
                   if ($13 == "p50") { p50[t] = $14; p90[t] = $16; p99[t] = $18 } else { p50[t] = p90[t] = p99[t] = "-" } }; next }
     { t = $1; printf "%5s %5s %4s %6s %7s %7s %7s | %5s %5s %5s %4s | %5s %5s %5s %4s | %8s %8s %6s %8s %8s %6s %7s\n",
       t, (t in ok) ? ok[t] : "-", (t in err) ? err[t] : "-", (t in rate) ? rate[t] : "-", (t in ok) ? p50[t] : "-",
       (t in ok) ? p90[t] : "-", (t in ok) ? p99[t] : "-", $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 }' \
  "$out/soak.txt" "$out/samples.txt"
echo
echo "checks:"
check errors "$([[ $errors == 0 && $proxy_5xx == 0 ]] && echo 1 || echo 0)" \
  "$errors failed sign-ins in the window, $proxy_5xx answers 5xx from HAProxy (both must be 0)"
check rate "$(awk -v a="$achieved" -v t="$rate" 'BEGIN { print (a + 0 >= 0.95 * t) ? 1 : 0 }')" \
  "achieved $achieved/s of the target $rate/s (at least 95 %)"
for node in 1 2; do
  rc=$((node == 1 ? 2 : 6)); lc=$((node == 1 ? 3 : 7))
  read -r s n < <(slope "$rc")
  if [[ $s == - ]]; then
    check "memory" - "node $node: resident memory, only $n samples in the last two thirds of the window (3 needed)"
  else
    check "memory" "$(awk -v s="$s" 'BEGIN { print (s < 10) ? 1 : 0 }')" \
      "node $node: resident memory $(awk '{print $'"$rc"'}' "$out/samples.txt" | tr '\n' ' ')MB; slope over the last two thirds ($n samples) $s MB per 10 min (under 10: flat)"
  fi
  read -r s n < <(slope "$lc")
  if [[ $s == - ]]; then
    check "heap" - "node $node: heap live after a full collection, only $n samples in the last two thirds (3 needed)"
  else
    check "heap" "$(awk -v s="$s" 'BEGIN { print (s < 10) ? 1 : 0 }')" \
      "node $node: heap live after a full collection $(awk '{print $'"$lc"'}' "$out/samples.txt" | tr '\n' ' ')MB; slope $s MB per 10 min over $n samples (under 10: flat)"
  fi
done
for col in 10:spring_session 12:signin_flow; do
  c=${col%%:*}; name=${col#*:}
  most=$(awk -v c="$c" '$c != "?" && $c + 0 > m { m = $c + 0 } END { print m + 0 }' "$out/samples.txt")
  check tables "$( ((most <= rows_bound)) && echo 1 || echo 0)" \
    "$name: at most $most rows; bound $rows_bound = 1.25 x $(awk -v a="${max_rate:-0}" -v r="$rate" 'BEGIN { print (a + 0 > r + 0) ? a : r }')/s x (lifetime ${life_s}s + housekeeping ${housekeeping_s}s + 60s)"
done
if ((dur_s < life_s + 2 * housekeeping_s)); then
  echo "  (the window is shorter than lifetime + 2 x housekeeping: the table check has not seen a steady state)"
fi
echo
echo "result: $([[ $failed == 0 ]] && echo "passed" || echo "FAILED")"
echo "files: ${out#"$root"/}/ (soak.txt: the load generator, samples.txt, maximum.txt, cluster/node*.log)"
} >"$report"
cat "$report"
exit "$failed"
