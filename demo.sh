#!/usr/bin/env bash
# The README's run command: Portvakt and its example application Flex HRM side by side, so that a first sign-in
# ends in an application.
#
#   ./demo.sh
#
#   1. builds everything without tests (./mvnw -q -B -DskipTests package: Portvakt, the command-line
#      authenticator, the examples);
#   2. starts Portvakt on http://localhost:8080 with the demo profile (embedded database in server/data/, demo
#      clients and accounts, the development outbox), as `./mvnw -pl server spring-boot:run` does;
#   3. once Portvakt answers, starts Flex HRM (examples/flex-hrm-web) on http://localhost:8081, where the demo
#      client flex-hrm's redirect URIs point;
#   4. prints the address to open, and stops both on Ctrl-C (or when either stops).
#
# Needs only a JDK 17+ (JAVA_HOME, or java on the PATH). The ports are fixed: the demo client names them.
# Portvakt alone: ./mvnw -pl server spring-boot:run
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

portvakt_port=8080
example_port=8081
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

# Whether something accepts connections on this local port (bash's /dev/tcp; no curl needed).
listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Whether GET path on this local port answers 200.
answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: localhost:%s\r\n\r\n' "$2" "$1" >&3
    IFS= read -r status <&3
    [[ $status == *" 200 "* ]]
  ) 2>/dev/null
}

for port in $portvakt_port $example_port; do
  if listening "$port"; then
    echo "demo.sh: port $port is taken: something else listens on it (another ./demo.sh or spring-boot:run?)." >&2
    echo "demo.sh: stop it and run ./demo.sh again; Portvakt needs $portvakt_port and Flex HRM $example_port." >&2
    exit 1
  fi
done

echo "demo.sh: building (./mvnw -q -B -DskipTests package) ..."
./mvnw -q -B -DskipTests package

portvakt_jar=$(ls server/target/portvakt-server-*.jar | grep -v -e '-plain\.jar$' | head -1)
example_jar=examples/flex-hrm-web/target/flex-hrm-web.jar

pids=()
stop() {
  trap - INT TERM EXIT
  if ((${#pids[@]})); then
    echo
    echo "demo.sh: stopping Portvakt and Flex HRM ..."
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# From server/, as spring-boot:run runs: the embedded database stays in server/data/.
(cd server && exec "$java" -jar "$root/$portvakt_jar" --spring.profiles.active=demo --server.port=$portvakt_port) &
pids+=($!)

# Flex HRM reads Portvakt's discovery document when it starts, so Portvakt must answer first.
for _ in $(seq 1 240); do
  if answers $portvakt_port /.well-known/openid-configuration; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then
    echo "demo.sh: Portvakt stopped before it answered (see its output above)." >&2
    exit 1
  fi
  sleep 0.5
done
if ! answers $portvakt_port /.well-known/openid-configuration; then
  echo "demo.sh: Portvakt did not answer on http://localhost:$portvakt_port within 2 minutes." >&2
  exit 1
fi

"$java" -jar "$example_jar" --server.port=$example_port \
  --spring.security.oauth2.client.provider.portvakt.issuer-uri=http://localhost:$portvakt_port &
pids+=($!)
for _ in $(seq 1 240); do
  if answers $example_port /; then break; fi
  if ! kill -0 "${pids[1]}" 2>/dev/null; then
    echo "demo.sh: Flex HRM stopped before it answered (see its output above)." >&2
    exit 1
  fi
  sleep 0.5
done

cat <<MESSAGE

  Portvakt and Flex HRM are running. Open http://localhost:$example_port and choose "Sign in":
  erik.lind@company.com, password "correct horse battery staple".
  Mails and text messages: http://localhost:$portvakt_port/dev/outbox   Stop both: Ctrl-C

MESSAGE

# Until Ctrl-C, or until either stops by itself (then the other is stopped too). A loop rather than `wait -n`,
# which macOS's bash 3.2 does not have.
while kill -0 "${pids[0]}" 2>/dev/null && kill -0 "${pids[1]}" 2>/dev/null; do
  sleep 1
done
echo "demo.sh: $(kill -0 "${pids[0]}" 2>/dev/null && echo "Flex HRM" || echo "Portvakt") stopped; stopping the other." >&2
exit 1
