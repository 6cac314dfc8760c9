#!/usr/bin/env bash
# Runs several Portvakt nodes on one PostgreSQL database behind HAProxy, all on loopback: the way to run more
# than one node on one machine, and the cluster the fault check (scripts/cluster-faults.sh) works on.
#
#   scripts/cluster.sh start [N]      builds the server jar if it is missing, starts N nodes (2 or 3, default 2)
#                                     one after the other (each waits until it is ready) and HAProxy in front
#   scripts/cluster.sh status         each node's process and readiness, and what HAProxy thinks of it
#   scripts/cluster.sh stop           stops HAProxy and every node (SIGTERM: a node finishes its requests)
#   scripts/cluster.sh kill-node I    kills node I with SIGKILL (a crash; HAProxy sends its requests elsewhere)
#   scripts/cluster.sh stop-node I    stops node I gracefully (SIGTERM)
#   scripts/cluster.sh start-node I   starts node I again (one of the N given to start) and waits until it is ready
#
# The proxy: HAProxy from Debian's package (apt-get install haproxy), round robin over the nodes without sticky
# sessions (every node reads sessions and sign-ins from the database), a node taken in only while
# /actuator/health/readiness answers 200 (checked every second), a request whose connection to a node fails
# or that a starting or stopping node answers with 503 tried once more on another node (retry-on 503
# conn-failure, option redispatch; docs/decisions/0042-the-cluster-script.md), and a GET or HEAD also when its node
# closed the connection without an answer (decision 0073). It replaces any X-Forwarded-For,
# X-Forwarded-Proto and X-Forwarded-Port the client sent; the nodes believe those headers from 127.0.0.1 only
# (portvakt.trusted-proxies). Answers carry X-Portvakt-Node, the node that gave them (for the fault check).
# The issuer is the proxy's URL.
#
# Environment (defaults in brackets):
#   PORTVAKT_CLUSTER_PORT      the proxy's port on 127.0.0.1 and ::1 [8080]; the nodes listen on the next N ports, and
#                              HAProxy's statistics page on the port 9 above it (http://127.0.0.1:8089/)
#   PORTVAKT_CLUSTER_DIR       the run folder: configuration, secrets, pid files and logs [target/cluster]
#   PORTVAKT_ISSUER            [http://localhost:<PORTVAKT_CLUSTER_PORT>]
#   SPRING_DATASOURCE_URL      [jdbc:postgresql://127.0.0.1:5432/portvakt]; the database is created when it is
#                              missing and psql can reach the server
#   SPRING_DATASOURCE_USERNAME [postgres]   SPRING_DATASOURCE_PASSWORD [empty]
#   PORTVAKT_BOOTSTRAP         the clients and accounts file [classpath:bootstrap/demo.yaml, the demo's]
#   PORTVAKT_FACTORS_ENCRYPTION_KEY   must be the same on every node (decision 0036); not set: one is made at the
#                              first start into <run folder>/secrets.env (mode 600) and reused after. Keep that file:
#                              the signing keys in the database are sealed with it. The proof-of-work key
#                              (portvakt.captcha.altcha.hmac-key) is left unset: the nodes share one from the database.
#   PORTVAKT_JAR               the server jar [server/target/portvakt-server-*.jar, built when missing]
#   PORTVAKT_CLUSTER_JAVA_OPTS [-XX:+UseSerialGC -Xss512k -Xmx192m -XX:MaxMetaspaceSize=128m]
#   PORTVAKT_CLUSTER_ARGS      more Spring Boot arguments for every node (--name=value ...)
#   PORTVAKT_CLUSTER_READY_TIMEOUT    seconds to wait for a node to be ready [240]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORTVAKT_CLUSTER_PORT:-8080}
run=${PORTVAKT_CLUSTER_DIR:-$root/target/cluster}
issuer=${PORTVAKT_ISSUER:-http://localhost:$port}
db_url=${SPRING_DATASOURCE_URL:-jdbc:postgresql://127.0.0.1:5432/portvakt}
db_user=${SPRING_DATASOURCE_USERNAME:-postgres}
db_password=${SPRING_DATASOURCE_PASSWORD:-}
bootstrap=${PORTVAKT_BOOTSTRAP:-classpath:bootstrap/demo.yaml}
java_opts=${PORTVAKT_CLUSTER_JAVA_OPTS:--XX:+UseSerialGC -Xss512k -Xmx192m -XX:MaxMetaspaceSize=128m}
ready_timeout=${PORTVAKT_CLUSTER_READY_TIMEOUT:-240}
stats_port=$((port + 9))

say() { echo "cluster: $*" >&2; }
die() { say "$*"; exit 1; }

node_port() { echo $((port + $1)); }
alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
nodes_configured() { cat "$run/nodes" 2>/dev/null || echo 0; }

check_tools() {
  command -v haproxy >/dev/null || die "HAProxy is not installed: apt-get install haproxy (Debian's package; the script runs /usr/sbin/haproxy as you, no service is needed)"
  command -v curl >/dev/null || die "curl is needed: apt-get install curl"
  command -v java >/dev/null || die "java (17 or later) is needed on PATH"
}

server_jar() {
  local jar=${PORTVAKT_JAR:-}
  if [[ -z $jar ]]; then
    jar=$(ls "$root"/server/target/portvakt-server-*.jar 2>/dev/null | grep -v '\.original$' | head -1 || true)
  fi
  if [[ -z $jar ]]; then
    say "building the server jar (./mvnw -pl server -am package -DskipTests)"
    (cd "$root" && ./mvnw -q -B -pl server -am package -DskipTests) >&2
    jar=$(ls "$root"/server/target/portvakt-server-*.jar | grep -v '\.original$' | head -1)
  fi
  echo "$jar"
}

# The secrets every node must share, made once and kept in the run folder (mode 600).
secrets() {
  if [[ -n ${PORTVAKT_FACTORS_ENCRYPTION_KEY:-} ]]; then
    return
  fi
  if [[ ! -f $run/secrets.env ]]; then
    (umask 077 && echo "PORTVAKT_FACTORS_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)" >"$run/secrets.env")
    say "made the shared encryption key into $run/secrets.env (keep it: the database's signing keys are sealed with it)"
  fi
  chmod 600 "$run/secrets.env"
  set -a
  # shellcheck disable=SC1091
  . "$run/secrets.env"
  set +a
}

# Creates the database named in the JDBC URL when psql can reach its server and it is missing.
ensure_database() {
  [[ $db_url =~ ^jdbc:postgresql://([^/:]+)(:([0-9]+))?/([A-Za-z0-9_]+) ]] || return 0
  local host=${BASH_REMATCH[1]} dbport=${BASH_REMATCH[3]:-5432} name=${BASH_REMATCH[4]}
  command -v psql >/dev/null || return 0
  local psql=(env PGPASSWORD="$db_password" PGCONNECT_TIMEOUT=5 psql -X -q -h "$host" -p "$dbport" -U "$db_user" -d postgres -tA)
  if ! "${psql[@]}" -c 'select 1' >/dev/null 2>&1; then
    say "PostgreSQL at $host:$dbport cannot be reached now; the nodes will wait for it (portvakt.database.wait-at-start)"
    return 0
  fi
  if [[ -z $("${psql[@]}" -c "select 1 from pg_database where datname = '$name'") ]]; then
    say "creating database $name on $host:$dbport"
    "${psql[@]}" -c "create database \"$name\"" >/dev/null
  fi
}

write_haproxy_config() {
  local n=$1 i
  {
    cat <<EOF
# Written by scripts/cluster.sh; rewritten at every start.
global
    log stdout format raw local0 info
    maxconn 2000
    stats socket $run/haproxy.sock mode 600 level admin

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 65s
    timeout server 65s
    timeout http-request 10s
    timeout queue 10s
    # A request whose connection to a node fails (a node just killed, before the checks mark it down), or that
    # a starting or stopping node answers 503 (Retry-After), is tried once more on another node. A database
    # outage answers 503 on every node; the one retry costs one more connection timeout (3 s) and no more.
    retries 1
    retry-on 503 conn-failure
    option redispatch 1

frontend portvakt
    bind 127.0.0.1:$port
EOF
    # localhost is ::1 first for some clients (curl, Java's HttpClient): the issuer's name answers on both.
    if grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null; then
      echo "    bind [::1]:$port"
    fi
    cat <<EOF
    # The proxy is the edge: what a client sent as forwarded headers is replaced, not appended to.
    http-request del-header Forwarded
    http-request set-header X-Forwarded-For %[src]
    # How the client reached the proxy, and on which port: the nodes build their redirects' URLs from these
    # (config.TrustedProxies reads X-Forwarded-Port too, so the proxy's own port is kept).
    http-request set-header X-Forwarded-Proto http if !{ ssl_fc }
    http-request set-header X-Forwarded-Proto https if { ssl_fc }
    http-request set-header X-Forwarded-Port %[dst_port]
    # Which node answered (or, for an answer of HAProxy's own, which one it tried): for the fault check.
    http-after-response set-header X-Portvakt-Node %[srv_name] if { srv_name -m found }
    # GET and HEAD (HAProxy's METH_GET) change nothing that a second try would spoil, so one whose node closed the
    # connection without an answer (a node killed mid-request) is tried once more on another node too; a POST is
    # not (decision 0073).
    use_backend reads if METH_GET
    default_backend nodes

backend nodes
    balance roundrobin
    option httpchk
    http-check send meth GET uri /actuator/health/readiness ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
    # A check may take seconds on a busy machine; without "timeout check" HAProxy would give it only "inter".
    timeout check 5s
    default-server check inter 1s fastinter 500ms downinter 1s fall 2 rise 2
EOF
    for ((i = 1; i <= n; i++)); do
      echo "    server node$i 127.0.0.1:$(node_port "$i")"
    done
    cat <<EOF

# The same nodes for GET and HEAD, in the state that the checks of backend nodes give them.
backend reads
    balance roundrobin
    retry-on 503 conn-failure empty-response
EOF
    for ((i = 1; i <= n; i++)); do
      echo "    server node$i 127.0.0.1:$(node_port "$i") track nodes/node$i"
    done
    cat <<EOF

listen stats
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /
    stats refresh 2s
EOF
  } >"$run/haproxy.cfg"
}

start_haproxy() {
  if alive "$run/haproxy.pid"; then
    return
  fi
  haproxy -c -q -f "$run/haproxy.cfg" || die "HAProxy refused $run/haproxy.cfg"
  nohup haproxy -db -f "$run/haproxy.cfg" >>"$run/haproxy.log" 2>&1 &
  echo $! >"$run/haproxy.pid"
  sleep 0.5
  alive "$run/haproxy.pid" || die "HAProxy did not start; see $run/haproxy.log"
  say "HAProxy on http://127.0.0.1:$port (statistics: http://127.0.0.1:$stats_port/), log $run/haproxy.log"
}

launch_node() {
  local i=$1 jar=$2 nport
  nport=$(node_port "$i")
  if alive "$run/node$i.pid"; then
    say "node $i is running already (pid $(cat "$run/node$i.pid"))"
    return
  fi
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$nport/"; then
    die "port $nport is taken by another program; set PORTVAKT_CLUSTER_PORT"
  fi
  local opts=()
  read -r -a opts <<<"$java_opts"
  local feature
  feature=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [[ $feature =~ ^[0-9]+$ ]] && ((feature >= 22)); then
    opts+=(--enable-native-access=ALL-UNNAMED) # argon2-jvm loads libargon2 through JNA
  fi
  local args=()
  read -r -a args <<<"${PORTVAKT_CLUSTER_ARGS:-}"
  echo "---- $(date -u +%FT%TZ) node $i starting on 127.0.0.1:$nport" >>"$run/node$i.log"
  MALLOC_ARENA_MAX=2 SPRING_DATASOURCE_URL=$db_url SPRING_DATASOURCE_USERNAME=$db_user \
    SPRING_DATASOURCE_PASSWORD=$db_password PORTVAKT_BOOTSTRAP=$bootstrap \
    nohup java "${opts[@]}" -jar "$jar" \
      --server.address=127.0.0.1 --server.port="$nport" \
      --portvakt.issuer="$issuer" --portvakt.trusted-proxies=127.0.0.1 \
      "${args[@]}" >>"$run/node$i.log" 2>&1 &
  echo $! >"$run/node$i.pid"
  say "node $i starting on http://127.0.0.1:$nport (pid $!, log $run/node$i.log)"
}

wait_ready() {
  local i=$1 nport deadline
  nport=$(node_port "$i")
  deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    alive "$run/node$i.pid" || die "node $i stopped while starting; see the end of $run/node$i.log"
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$nport/actuator/health/readiness") == 200 ]]; then
      say "node $i is ready"
      return
    fi
    sleep 1
  done
  die "node $i was not ready after ${ready_timeout}s; see $run/node$i.log"
}

cmd_start() {
  local n=${1:-2}
  [[ $n =~ ^[23]$ ]] || die "start takes 2 or 3 nodes, not $n"
  check_tools
  mkdir -p "$run"
  if alive "$run/haproxy.pid"; then
    die "a cluster is running from $run already (scripts/cluster.sh status; stop it first)"
  fi
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
    die "port $port is taken by another program; set PORTVAKT_CLUSTER_PORT"
  fi
  local jar
  jar=$(server_jar)
  secrets
  ensure_database
  echo "$n" >"$run/nodes"
  write_haproxy_config "$n"
  start_haproxy
  # The first node alone: it migrates an empty database and applies the bootstrap file before the others look.
  launch_node 1 "$jar"
  wait_ready 1
  local i
  for ((i = 2; i <= n; i++)); do
    launch_node "$i" "$jar"
  done
  for ((i = 2; i <= n; i++)); do
    wait_ready "$i"
  done
  say "$n nodes behind http://127.0.0.1:$port, issuer $issuer"
}

cmd_start_node() {
  local i=${1:?start-node needs a node number}
  local n
  n=$(nodes_configured)
  ((i >= 1 && i <= n)) || die "node $i is not one of this cluster's $n nodes (scripts/cluster.sh start [N] chooses N)"
  check_tools
  secrets
  launch_node "$i" "$(server_jar)"
  wait_ready "$i"
}

node_pid() {
  local i=${1:?a node number is needed}
  alive "$run/node$i.pid" || die "node $i is not running"
  cat "$run/node$i.pid"
}

cmd_kill_node() {
  local pid
  pid=$(node_pid "$1")
  kill -KILL "$pid"
  rm -f "$run/node$1.pid"
  echo "---- $(date -u +%FT%TZ) node $1 killed with SIGKILL by scripts/cluster.sh" >>"$run/node$1.log"
  say "node $1 (pid $pid) killed with SIGKILL"
}

stop_pid_file() {
  local file=$1 what=$2 pid waited=0
  alive "$file" || { rm -f "$file"; return 0; }
  pid=$(cat "$file")
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null && ((waited < 60)); do
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$what (pid $pid) did not stop in 60 s; killing it"
    kill -KILL "$pid"
  fi
  rm -f "$file"
  say "$what stopped"
}

cmd_stop_node() {
  node_pid "$1" >/dev/null
  stop_pid_file "$run/node$1.pid" "node $1"
}

cmd_stop() {
  local i
  stop_pid_file "$run/haproxy.pid" "HAProxy"
  for ((i = 1; i <= 3; i++)); do
    [[ -f $run/node$i.pid ]] && stop_pid_file "$run/node$i.pid" "node $i"
  done
  return 0
}

cmd_status() {
  local n i nport state ready
  n=$(nodes_configured)
  ((n > 0)) || die "no cluster has been started from $run"
  if alive "$run/haproxy.pid"; then
    echo "proxy   http://127.0.0.1:$port  running (pid $(cat "$run/haproxy.pid")), issuer $issuer"
  else
    echo "proxy   http://127.0.0.1:$port  not running"
  fi
  local csv
  csv=$(curl -s --max-time 2 "http://127.0.0.1:$stats_port/;csv" || true)
  for ((i = 1; i <= n; i++)); do
    nport=$(node_port "$i")
    if alive "$run/node$i.pid"; then
      ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$nport/actuator/health/readiness" || true)
      state="running (pid $(cat "$run/node$i.pid")), readiness HTTP $ready"
    else
      state="not running"
    fi
    local seen
    seen=$(awk -F, -v s="node$i" '$1 == "nodes" && $2 == s { print $18 }' <<<"$csv")
    echo "node $i  http://127.0.0.1:$nport  $state; HAProxy: ${seen:-unknown}"
  done
}

case ${1:-} in
  start) cmd_start "${2:-2}" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  kill-node) cmd_kill_node "${2:-}" ;;
  stop-node) cmd_stop_node "${2:-}" ;;
  start-node) cmd_start_node "${2:-}" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
