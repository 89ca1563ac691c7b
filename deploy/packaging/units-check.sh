#!/usr/bin/env bash
# Runs the Debian package's hardened units for real: a container with systemd as PID 1 (podman
# --systemd=always, --privileged because systemd's sandboxing needs mount namespaces) gets the
# package, mosquitto and a one-node Kafka (the drill's broker main, as a transient unit), then
# vigil@processor, vigil@alerts and vigil@agent replaying a sample clip. Passes when all three are
# active, processor and alerts answer /health/ready and the processor has received frames.
# check.sh runs it in CI with --reuse-deb (the package it has just built); by hand, run it after
# `mvn -B -DskipTests package`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/podman-env.sh"
data="${VIGIL_SHARED_DATA:-$root/../shared/data}"
reuse_deb=no
[[ "${1:-}" == --reuse-deb ]] && reuse_deb=yes
name=vigil-units-check
image=localhost/vigil-units:check
fail() {
  echo "units: FAILED: $*" >&2
  podman exec "$name" journalctl -u 'vigil@*' -u kafka --no-pager -n 40 >&2 2>&1 || true
  exit 1
}
inside() { podman exec "$name" bash -c "$1"; }
trap 'podman rm -f -t 5 "$name" >/dev/null 2>&1 || true' EXIT
podman rm -f -t 5 "$name" >/dev/null 2>&1 || true

"$here/base-image.sh"
if [[ $reuse_deb == no ]] || ! ls "$root"/deploy/target/vigil_*_amd64.deb >/dev/null 2>&1; then
  "$here/deb.sh"
fi
context="$PACKAGING_WORK/units"
rm -rf "$context" && mkdir -p "$context"
cp "$root"/deploy/target/vigil_*_amd64.deb "$context/vigil.deb"
podman build --quiet --network host --pull=never -t "$image" -f "$here/units.Containerfile" \
  "$context" >"$PACKAGING_WORK/units-build.log" 2>&1 || fail "image build: $(tail -5 "$PACKAGING_WORK/units-build.log")"
podman run -d --name "$name" --privileged --systemd=always \
  -v "$data/video/face-demographics-walking.mp4:/srv/clip.mp4:ro" "$image" >/dev/null 2>&1
for _ in $(seq 30); do
  state="$(inside 'systemctl is-system-running' 2>/dev/null || true)"
  [[ "$state" == running || "$state" == degraded ]] && break
  sleep 1
done

inside 'cat >/etc/kafka.properties <<KAFKA
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=/var/lib/kafka
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
KAFKA
sed -i "s|source: rtsp://.*|source: /srv/clip.mp4|" /etc/vigil/site.yaml
systemd-run --quiet --unit kafka java -Xmx512m -cp "/usr/lib/vigil/vigil.jar:/usr/lib/vigil/lib/*" \
  dev.vigil.deploy.drill.DrillBroker /etc/kafka.properties dmlnaWwtY29tcG9zZS1jaQ
systemctl start vigil@processor vigil@alerts vigil@agent'

# GET path on 127.0.0.1:port inside the container, status line and body.
get() { inside "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET $2 HTTP/1.0\r\n\r\n' >&3 && timeout 5 cat <&3" 2>/dev/null || true; }
deadline=$((SECONDS + 240))
until [[ "$(get 8080 /health/ready)" == *" 200 "* && "$(get 8082 /health/ready)" == *" 200 "* ]] &&
  get 8080 /metrics | grep -qE '^vigil_frames_in_total\{.*\} [1-9]'; do
  ((SECONDS < deadline)) || fail "processor or alerts not ready, or no frame processed, in 240 s"
  sleep 3
done
inside 'systemctl is-active vigil@processor vigil@alerts vigil@agent' >/dev/null ||
  fail "a vigil@ unit is not active: $(inside 'systemctl is-active vigil@processor vigil@alerts vigil@agent' || true)"
echo "units: vigil@processor, vigil@alerts, vigil@agent active under DynamicUser and ProtectSystem=strict;" \
  "processor and alerts ready; $(get 8080 /metrics | grep -E '^vigil_frames_in_total')"
echo "units: 1 passed, 0 failed"
