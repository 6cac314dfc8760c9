#!/usr/bin/env bash
# The performance goals of issue 14, side by side in one run on this machine: Keycloak (production mode),
# node-oidc-provider and Portvakt (its documented production start), each alone in turn, driven by the same
# load generator (bench/run.sh's jar) with the same warm-up and window; prints one table with both figures,
# the ratios and the goals, with the date, the machine and the load average at each phase.
#
#   bench/side-by-side.sh [--warmup 90s] [--duration 30s] [--starts 3] [--signin-users 8] [--cc-connections 16]
#                         [--only "keycloak oidc-provider portvakt"] [--port 18090]
#                         [--portvakt-databases "h2 postgresql"]
# Client credentials are also driven by wrk (Debian's package; skipped with a note when it is missing).
# Portvakt is measured twice by default: on its embedded H2 database (the main table) and on PostgreSQL at
# 127.0.0.1:5432 as user postgres (PGPASSWORD if it needs one; database bench_side_by_side, made anew for each start
# and dropped at the end), the production database the README names, in a second table; skipped with a note when
# PostgreSQL does not answer. --portvakt-databases h2 measures the embedded database only.
#   bench/side-by-side.sh --warmup 3s --duration 5s --starts 1      # a smoke run (about 3 minutes)
#
# The peers are started with ../shared/peers/keycloak.sh and oidc-provider.sh (from the repository's root;
# BENCH_PEERS=/path/to/peers overrides). Keycloak's sign-in is its one login form; Portvakt's is three
# (email, password, the 2FA prompt's "Remind me later": the server runs with portvakt.two-factor.prompt-snooze=0s
# so that every sign-in is shown the prompt, as a person without 2FA is until they snooze it).
# "Start" is the wall time from launching scripts/production-start.sh on a fresh database (a new working
# directory, so a new H2 file, or a new PostgreSQL database; the demo bootstrap's accounts and clients) until the
# bootstrap client's authorization request is answered with the redirect to the sign-in page; one unmeasured start
# first makes the AOT cache if it is missing. Resident memory is VmRSS of the server's process: 5 s after start, and after the load runs.
# The warm-up is 90 s by default: after 30 s both JVMs' compilers are still at work (docs/performance.md, "Where a
# sign-in's CPU goes": C2 took 20 ms of a Portvakt sign-in after 20 s of warm-up, 7 ms after 90 s).
# Output: the table on stdout and in bench/target/side-by-side-<time>.txt, logs under bench/target/side-by-side-<time>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
warmup=90s; duration=30s; starts=3; signin_users=8; cc_connections=16; only="keycloak oidc-provider portvakt"; port=18090
portvakt_databases="h2 postgresql"
while [[ $# -gt 0 ]]; do
  case $1 in
    --warmup) warmup=$2; shift 2;; --duration) duration=$2; shift 2;; --starts) starts=$2; shift 2;;
    --signin-users) signin_users=$2; shift 2;; --cc-connections) cc_connections=$2; shift 2;;
    --only) only=$2; shift 2;; --port) port=$2; shift 2;; --portvakt-databases) portvakt_databases=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
peers=${BENCH_PEERS:-$root/../shared/peers}
[[ -x $peers/keycloak.sh && -x $peers/oidc-provider.sh ]] || { echo "no peers in $peers (set BENCH_PEERS)" >&2; exit 2; }
peers=$(cd "$peers" && pwd)
cd "$root"
[[ -f bench/target/portvakt-bench.jar && ${BENCH_REBUILD:-0} != 1 ]] || ./mvnw -q -B -pl bench -am package -DskipTests
jar=$(ls server/target/portvakt-server-*.jar 2>/dev/null | grep -v '\.original$' | head -1 || true)
[[ -n $jar ]] || ./mvnw -q -B -pl server -am -Paot package -DskipTests
stamp=$(date +%Y%m%d-%H%M%S)
out=$root/bench/target/side-by-side-$stamp
mkdir -p "$out"
exec > >(tee "$out.txt") 2>&1

load() { cut -d' ' -f1-3 /proc/loadavg; }
rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
# The process listening on a TCP port (the server's JVM or node, whatever script started it).
listener() { ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
# bench SCENARIO LABEL [options]: runs the generator, keeps its output, echoes it; "rate" and "load" files per label
bench() {
  local scenario=$1 label=$2; shift 2
  java -jar bench/target/portvakt-bench.jar "$scenario" --warmup "$warmup" --duration "$duration" "$@" \
      >"$out/$label.txt" 2>&1 || true
  sed 's/^/    /' "$out/$label.txt" | grep -v '^    (the load'
  sed -n 's/^throughput *\([0-9.]*\).*/\1/p' "$out/$label.txt" >"$out/$label.rate"
  sed -n 's/^completed *[0-9]* operations, \([0-9]*\) errors.*/\1/p' "$out/$label.txt" >"$out/$label.errors"
  sed -n 's/^cpu per op *server \([0-9.]*\) ms.*/\1/p' "$out/$label.txt" >"$out/$label.cpu"
  sed -n 's/^loadavg .*at measuring start \([0-9. ]*\) | after.*/\1/p' "$out/$label.txt" >"$out/$label.load"
}
val() { head -1 "$out/$1" 2>/dev/null || true; }
# wrk_cc LABEL BASE TOKEN_PATH CLIENT SECRET SCOPE PID: client credentials driven by wrk (C, 2 threads, as the issue's
# first figures were), after the generator's own phase has warmed the server: 10 s more warm-up, then the window.
# Writes LABEL.rate, LABEL.errors (non-2xx answers and socket errors), LABEL.cpu (the server's CPU ms per request
# from /proc) and LABEL.load, as bench() does.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
wrk_cc() {
  local label=$1 base=$2 path=$3 client=$4 secret=$5 scope=$6 pid=$7
  if ! command -v wrk >/dev/null; then echo "    wrk is not installed (apt-get install wrk): not measured"; return; fi
  local lua=$out/$label.lua body="grant_type=client_credentials${scope:+&scope=$scope}"
  cat >"$lua" <<LUA
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf '%s:%s' "$client" "$secret" | base64 -w0)"
LUA
  wrk -t 2 -c "$cc_connections" -d 10s -s "$lua" "$base$path" >/dev/null 2>&1 || true
  cut -d' ' -f1 /proc/loadavg >"$out/$label.load"
  local before; before=$(cpu_ticks "$pid")
  wrk -t 2 -c "$cc_connections" -d "$duration" -s "$lua" "$base$path" >"$out/$label.txt" 2>&1 || true
  local after; after=$(cpu_ticks "$pid")
  sed 's/^/    /' "$out/$label.txt"
  local rate requests
  rate=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out/$label.txt")
  requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$out/$label.txt")
  printf '%.0f\n' "${rate:-0}" >"$out/$label.rate"
  awk '/Non-2xx or 3xx responses:/ { n += $NF }
       /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 }
       END { print n + 0 }' "$out/$label.txt" >"$out/$label.errors"
  awk -v t=$((after - before)) -v n="${requests:-0}" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { if (n > 0) printf "%.2f\n", t * 1000 / hz / n }' >"$out/$label.cpu"
}
phase() { echo; echo "=== $(date -u +%H:%M:%S) UTC, loadavg $(load): $*"; }

began=$(date -u +%H:%M)
echo "side-by-side run $(date -u '+%Y-%m-%d') $began UTC"
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r)"
echo "loadavg at start: $(load)   warm-up $warmup, measured $duration; sign-in $signin_users users, client credentials $cc_connections connections"
echo "load generator: bench/target/portvakt-bench.jar on $(java -version 2>&1 | head -1)"

# ------------------------------------------------------------------ Keycloak
if [[ " $only " == *" keycloak "* ]]; then
  phase "Keycloak 26.7.3, production mode ($peers/keycloak.sh start)"
  "$peers/keycloak.sh" stop >/dev/null 2>&1 || true
  "$peers/keycloak.sh" start 2>&1 | grep -v WARNING | tee "$out/keycloak-start.txt" | sed 's/^/    /' || true
  realm=http://127.0.0.1:18080/realms/bench/.well-known/openid-configuration
  if ! curl -sf -o /dev/null "$realm"; then
    # keycloak.sh gives up waiting after about 90 s and then cannot create the realm; a first start on a busy
    # machine (building the server image, creating the database) takes longer. Let it finish, then start again.
    echo "  Keycloak was not ready in keycloak.sh's time; waiting for it, then starting it once more"
    for _ in $(seq 1 600); do curl -sf -o /dev/null http://127.0.0.1:18080/realms/master/.well-known/openid-configuration && break; sleep 1; done
    "$peers/keycloak.sh" stop || true
    for _ in $(seq 1 100); do [[ -z $(listener 18080) ]] && break; sleep 0.2; done
    "$peers/keycloak.sh" start 2>&1 | grep -v WARNING | tee "$out/keycloak-start.txt" | sed 's/^/    /' || true
    curl -sf -o /dev/null "$realm" || { echo "Keycloak's realm bench is missing; see ${PEERS:-$(dirname "$(mktemp -u)")/peers}/kc.log (where keycloak.sh keeps it)" >&2; exit 1; }
  fi
  sed -n 's/.*ready in \([0-9.]*\) s.*/\1/p' "$out/keycloak-start.txt" >"$out/kc-start.s"
  kc=$(listener 18080)
  sleep 5; echo "$(rss_mb "$kc")" >"$out/kc-rss-start"
  echo "  Keycloak pid $kc, resident after start $(val kc-rss-start) MB"
  phase "Keycloak browser sign-in, $signin_users users"
  bench keycloak-signin kc-signin --base http://127.0.0.1:18080 --concurrency "$signin_users" --server-pid "$kc"
  phase "Keycloak client credentials, $cc_connections connections"
  bench client-credentials kc-cc --base http://127.0.0.1:18080 --concurrency "$cc_connections" --server-pid "$kc" \
      --token-path /realms/bench/protocol/openid-connect/token --machine-client svc --machine-secret svcsecret --machine-scope ""
  phase "Keycloak client credentials with wrk, $cc_connections connections"
  wrk_cc kc-wrk http://127.0.0.1:18080 /realms/bench/protocol/openid-connect/token svc svcsecret "" "$kc"
  echo "$(rss_mb "$kc")" >"$out/kc-rss-load"
  echo "  Keycloak resident after the load: $(val kc-rss-load) MB"
  "$peers/keycloak.sh" stop || true
  for _ in $(seq 1 100); do [[ -z $(listener 18080) ]] && break; sleep 0.2; done
fi

# ------------------------------------------------------------------ node-oidc-provider
if [[ " $only " == *" oidc-provider "* ]]; then
  phase "node-oidc-provider 9.13.3, RS256 JWT access tokens ($peers/oidc-provider.sh start)"
  "$peers/oidc-provider.sh" stop >/dev/null 2>&1 || true
  "$peers/oidc-provider.sh" start 2>&1 | sed 's/^/    /'
  op=$(listener 18301)
  phase "node-oidc-provider client credentials, $cc_connections connections"
  bench client-credentials op-cc --base http://127.0.0.1:18301 --concurrency "$cc_connections" --server-pid "$op" \
      --token-path /token --machine-client svc --machine-secret svcsecret --machine-scope read
  phase "node-oidc-provider client credentials with wrk, $cc_connections connections"
  wrk_cc op-wrk http://127.0.0.1:18301 /token svc svcsecret read "$op"
  echo "$(rss_mb "$op")" >"$out/op-rss-load"
  echo "  node-oidc-provider resident after the load: $(val op-rss-load) MB"
  "$peers/oidc-provider.sh" stop || true
  for _ in $(seq 1 50); do [[ -z $(listener 18301) ]] && break; sleep 0.2; done
fi

# ------------------------------------------------------------------ Portvakt
authorize="http://127.0.0.1:$port/oauth2/authorize?response_type=code&client_id=flex-hrm&redirect_uri=http%3A%2F%2Flocalhost%3A8081%2Flogin%2Foauth2%2Fcode%2Fportvakt&scope=openid&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
# PostgreSQL at 127.0.0.1:5432 as user postgres (PGPASSWORD if it needs one), a database of its own made anew per start.
pg_db=bench_side_by_side
psql_() { psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
fresh_database() {
  [[ $1 == postgresql ]] || return 0
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" -c "CREATE DATABASE $pg_db" >/dev/null
}
# start_portvakt DIR -> sets pv (the java process) and ms (milliseconds until a sign-in can start)
start_portvakt() {
  local dir=$1 t0 t1
  mkdir -p "$dir"
  t0=$(date +%s%N)
  (cd "$dir" && exec "$root/scripts/production-start.sh" "${pv_args[@]}" >server.log 2>&1) &
  pv=$!
  local deadline=$(( $(date +%s) + 600 ))
  until curl -s -o /dev/null -m 1 -w '%{http_code} %{redirect_url}' "$authorize" 2>/dev/null | grep -q '^302 .*/signin'; do
    if ! kill -0 "$pv" 2>/dev/null || (( $(date +%s) > deadline )); then
      echo "Portvakt did not start, see $dir/server.log" >&2; return 1
    fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
}
stop_portvakt() { kill "$pv" 2>/dev/null || true; wait "$pv" 2>/dev/null || true; }
# measure_portvakt PREFIX DATABASE: the starts (each on a fresh database), the sign-in, client credentials with the
# generator and with wrk, resident memory; files PREFIX-*. DATABASE is h2 (the embedded default, a new H2 file per
# start) or postgresql (the production database the README names).
measure_portvakt() {
  local p=$1 database=$2
  pv_args=(--spring.profiles.active=demo --server.port="$port" --portvakt.two-factor.prompt-snooze=0s)
  if [[ $database == postgresql ]]; then
    pv_args+=(--spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$pg_db" --spring.datasource.username=postgres)
    [[ -z ${PGPASSWORD:-} ]] || pv_args+=(--spring.datasource.password="$PGPASSWORD")
  fi
  phase "Portvakt on $database, scripts/production-start.sh ${pv_args[*]}: $starts measured starts on fresh databases"
  fresh_database "$database"; start_portvakt "$out/$p-start-0"; stop_portvakt
  echo "  unmeasured first start (makes the AOT cache when missing): $ms ms"
  : >"$out/$p-starts"
  for i in $(seq 1 "$starts"); do
    fresh_database "$database"
    l=$(load)
    start_portvakt "$out/$p-start-$i"
    sleep 5
    r=$(rss_mb "$pv")
    echo "  start $i: $ms ms to a sign-in on a fresh database, resident 5 s later $r MB (loadavg $l)"
    echo "$ms $r" >>"$out/$p-starts"
    [[ $i == "$starts" ]] || stop_portvakt
  done
  awk '{print $1}' "$out/$p-starts" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) / 1000}' >"$out/$p-start.s"
  awk '{print $2}' "$out/$p-starts" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}' >"$out/$p-rss-start"
  echo "  the last start serves the load: pid $pv"
  phase "Portvakt on $database: browser sign-in, $signin_users users"
  bench signin "$p-signin" --base "http://127.0.0.1:$port" --concurrency "$signin_users" --server-pid "$pv"
  phase "Portvakt on $database: client credentials (RS256), $cc_connections connections"
  bench client-credentials "$p-cc" --base "http://127.0.0.1:$port" --concurrency "$cc_connections" --server-pid "$pv"
  phase "Portvakt on $database: client credentials (RS256) with wrk, $cc_connections connections"
  wrk_cc "$p-wrk" "http://127.0.0.1:$port" /oauth2/token payroll-sync payroll-sync-demo-secret hr.read "$pv"
  echo "$(rss_mb "$pv")" >"$out/$p-rss-load"
  echo "  Portvakt on $database resident after the load: $(val "$p-rss-load") MB"
  stop_portvakt
}
if [[ " $only " == *" portvakt "* ]]; then
  [[ -z $(listener "$port") ]] || { echo "port $port is taken (--port)" >&2; exit 1; }
  [[ " $portvakt_databases " != *" h2 "* ]] || measure_portvakt pv h2
  if [[ " $portvakt_databases " == *" postgresql "* ]]; then
    if psql_ -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
      measure_portvakt pg postgresql
      psql_ -d postgres -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null || true
    else
      echo; echo "=== PostgreSQL does not answer at 127.0.0.1:5432 as user postgres: Portvakt on PostgreSQL not measured"
    fi
  fi
fi

# ------------------------------------------------------------------ the table
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2fx", a / b }'; }
# verdict RATIO_OR_VALUE GOAL (">=2", "<2.5")
verdict() {
  awk -v v="${1%x}" -v g="$2" 'BEGIN {
    if (v == "" || v == "n/a" || v == "?") { print "not measured"; exit }
    if (substr(g, 1, 2) == ">=") { op = ">="; lim = substr(g, 3) + 0 } else { op = "<"; lim = substr(g, 2) + 0 }
    ok = (op == ">=") ? (v + 0 >= lim) : (v + 0 < lim)
    print ok ? "**met**" : "not met" }'
}
with_load() { local l; l=$(val "$1.load"); [[ -n $l ]] && echo " (load $l)"; }
errs() { local e; e=$(val "$1.errors"); [[ -n $e && $e != 0 ]] && echo ", $e errors"; }
kc_si=$(val kc-signin.rate); kc_cc=$(val kc-cc.rate); op_cc=$(val op-cc.rate); kc_wrk=$(val kc-wrk.rate); op_wrk=$(val op-wrk.rate)
kc_start=$(val kc-start.s); [[ -n $kc_start ]] && kc_start=$(printf '%.1f' "$kc_start")
# rate_rows P: the rows of Portvakt's run P (pv: H2, pg: PostgreSQL) by rate, against the peers' rates.
rate_rows() {
  local p=$1 si cc wrk r_si r_cc r_op w_cc w_op
  si=$(val "$p-signin.rate"); cc=$(val "$p-cc.rate"); wrk=$(val "$p-wrk.rate")
  r_si=$(ratio "$si" "$kc_si"); r_cc=$(ratio "$cc" "$kc_cc"); r_op=$(ratio "$cc" "$op_cc")
  w_cc=$(ratio "$wrk" "$kc_wrk"); w_op=$(ratio "$wrk" "$op_wrk")
  echo "| browser sign-in, $signin_users concurrent (Keycloak: 1 form; Portvakt: 3 forms) | ${kc_si:-?} /s$(with_load kc-signin)$(errs kc-signin) | | ${si:-?} /s$(with_load "$p-signin")$(errs "$p-signin") | $r_si | >= 2x | $(verdict "$r_si" ">=2") |"
  echo "| client credentials, $cc_connections connections (RS256 JWT) | ${kc_cc:-?} /s$(with_load kc-cc)$(errs kc-cc) | ${op_cc:-?} /s$(with_load op-cc)$(errs op-cc) | ${cc:-?} /s$(with_load "$p-cc")$(errs "$p-cc") | $r_cc of Keycloak; $r_op of node-oidc-provider | >= 3x; >= 1x | $(verdict "$r_cc" ">=3"); $(verdict "$r_op" ">=1") |"
  echo "| client credentials, $cc_connections connections, wrk (2 threads) | ${kc_wrk:-?} /s$(with_load kc-wrk)$(errs kc-wrk) | ${op_wrk:-?} /s$(with_load op-wrk)$(errs op-wrk) | ${wrk:-?} /s$(with_load "$p-wrk")$(errs "$p-wrk") | $w_cc of Keycloak; $w_op of node-oidc-provider | >= 3x; >= 1x | $(verdict "$w_cc" ">=3"); $(verdict "$w_op" ">=1") |"
}
# The same comparison by server CPU time per operation (less sensitive to what the neighbours do than a rate).
cpu_rows() {
  local p=$1 c_si c_cc c_op
  c_si=$(ratio "$(val kc-signin.cpu)" "$(val "$p-signin.cpu")"); c_cc=$(ratio "$(val kc-cc.cpu)" "$(val "$p-cc.cpu")")
  c_op=$(ratio "$(val op-cc.cpu)" "$(val "$p-cc.cpu")")
  echo "| server CPU per client-credentials request, wrk | $(val kc-wrk.cpu) ms | $(val op-wrk.cpu) ms | $(val "$p-wrk.cpu") ms | $(ratio "$(val kc-wrk.cpu)" "$(val "$p-wrk.cpu")") of Keycloak; $(ratio "$(val op-wrk.cpu)" "$(val "$p-wrk.cpu")") of node-oidc-provider | >= 3x; >= 1x | by CPU |"
  echo "| server CPU per sign-in (cross-check: the ratio that CPU time allows) | $(val kc-signin.cpu) ms | | $(val "$p-signin.cpu") ms | $c_si | >= 2x | $(verdict "$c_si" ">=2") by CPU |"
  echo "| server CPU per client-credentials request | $(val kc-cc.cpu) ms | $(val op-cc.cpu) ms | $(val "$p-cc.cpu") ms | $c_cc of Keycloak; $c_op of node-oidc-provider | >= 3x; >= 1x | $(verdict "$c_cc" ">=3"); $(verdict "$c_op" ">=1") by CPU |"
}
footprint_rows() {
  local p=$1
  echo "| start until a bootstrap client can start a sign-in, fresh database | ${kc_start:-?} s (keycloak.sh: to discovery, realm not yet created) | | $(val "$p-start.s") s (median of $starts) | | < 2.5 s | $(verdict "$(val "$p-start.s")" "<2.5") |"
  echo "| resident after start | $(val kc-rss-start) MB | | $(val "$p-rss-start") MB | | < 230 MB | $(verdict "$(val "$p-rss-start")" "<230") |"
  echo "| resident after the load | $(val kc-rss-load) MB | $(val op-rss-load) MB | $(val "$p-rss-load") MB | | < 300 MB | $(verdict "$(val "$p-rss-load")" "<300") |"
}
echo
echo "=== side by side, $(date -u '+%Y-%m-%d') $began-$(date -u +%H:%M) UTC, $(nproc) CPUs; loadavg now $(load)"
echo
echo "| | Keycloak 26.7.3 (production mode) | node-oidc-provider 9.13.3 | Portvakt (production start, embedded H2) | ratio | goal | met? |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
rate_rows pv; cpu_rows pv; footprint_rows pv
echo
echo "warm-up $warmup, measured $duration, each server alone; loads are the 1-minute average at the start of each measured window."
echo "Client credentials are driven twice: by the repository's generator (Java, which shares the two cores) and by wrk"
echo "(C, as the issue's first figures were); both rows are one run, each server alone."
echo "A goal counts as met when the rate ratio meets it; the CPU rows say whether the CPU time per operation agrees"
echo "(on a busy machine the rates follow the share of the CPU each server gets, the CPU time per operation less so)."
if [[ -s $out/pg-starts ]]; then
  echo
  echo "Portvakt on PostgreSQL (the production database the README names), the same phases in the same run; Keycloak"
  echo "ran on its embedded dev-file database. PostgreSQL shares the two cores, so the rates count its work; the CPU"
  echo "per operation would not (it is the JVM's alone), so it is left out here."
  echo
  echo "| | Keycloak 26.7.3 (production mode) | node-oidc-provider 9.13.3 | Portvakt on PostgreSQL | ratio | goal | met? |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
  rate_rows pg; footprint_rows pg
  echo
fi
echo "full output: ${out#$root/}/ and ${out#$root/}.txt"
