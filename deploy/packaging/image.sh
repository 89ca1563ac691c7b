#!/usr/bin/env bash
# Builds localhost/vigil:0.1.0: deploy/target's vigil.jar and lib/ (from mvn package or verify) on
# the Debian base image, with the person model inside. No registry is used.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/podman-env.sh"
"$here/base-image.sh"

target="$root/deploy/target"
if [[ ! -f "$target/vigil.jar" || ! -d "$target/lib" ]]; then
  echo "image: $target/vigil.jar or lib/ is missing: run 'mvn -B -DskipTests package' first" >&2
  exit 1
fi
context="$PACKAGING_WORK/image"
rm -rf "$context"
mkdir -p "$context/models"
cp -a "$target/vigil.jar" "$target/lib" "$here/vigil" "$here/vigil-healthcheck" "$context/"
"$here/models.sh" "$context/models"
previous="$(podman image inspect --format '{{.Id}}' "$VIGIL_IMAGE" 2>/dev/null || true)"
# docker format: the OCI image format has no HEALTHCHECK.
podman build --quiet --format docker --pull=never -t "$VIGIL_IMAGE" -f "$here/Containerfile" \
  "$context" >/dev/null
# A rebuild leaves the previous image untagged; drop it so repeated runs do not fill the disk.
if [[ -n "$previous" && "$previous" != "$(podman image inspect --format '{{.Id}}' "$VIGIL_IMAGE")" ]]; then
  podman rmi "$previous" >/dev/null 2>&1 || true
fi
echo "image: built $VIGIL_IMAGE ($(podman image inspect --format '{{.Size}}' "$VIGIL_IMAGE") bytes)"
