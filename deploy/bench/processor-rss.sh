#!/usr/bin/env bash
# The processor's resident memory on its own: a one-node Kafka (the drill's broker) and an agent
# replaying a clip for 8 cameras at 2 fps run in their own JVMs; the processor is started by the
# vigil launcher (deploy/packaging/vigil, with its memory defaults) and its VmRSS is printed every
# 15 s. Needs `mvn -B -DskipTests package` and ../shared/data. No MQTT: the processor needs none.
#   deploy/bench/processor-rss.sh [SECONDS]          # the defaults
#   MALLOC_ARENA_MAX=16 VIGIL_JAVA_OPTS=-Xmx6g deploy/bench/processor-rss.sh   # the JVM's and glibc's own
set -euo pipefail
secs=${1:-240}
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/deploy/target/vigil.jar"
clip="$(cd "${VIGIL_SHARED_DATA:-$root/../shared/data}" && pwd)/video/one-by-one-person-detection.mp4"
[[ -f "$jar" && -f "$clip" ]] || { echo "processor-rss: needs $jar and $clip" >&2; exit 1; }
w="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ctl="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$w/kafka.properties" <<KAFKA
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ctl
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctl
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$w/kafka
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
KAFKA
{
  echo "site: rss"
  echo "kafka: {bootstrap_servers: 127.0.0.1:$port}"
  echo "mqtt: {url: tcp://127.0.0.1:1, topic_prefix: vigil/rss/, client_id: vigil-rss}"
  echo "cameras:"
  for i in 1 2 3 4 5 6 7 8; do echo "  - {id: cam-$i, source: $clip, fps: 2}"; done
  echo "prompts:"
  echo '  - {id: no-helmet, text: "How many people are not wearing a helmet?", cooldown_s: 60}'
  echo '  - {id: crowd, text: "Are more than 3 people in view for 5 seconds?", cooldown_s: 60}'
} >"$w/site.yaml"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$w"' EXIT
java -Xmx512m -cp "$jar:$root/deploy/target/lib/*" dev.vigil.deploy.drill.DrillBroker \
  "$w/kafka.properties" dmlnaWwtcnNzLWNoZWNr >"$w/kafka.log" 2>&1 &
pids+=($!)
sleep 8
VIGIL_JAR="$jar" "$root/deploy/packaging/vigil" processor --config "$w/site.yaml" \
  --data-dir "$w/processor" --http-port 0 >"$w/processor.log" 2>&1 &
processor=$!
pids+=($processor)
sleep 20
agent() {
  java -Xmx256m -jar "$jar" agent --realtime --config "$w/site.yaml" --data-dir "$w/agent" \
    --http-port 0 >>"$w/agent.log" 2>&1 &
  agent_pid=$!
  pids+=($agent_pid)
}
agent
for ((t = 15; t <= secs; t += 15)); do
  sleep 15
  kill -0 "$agent_pid" 2>/dev/null || agent # the clip ended: play it again
  kill -0 "$processor" 2>/dev/null || { tail -20 "$w/processor.log" >&2; echo "processor-rss: the processor died" >&2; exit 1; }
  echo "t=$t s rss_mb=$(awk '/VmRSS/{print int($2/1024)}' /proc/$processor/status) peak_mb=$(awk '/VmHWM/{print int($2/1024)}' /proc/$processor/status)"
done
