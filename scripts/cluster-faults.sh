#!/usr/bin/env bash
# The cluster's fault check (issue 14): starts a private PostgreSQL and a cluster on it (scripts/cluster.sh),
# puts sign-in load on it through HAProxy (bench/run.sh signin, 8 virtual users) and injects three faults:
#
#   a. a node killed with SIGKILL in the middle of the sign-ins: only sign-ins with a request in flight on it
#      may fail (at most one per virtual user), none that a surviving node answered; every sign-in begun after
#      the kill finishes; the node started again rejoins;
#   b. PostgreSQL stopped and started again under load: what is asked during the outage gets a 503 page
#      ("Just a moment") or `temporarily_unavailable` JSON, never a 500 or a stack trace (answers and node logs
#      are searched), and the same node processes serve again afterwards;
#   c. a node started while PostgreSQL is down waits, says so in its log, is kept out by HAProxy, and serves
#      once the database is back;
#   d. PostgreSQL stopped answering (its processes sent SIGSTOP for 20 s: connections stay open, nothing answers, as
#      with a hung host or a path that drops packets) under load: every probe sent meanwhile is answered, with a
#      503 page or `temporarily_unavailable`, within the socket timeout and the proxy's one retry (decision 0071),
#      never a 500; after SIGCONT the same node processes serve again.
#
#   scripts/cluster-faults.sh            prints a short report (also in <run folder>/report.txt), exits 1 when a
#                                        check failed
#
# The shared PostgreSQL on 5432 is not touched: the check runs its own instance from Debian's binaries
# (/usr/lib/postgresql/<newest>/bin: initdb, pg_ctl) on a free port, with its data in the run folder; run as
# root, PostgreSQL runs as the user postgres (runuser). Needs haproxy, curl, java, and PostgreSQL's server
# package (apt-get install postgresql).
#
# Environment: PORTVAKT_FAULTS_DIR (run folder, default target/cluster-faults; emptied at the start),
# PORTVAKT_CLUSTER_PORT (the proxy's port, default 18280; the nodes use the next ports), PORTVAKT_FAULTS_NODES
# (2 or 3, default 2), PORTVAKT_FAULTS_SECONDS (each load run's measured seconds, default 45).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
run=${PORTVAKT_FAULTS_DIR:-$root/target/cluster-faults}
port=${PORTVAKT_CLUSTER_PORT:-18280}
nodes=${PORTVAKT_FAULTS_NODES:-2}
seconds=${PORTVAKT_FAULTS_SECONDS:-45}
concurrency=8
proxy=http://localhost:$port
export PORTVAKT_CLUSTER_PORT=$port PORTVAKT_CLUSTER_DIR=$run/cluster PORTVAKT_ISSUER=$proxy
cluster=$root/scripts/cluster.sh
failed=0
report=$run/report.txt

say() { echo "faults: $*" >&2; }
line() { echo "$*" | tee -a "$report"; }
check() { # check <true|false> <text>
  if [[ $1 == true ]]; then line "  ok    $2"; else line "  FAIL  $2"; failed=1; fi
}
now() { date +%s.%N; }

# ---- a private PostgreSQL -------------------------------------------------------------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $pg_bin/initdb ]] || { say "PostgreSQL's server binaries are missing (apt-get install postgresql)"; exit 2; }
command -v haproxy >/dev/null || { say "HAProxy is missing (apt-get install haproxy)"; exit 2; }
as_pg=()
if [[ $(id -u) == 0 ]]; then
  as_pg=(runuser -u postgres --)
fi
free_port() {
  local p
  for ((p = 15433; p < 15533; p++)); do
    (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
  done
  return 1
}

rm -rf "$run"
mkdir -p "$run/pg" "$run/cluster"
: >"$report"
pg_port=$(free_port) || { say "no free port for PostgreSQL in 15433-15532"; exit 2; }
pg_data=$run/pg/data
if [[ ${#as_pg[@]} -gt 0 ]]; then
  chown postgres "$run/pg"
fi
pg_ctl() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" "$@"; }
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust --no-sync -E UTF8 >"$run/pg/initdb.log" 2>&1 \
  || { say "initdb failed: $run/pg/initdb.log"; exit 2; }
pg_start() {
  pg_ctl -w -t 60 -l "$run/pg/postgres.log" \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$run/pg -c fsync=off -c max_connections=60" \
    start >/dev/null
}
pg_stop() { pg_ctl -w -t 60 -m fast stop >/dev/null; }

cleanup() {
  "$cluster" stop >/dev/null 2>&1 || true
  pg_stop 2>/dev/null || true
}
trap cleanup EXIT
pg_start || { say "PostgreSQL did not start: $run/pg/postgres.log"; exit 2; }
export SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$pg_port/portvakt SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=
say "private PostgreSQL on 127.0.0.1:$pg_port ($pg_bin), data in $pg_data"

# The demo's two clients, and one account per virtual user: eight people, not one person signing in eight times
# from one address (whose attempts in flight when the database goes away would add up to a lock-out).
{
  cat <<'EOF'
clients:
  - id: flex-hrm
    name: Flex HRM
    type: web
    secret: flex-hrm-demo-secret
    redirect-uris:
      - http://localhost:8081/login/oauth2/code/portvakt
    scopes: [openid, email, profile, offline_access]
  - id: payroll-sync
    name: Payroll sync job
    type: machine
    secret: payroll-sync-demo-secret
    scopes: [hr.read]
accounts:
EOF
  for ((i = 1; i <= concurrency; i++)); do
    printf '  - email: cluster.fault.%d@example.com\n    name: Person %d\n    email-verified: true\n' "$i" "$i"
    printf '    password: correct horse battery staple\n'
  done
} >"$run/bootstrap.yaml"
export PORTVAKT_BOOTSTRAP=file:$run/bootstrap.yaml
people=cluster.fault.%d@example.com

line "Portvakt cluster fault check, $(date -u '+%F %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
line "  $nodes nodes behind HAProxy at $proxy, a private PostgreSQL on port $pg_port, $concurrency virtual users signing in"
"$cluster" start "$nodes" 2>"$run/cluster-start.log" || { cat "$run/cluster-start.log" >&2; say "the cluster did not start"; exit 1; }
[[ -f $root/bench/target/portvakt-bench.jar ]] || (cd "$root" && ./mvnw -q -B -pl bench -am package -DskipTests) >&2

# Runs the sign-in load in the background: load <name> -> its output in $run/<name>.txt
load() {
  "$root/bench/run.sh" signin --base "$proxy" --concurrency "$concurrency" --warmup 5s --duration "${seconds}s" \
    --node-header X-Portvakt-Node --timeline on --email "$people" --label "$1" >"$run/$1.txt" 2>&1 &
  load_pid=$!
}
# The seconds of a timeline ("ok/failed" pairs) as lines "second ok failed".
timeline() {
  awk '/^timeline/ { on = 1; next } on && /^ +[0-9]+s / { sub(/^ +/, ""); n = split($0, f, " ");
         s = f[1] + 0; for (i = 2; i <= n; i++) { split(f[i], p, "/"); print s + i - 2, p[1], p[2] } next } on { on = 0 }' "$1"
}
measured_from() { # the epoch seconds of a load run's measuring start
  date -d "$(sed -n 's/^timeline.* at \([^:]*T[0-9:.]*Z\):$/\1/p' "$1")" +%s.%N
}
field() { sed -n "s/^$2 *//p" "$1" | head -1; }

# A fresh node's first sign-ins take seconds (classes loaded, code compiled): a warm-up run first, not counted.
"$root/bench/run.sh" signin --base "$proxy" --concurrency "$concurrency" --warmup 0s --duration 30s \
  --node-header X-Portvakt-Node --email "$people" --label warm-up >"$run/warm-up.txt" 2>&1
line "  warm-up (not counted): $(field "$run/warm-up.txt" completed) in 30 s; $(grep '^succeeded on' "$run/warm-up.txt" | sed 's/^succeeded on *//')"

# ---- a. SIGKILL in the middle of the sign-ins --------------------------------------------------------------------
line ""
line "a. node $nodes killed with SIGKILL in the middle of $concurrency concurrent sign-ins"
load a-sigkill
sleep $((5 + 8)) # the generator's start, its 5 s warm-up, then some seconds of measured sign-ins
sleep 5
kill_at=$(now)
"$cluster" kill-node "$nodes" 2>>"$run/cluster-start.log"
wait "$load_pid"
out=$run/a-sigkill.txt
from=$(measured_from "$out")
kill_second=$(echo "$kill_at - $from" | bc | cut -d. -f1)
completed=$(field "$out" completed)
line "  measured ${seconds}s: $completed; node $nodes killed at second $kill_second ($(field "$out" throughput))"
sed -n '/^failures/,/^[a-z]/p' "$out" | sed '$d' | sed 's/^/  /' | tee -a "$report"
grep '^succeeded on' "$out" | sed 's/^/  /' | tee -a "$report"
errors=$(echo "$completed" | sed -n 's/.*, \([0-9]*\) errors/\1/p')
ok_ops=$(echo "$completed" | sed -n 's/^\([0-9]*\) operations.*/\1/p')
check "$([[ -n $errors && $errors -le $concurrency ]] && echo true || echo false)" \
  "at most one failed sign-in per virtual user ($errors failed, $ok_ops succeeded)"
check "$(! grep -E '^ +[0-9]+x \[node' "$out" | grep -v "\[node$nodes\]" -q && echo true || echo false)" \
  "no failure was an answer of a surviving node (a failure names node $nodes, the killed one, or a request that got no answer)"
late_failed=$(timeline "$out" | awk -v k="$kill_second" '$1 > k + 1 { f += $3 } END { print f + 0 }')
late_ok=$(timeline "$out" | awk -v k="$kill_second" '$1 > k + 1 { s += $2 } END { print s + 0 }')
early_failed=$(timeline "$out" | awk -v k="$kill_second" '$1 < k - 15 { f += $3 } END { print f + 0 }')
check "$([[ $late_failed == 0 && $late_ok -gt 0 ]] && echo true || echo false)" \
  "every sign-in begun more than a second after the kill finished ($late_ok, through the other nodes)"
check "$([[ $early_failed == 0 ]] && echo true || echo false)" "no sign-in failed long before the kill ($early_failed)"
spanning=$(sed -n 's/^succeeded on *//p' "$out" | sed 's/ (the nodes.*//' | tr ',' '\n' \
  | awk -F': ' -v n="node$nodes" '{ gsub(/^ +/, "", $1); c = split($1, k, "+"); for (i = 1; i <= c; i++) if (k[i] == n) s += $2 }
      END { print s + 0 }')
check "$([[ $spanning -gt 0 ]] && echo true || echo false)" \
  "node $nodes served before the kill: $spanning sign-ins had requests on it and finished"
if "$cluster" start-node "$nodes" 2>>"$run/cluster-start.log"; then
  sleep 3
  state=$("$cluster" status 2>&1 | grep "^node $nodes ")
  check "$(grep -q 'HAProxy: UP' <<<"$state" && echo true || echo false)" "node $nodes started again and taken back by HAProxy"
else
  check false "node $nodes started again (see $run/cluster/node$nodes.log)"
fi

# before_outage LOAD_LABEL SETTLE_SECONDS ANSWERS_DIR: remembers the node processes and where their logs end, starts
# the sign-in load and lets it settle, and puts a probing browser (its cookies in $jar) at the password page: that
# page reads the password's limits, the first of the sign-in's pages that needs the database (decision 0065: the
# email page needs none, and answers 200 during an outage).
before_outage() {
  local label=$1 settle=$2 dir=$3 csrf i
  pids_before=$(cat "$run"/cluster/node*.pid | sort | tr '\n' ' ')
  log_lines_before=()
  for ((i = 1; i <= nodes; i++)); do log_lines_before[i]=$(wc -l <"$run/cluster/node$i.log"); done
  load "$label"
  sleep "$settle"
  mkdir -p "$dir"
  jar=$dir/browser.cookies
  curl -s -c "$jar" -b "$jar" -o "$dir/signin.html" "$proxy/signin"
  csrf=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$dir/signin.html" | head -1)
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" --data-urlencode "email=probe@example.com" \
    "$proxy/signin"
}

# after_outage LOAD_OUTPUT BACK_SECOND WORDS: no exception reached Tomcat in the nodes' logs since before_outage,
# the sign-ins begun from 3 s after the database came back (at BACK_SECOND of the load's window; WORDS say how) all
# finished, and the same node processes serve.
after_outage() {
  local out=$1 back=$2 words=$3 escaped=0 stack_lines=0 new_log late_ok late_failed pids_after i
  for ((i = 1; i <= nodes; i++)); do
    new_log=$(tail -n +"$((log_lines_before[i] + 1))" "$run/cluster/node$i.log")
    escaped=$((escaped + $(grep -c -E 'Servlet.service\(\).*threw exception|ERROR .*o\.a\.c\.c\.C\.\[' <<<"$new_log" || true)))
    stack_lines=$((stack_lines + $(grep -c -E '^\s+at ' <<<"$new_log" || true)))
  done
  check "$([[ $escaped == 0 ]] && echo true || echo false)" \
    "no exception reached Tomcat in the nodes' logs ($escaped; stack-trace lines logged by the nodes meanwhile, e.g. the pool's: $stack_lines)"
  late_ok=$(timeline "$out" | awk -v k="$back" '$1 > k + 3 { s += $2 } END { print s + 0 }')
  late_failed=$(timeline "$out" | awk -v k="$back" '$1 > k + 3 { f += $3 } END { print f + 0 }')
  check "$([[ $late_ok -gt 0 && $late_failed == 0 ]] && echo true || echo false)" \
    "sign-ins begun from 3 s after PostgreSQL $words all finished ($late_ok)"
  pids_after=$(cat "$run"/cluster/node*.pid | sort | tr '\n' ' ')
  check "$([[ $pids_before == "$pids_after" ]] && echo true || echo false)" "the same node processes, none restarted ($pids_after)"
}

# calm_answers DIR LOAD_OUTPUT: the checks every outage's answers must pass. The probes' answers in DIR
# (page-N.head/.body, token-N.head/.body): each 503 page the calm page, each 503 token answer RFC 6749
# temporarily_unavailable JSON, no stack trace in any answer; and the load's own failures all 503s.
calm_answers() {
  local dir=$1 out=$2 pages_503 calm_pages tokens_503 json_503 traces other
  pages_503=$(grep -l '^HTTP/1.1 503' "$dir"/page-*.head 2>/dev/null | wc -l)
  calm_pages=$(for f in $(grep -l '^HTTP/1.1 503' "$dir"/page-*.head 2>/dev/null); do grep -l 'Just a moment' "${f%.head}.body"; done | wc -l)
  tokens_503=$(grep -l '^HTTP/1.1 503' "$dir"/token-*.head 2>/dev/null | wc -l)
  json_503=$(for f in $(grep -l '^HTTP/1.1 503' "$dir"/token-*.head 2>/dev/null); do grep -l '"temporarily_unavailable"' "${f%.head}.body"; done | wc -l)
  traces=$(cat "$dir"/*.body 2>/dev/null | grep -c -E 'Exception|\sat [a-z]+\.[a-zA-Z.$]+\(|Whitelabel' || true)
  check "$([[ $pages_503 -gt 0 && $calm_pages == "$pages_503" ]] && echo true || echo false)" \
    "every 503 page was the calm page ($calm_pages of $pages_503 say \"Just a moment\")"
  check "$([[ $tokens_503 -gt 0 && $json_503 == "$tokens_503" ]] && echo true || echo false)" \
    "every 503 token answer was temporarily_unavailable JSON ($json_503 of $tokens_503)"
  check "$([[ $traces == 0 ]] && echo true || echo false)" "no stack trace in any answer ($traces lines)"
  other=$(sed -n '/^failures/,/^[a-z]/p' "$out" | grep -E '^ +[0-9]+x ' | grep -v 'HTTP 503' | sed 's/^ *//' | head -3)
  check "$([[ -z $other ]] && echo true || echo false)" "the load's failures were all 503 answers${other:+ (not: $other)}"
}

# ---- b. PostgreSQL stopped and started under load ---------------------------------------------------------------
line ""
line "b. PostgreSQL stopped for 10 s and started again under the same load"
before_outage b-restart $((5 + 8 + 10)) "$run/b-answers"
stop_at=$(now)
pg_stop
probe=0
outage_end=$(echo "$(now) + 10" | bc)
while (($(echo "$(now) < $outage_end" | bc))); do
  probe=$((probe + 1))
  sent=$(now)
  # Each answer's status and the moment it came (sent + curl's total time) go to <probe>.when.
  (curl -s -m 20 -b "$jar" -H 'Accept: text/html' -D "$run/b-answers/page-$probe.head" \
    -o "$run/b-answers/page-$probe.body" -w '%{http_code} %{time_total}\n' "$proxy/signin/password" | awk -v s="$sent" '{ printf "%s %.3f\n", $1, s + $2 }' \
    >"$run/b-answers/page-$probe.when") &
  # A refresh with a token never issued: the token endpoint must read the database to answer it (400 invalid_grant
  # when it can; a client-credentials token needs no database since decision 0054, so it would not show the outage).
  (curl -s -m 20 -u flex-hrm:flex-hrm-demo-secret -d grant_type=refresh_token -d refresh_token=never-issued \
    -D "$run/b-answers/token-$probe.head" -o "$run/b-answers/token-$probe.body" -w '%{http_code} %{time_total}\n' \
    "$proxy/oauth2/token" | awk -v s="$sent" '{ printf "%s %.3f\n", $1, s + $2 }' >"$run/b-answers/token-$probe.when") &
  sleep 1
done
up_from=$(now)
pg_start
start_at=$(now)
wait
out=$run/b-restart.txt
from=$(measured_from "$out")
stop_second=$(echo "$stop_at - $from" | bc | cut -d. -f1)
start_second=$(echo "$start_at - $from" | bc | cut -d. -f1)
line "  measured ${seconds}s: $(field "$out" completed); PostgreSQL stopped at second $stop_second, started at second $start_second"
sed -n '/^failures/,/^[a-z]/p' "$out" | sed '$d' | sed 's/^/  /' | tee -a "$report"
statuses=$(for f in "$run"/b-answers/*.head; do head -1 "$f" | awk '{print $2}'; done | sort | uniq -c | tr -s ' ' | tr '\n' ',' | sed 's/,$//')
line "  answers to $probe probes each of GET /signin/password and POST /oauth2/token sent during the outage (count status):$statuses"
answered_down=$(cat "$run"/b-answers/*.when | awk -v b="$up_from" '$2 < b { n[$1]++ } END { for (c in n) printf " %d %s,", n[c], c }')
answered_up=$(cat "$run"/b-answers/*.when | awk -v b="$up_from" '$2 >= b { n[$1]++ } END { for (c in n) printf " %d %s,", n[c], c }')
line "    answered while PostgreSQL was down:${answered_down%,}; after it was back (they had waited for a connection):${answered_up%,}"
bad_status=$(for f in "$run"/b-answers/page-*.head; do head -1 "$f"; done | awk '$2 != 503 && $2 != 200 && $2 != 302' | wc -l)
bad_status=$((bad_status + $(for f in "$run"/b-answers/token-*.head; do head -1 "$f"; done | awk '$2 != 503 && $2 != 400' | wc -l)))
check "$([[ $bad_status == 0 ]] && echo true || echo false)" \
  "no probe got another status than 503 (or, before the outage showed, 200 for the page and 400 invalid_grant for the token)"
calm_answers "$run/b-answers" "$out"
after_outage "$out" "$start_second" "was back"

# ---- c. a node started while PostgreSQL is down ------------------------------------------------------------------
line ""
line "c. node $nodes started while PostgreSQL is down"
"$cluster" stop-node "$nodes" 2>>"$run/cluster-start.log"
before=$(wc -l <"$run/cluster/node$nodes.log")
pg_stop
PORTVAKT_CLUSTER_READY_TIMEOUT=180 "$cluster" start-node "$nodes" 2>>"$run/cluster-start.log" &
starter=$!
# The JVM's start takes a while before the node looks for its database; the message is waited for up to 3 minutes.
for ((t = 0; t < 180; t++)); do
  tail -n +"$((before + 1))" "$run/cluster/node$nodes.log" | grep -q 'cannot be reached' && break
  sleep 1
done
sleep 5
waiting=$(tail -n +"$((before + 1))" "$run/cluster/node$nodes.log" | grep -m1 'cannot be reached' | sed 's/.*WARN [0-9]* --- \[[^]]*\] \[[^]]*\] [^ ]* *: //')
line "  its log: ${waiting:-(nothing)}"
check "$([[ -n $waiting ]] && echo true || echo false)" "the node says that it waits for the database"
ready=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "http://127.0.0.1:$((port + nodes))/actuator/health/readiness")
seen=$("$cluster" status 2>&1 | grep "^node $nodes " | sed 's/.*HAProxy: //')
check "$([[ $ready != 200 && $seen != UP* ]] && echo true || echo false)" \
  "meanwhile it is not ready (readiness answer: ${ready/000/no connection}) and HAProxy sends it nothing (${seen:-?})"
pg_start
back_at=$(now)
if wait "$starter"; then
  took=$(echo "$(now) - $back_at" | bc | cut -d. -f1)
  check true "it became ready ${took}s after PostgreSQL was back"
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 20 -u payroll-sync:payroll-sync-demo-secret -d grant_type=client_credentials \
    -d scope=hr.read "http://127.0.0.1:$((port + nodes))/oauth2/token")
  check "$([[ $code == 200 ]] && echo true || echo false)" "it serves: a token from it directly (HTTP $code)"
  "$root/bench/run.sh" signin --base "$proxy" --concurrency 2 --warmup 0s --duration 20s --node-header X-Portvakt-Node --email "$people" \
    >"$run/c-after.txt" 2>&1
  line "  then through HAProxy: $(field "$run/c-after.txt" completed); $(grep '^succeeded on' "$run/c-after.txt" | sed 's/^succeeded on *//')"
  check "$(grep -q 'succeeded on .*node'"$nodes" "$run/c-after.txt" && grep -q ', 0 errors' "$run/c-after.txt" && echo true || echo false)" \
    "sign-ins through HAProxy reach it and none fails"
else
  check false "it became ready once PostgreSQL was back (see $run/cluster/node$nodes.log)"
fi

# ---- d. PostgreSQL stops answering under load ---------------------------------------------------------------------
line ""
line "d. PostgreSQL stopped answering (SIGSTOP) for 20 s under the same load"
pg_pids() { # the private instance's postmaster and its children
  local main
  main=$(head -1 "$pg_data/postmaster.pid")
  echo "$main" $(pgrep -P "$main")
}
before_outage d-frozen $((5 + 8 + 5)) "$run/d-answers"
frozen=$(pg_pids)
kill -STOP $frozen
freeze_at=$(now)
probe=0
freeze_end=$(echo "$(now) + 20" | bc)
while (($(echo "$(now) < $freeze_end" | bc))); do
  probe=$((probe + 1))
  # Each answer's status and how long it took go to <probe>.took (000 when curl gave up after 60 s).
  (curl -s -m 60 -b "$jar" -H 'Accept: text/html' -D "$run/d-answers/page-$probe.head" \
    -o "$run/d-answers/page-$probe.body" -w '%{http_code} %{time_total}\n' "$proxy/signin/password" \
    >"$run/d-answers/page-$probe.took") &
  (curl -s -m 60 -u flex-hrm:flex-hrm-demo-secret -d grant_type=refresh_token -d refresh_token=never-issued \
    -D "$run/d-answers/token-$probe.head" -o "$run/d-answers/token-$probe.body" -w '%{http_code} %{time_total}\n' \
    "$proxy/oauth2/token" >"$run/d-answers/token-$probe.took") &
  sleep 2
done
thaw_at=$(now)
kill -CONT $frozen
wait
out=$run/d-frozen.txt
from=$(measured_from "$out")
freeze_second=$(echo "$freeze_at - $from" | bc | cut -d. -f1)
thaw_second=$(echo "$thaw_at - $from" | bc | cut -d. -f1)
line "  measured ${seconds}s: $(field "$out" completed); PostgreSQL stopped answering at second $freeze_second, again at second $thaw_second"
sed -n '/^failures/,/^[a-z]/p' "$out" | sed '$d' | sed 's/^/  /' | tee -a "$report"
statuses=$(cat "$run"/d-answers/*.took | awk '{ print $1 }' | sort | uniq -c | tr -s ' ' | tr '\n' ',' | sed 's/,$//')
slowest=$(cat "$run"/d-answers/*.took | awk '$1 == 503 { if ($2 > m) m = $2 } END { printf "%.1f", m }')
line "  answers to $probe probes each of GET /signin/password and POST /oauth2/token sent meanwhile (count status):$statuses; the slowest 503 took ${slowest} s"
unanswered=$(cat "$run"/d-answers/*.took | awk '$1 == "000"' | wc -l)
bad_status=$(cat "$run"/d-answers/page-*.took | awk '$1 != 503 && $1 != 200 && $1 != "000"' | wc -l)
bad_status=$((bad_status + $(cat "$run"/d-answers/token-*.took | awk '$1 != 503 && $1 != 400 && $1 != "000"' | wc -l)))
check "$([[ $unanswered == 0 ]] && echo true || echo false)" "every probe was answered within 60 s ($unanswered were not)"
check "$([[ $bad_status == 0 ]] && echo true || echo false)" \
  "no probe got another status than 503 (or, when it came after the thaw, 200 for the page and 400 for the token)"
calm_answers "$run/d-answers" "$out"
after_outage "$out" "$thaw_second" "answered again"

line ""
line "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); outputs and logs in $run"
if ((failed)); then
  line "FAILED"
  exit 1
fi
line "all checks passed"
