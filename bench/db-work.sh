#!/usr/bin/env bash
# Database work per sign-in on PostgreSQL (issue 14, section 2): starts Portvakt (scripts/production-start.sh, demo
# profile, every sign-in shown the 2FA prompt) on a fresh database, signs in a few times unmeasured, resets the
# statistics, runs N sign-ins of the 3-form journey one after the other (email, password, the 2FA prompt's
# "Remind me later", the code exchange at the token endpoint), and reports per sign-in: transactions
# (xact_commit + xact_rollback of pg_stat_database), rows inserted/updated/deleted per table and index scans
# (pg_stat_user_tables), then where the transactions go: every statement of the server's connections is logged
# by PostgreSQL for this database only (ALTER DATABASE ... SET log_statement = 'all'), and the log is cut into
# transactions per backend and grouped by the tables they touch. Drops the database after.
#
#   bench/db-work.sh [--signins 100] [--forms 3] [--port 18090] [--db bench_dbwork] [--pg-log /var/log/postgresql/postgresql-15-main.log]
#
# --forms 2: the 2FA prompt keeps its default snooze (7 days), so after the first (unmeasured) sign-in the journey
# is the email and the password forms only.
#
# Needs PostgreSQL 15+ at 127.0.0.1:5432, user postgres (superuser: pg_stat_reset, ALTER DATABASE SET log_statement),
# and read access to the server's log for the breakdown (without it only the pg_stat figures are reported).
# Output: stdout and bench/target/db-work-<time>.txt (logs under bench/target/db-work-<time>/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
signins=100; forms=3; port=18090; db=bench_dbwork; pglog=/var/log/postgresql/postgresql-15-main.log
while [[ $# -gt 0 ]]; do
  case $1 in
    --signins) signins=$2; shift 2;; --forms) forms=$2; shift 2;; --port) port=$2; shift 2;; --db) db=$2; shift 2;; --pg-log) pglog=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
cd "$root"
[[ -f bench/target/portvakt-bench.jar && ${BENCH_REBUILD:-0} != 1 ]] || ./mvnw -q -B -pl bench -am package -DskipTests
out=$root/bench/target/db-work-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
exec > >(tee "$out.txt") 2>&1
psql_() { psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

psql_ -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" -c "ALTER DATABASE $db SET log_statement = 'all'"
pv=
cleanup() {
  [[ -n $pv ]] && { kill "$pv" 2>/dev/null || true; wait "$pv" 2>/dev/null || true; }
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT

echo "database work per sign-in ($forms forms), $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; loadavg $(load)"
echo "PostgreSQL: $(psql_ -d postgres -c 'SHOW server_version')"
snooze=(); [[ $forms == 3 ]] && snooze=(--portvakt.two-factor.prompt-snooze=0s)
(cd "$out" && exec "$root/scripts/production-start.sh" --spring.profiles.active=demo --server.port="$port" "${snooze[@]}" \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$db" --spring.datasource.username=postgres \
    >server.log 2>&1) &
pv=$!
for _ in $(seq 1 2400); do
  curl -sf -m 1 "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null | grep -q UP && break
  kill -0 "$pv" 2>/dev/null || { echo "the server did not start, see $out/server.log"; exit 1; }
  sleep 0.25
done
gen() { java -jar bench/target/portvakt-bench.jar signin --base "http://127.0.0.1:$port" --concurrency 1 --warmup 0s "$@"; }
echo "warm-up: 5 sign-ins (not counted)"
gen --duration 120s --max-ops 5 >"$out/warmup.txt"
grep -q '^completed *5 operations, 0 errors' "$out/warmup.txt" || { cat "$out/warmup.txt"; exit 1; }
# Each backend sends its statistics at most once a second while busy and within 10 s once idle (PostgreSQL 15).
sleep 11
psql_ -d "$db" -c "SELECT pg_stat_reset()" >/dev/null
log_from=$( [[ -r $pglog ]] && stat -c %s "$pglog" || echo 0)
t0=$(date +%s.%N); cpu0=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pv/stat")
load_before=$(load)
gen --duration 600s --max-ops "$signins" --server-pid "$pv" >"$out/signins.txt"
cpu1=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pv/stat"); t1=$(date +%s.%N)
grep -q "^completed *$signins operations, 0 errors" "$out/signins.txt" || { cat "$out/signins.txt"; exit 1; }
log_to=$( [[ -r $pglog ]] && stat -c %s "$pglog" || echo 0)
sleep 11
psql_ -d "$db" -c "SELECT pg_stat_force_next_flush()" >/dev/null
echo "$signins sign-ins one at a time in $(echo "$t1 - $t0" | bc) s, server CPU $(awk -v a="$cpu0" -v b="$cpu1" -v n="$signins" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) * 1000 / hz / n}') ms per sign-in; loadavg before $load_before, after $(load)"
grep -E '^(journey|latency)' "$out/signins.txt"
echo
echo "per sign-in (pg_stat_database, pg_stat_user_tables after pg_stat_reset(); the sign-in includes its code exchange):"
psql_ -d "$db" -F ' ' -c "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()" \
  | awk -v n="$signins" '{printf "  transactions      %.1f (%.1f commits, %.1f rollbacks)\n", ($1 + $2) / n, $1 / n, $2 / n}'
psql_ -d "$db" -F ' ' -c "SELECT sum(n_tup_ins), sum(n_tup_upd), sum(n_tup_del), sum(n_tup_hot_upd), sum(coalesce(idx_scan, 0)), sum(coalesce(idx_tup_fetch, 0)), sum(seq_scan) FROM pg_stat_user_tables" \
  | awk -v n="$signins" '{printf "  rows written      %.1f (%.1f inserted, %.1f updated of which %.1f HOT, %.1f deleted)\n  index scans       %.1f (%.1f rows fetched); sequential scans %.1f\n", ($1 + $2 + $3) / n, $1 / n, $2 / n, $4 / n, $3 / n, $5 / n, $6 / n, $7 / n}'
echo
echo "  per table, per sign-in:"
printf '  %-32s %8s %8s %8s %8s %8s\n' table inserted updated deleted idx_scan seq_scan
psql_ -d "$db" -F ' ' -c "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, coalesce(idx_scan, 0), seq_scan FROM pg_stat_user_tables
    WHERE n_tup_ins + n_tup_upd + n_tup_del + coalesce(idx_scan, 0) + seq_scan > 0 ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC, idx_scan DESC" \
  | awk -v n="$signins" '{printf "  %-32s %8.2f %8.2f %8.2f %8.2f %8.2f\n", $1, $2 / n, $3 / n, $4 / n, $5 / n, $6 / n}'

if [[ $log_to -gt $log_from ]]; then
  echo
  echo "where the transactions go (PostgreSQL's statement log of database $db, cut into transactions per backend):"
  python3 -c 'import sys; f = open(sys.argv[1], "rb"); f.seek(int(sys.argv[2])); sys.stdout.buffer.write(f.read(int(sys.argv[3]) - int(sys.argv[2])))' \
      "$pglog" "$log_from" "$log_to" >"$out/statements.log"
  python3 - "$out/statements.log" "$db" "$signins" <<'EOF'
import re, sys, collections
path, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
line_re = re.compile(r'^\S+ \S+ \S+ \[(\d+)\] \S*@' + re.escape(db) + r' LOG:  (?:statement|execute [^:]*): (.*)$')
entries, last = [], None
for raw in open(path, errors='replace'):
    raw = raw.rstrip('\n')
    m = line_re.match(raw)
    if m:
        last = [m.group(1), m.group(2)]
        entries.append(last)
    elif raw.startswith('\t') and last is not None:
        last[1] += ' ' + raw.strip()
    else:
        last = None
txs, open_tx = [], {}
for pid, sql in entries:
    sql = sql.strip()
    word = sql.split(None, 1)[0].upper() if sql else ''
    if word in ('BEGIN', 'START'):
        open_tx[pid] = []
    elif word in ('COMMIT', 'ROLLBACK', 'END'):
        txs.append((open_tx.pop(pid, []), word))
    elif pid in open_tx:
        open_tx[pid].append(sql)
    elif word in ('SET', 'SHOW') or sql.upper().startswith('SELECT PG_STAT'):
        continue
    else:
        txs.append(([sql], 'auto'))

def shape(sql):
    if not sql.strip():
        return '(empty statement: the pool checking a connection)'
    s = re.sub(r'\s+', ' ', sql)
    verb = s.split(' ', 1)[0].upper()
    tables = re.findall(r'\b(?:FROM|INTO|UPDATE|JOIN)\s+([a-z_][a-z0-9_]*)', s, re.I)
    seen = []
    for t in tables:
        if t.lower() not in seen:
            seen.append(t.lower())
    return verb + ' ' + ','.join(seen[:2])

groups = collections.Counter()
writes = collections.Counter()
for stmts, end in txs:
    key = ' + '.join(dict.fromkeys(shape(s) for s in stmts)) or '(empty)'
    groups[(key, end if end != 'COMMIT' else 'tx')] += 1
total = len(txs)
print('  %d transactions logged for %d sign-ins = %.1f per sign-in (statement log; pg_stat_database above counts the same'
      ' plus its own reads)' % (total, n, total / n))
print('  %-7s %s' % ('per s-i', 'transaction (statements by verb and table; "auto" = one statement in autocommit)'))
for (key, kind), c in groups.most_common(40):
    print('  %7.2f %s%s' % (c / n, '[auto] ' if kind == 'auto' else '', key[:200]))
EOF
else
  echo "(PostgreSQL's log $pglog not readable or empty: no breakdown; see --pg-log)"
fi
echo
echo "output: ${out#$root/}.txt"
