#!/usr/bin/env bash
# Builds localhost/vigil-base:bookworm from Debian packages only: debootstrap minbase plus the Java
# 17 runtime, trimmed of docs, man pages and locales. Reuses the image when podman has it already
# (--rebuild forces a new one). Needs root, debootstrap and podman.
set -euo pipefail
source "$(dirname "$0")/podman-env.sh"

if [[ "${1:-}" != --rebuild ]] && podman image exists "$BASE_IMAGE"; then
  echo "base image: reusing $BASE_IMAGE"
  exit 0
fi
# Bookworm's mirror as this machine's apt uses it, so the base needs no other network.
mirror="$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
  2>/dev/null || true; } | grep -E '^(URIs:|deb )' | grep -oE 'https?://[^ ]*/debian/?( |$)' | head -1 | tr -d ' ' || true)"
mirror="${mirror:-http://deb.debian.org/debian}"
rootfs="$PACKAGING_WORK/rootfs"
rm -rf "$rootfs"
echo "base image: debootstrap bookworm from $mirror (about 80 s)"
debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$mirror" \
  >"$PACKAGING_WORK/debootstrap.log" 2>&1 || {
  echo "base image: debootstrap failed; last lines of $PACKAGING_WORK/debootstrap.log:" >&2
  tail -20 "$PACKAGING_WORK/debootstrap.log" >&2
  exit 1
}
# Not needed at run time: documentation, man pages, locales, apt's downloaded lists and packages.
rm -rf "$rootfs"/usr/share/{doc,man,info,locale}/* "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/debconf/*-old
java_home="$(dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java")")")"
java_home="${java_home#"$rootfs"}"
# podman import sets no PATH; without it `java` is not found.
tar -C "$rootfs" -c . | podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV JAVA_HOME=$java_home" \
  --change 'ENV LANG=C.UTF-8' \
  - "$BASE_IMAGE" >/dev/null
rm -rf "$rootfs"
echo "base image: built $BASE_IMAGE ($(podman image inspect --format '{{.Size}}' "$BASE_IMAGE") bytes)"
