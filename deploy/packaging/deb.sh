#!/usr/bin/env bash
# Builds deploy/target/vigil_<version>_amd64.deb with dpkg-deb from deploy/target's vigil.jar and
# lib/ (mvn package or verify), the person model, deploy/debian and the systemd template unit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="$root/deploy/target"
if [[ ! -f "$target/vigil.jar" || ! -d "$target/lib" ]]; then
  echo "deb: $target/vigil.jar or lib/ is missing: run 'mvn -B -DskipTests package' first" >&2
  exit 1
fi
version="$(sed -nE 's|.*<version>([0-9.]+)(-SNAPSHOT)?</version>.*|\1|p' "$root/pom.xml" | head -1)"
debian="$root/deploy/debian"
pkg="$target/deb/vigil"
rm -rf "$target/deb"
install -d "$pkg/DEBIAN" "$pkg/usr/lib/vigil" "$pkg/usr/share/vigil/models" \
  "$pkg/usr/share/doc/vigil/examples" "$pkg/lib/systemd/system" "$pkg/etc/vigil"
install -m 0755 "$here/vigil" -D "$pkg/usr/bin/vigil"
install -m 0644 "$target/vigil.jar" "$pkg/usr/lib/vigil/"
cp -r "$target/lib" "$pkg/usr/lib/vigil/lib"
"$here/models.sh" "$pkg/usr/share/vigil/models"
install -m 0644 "$root/deploy/systemd/vigil@.service" "$pkg/lib/systemd/system/"
install -m 0644 "$debian/site.yaml" "$pkg/etc/vigil/site.yaml"
install -m 0644 "$root/config/examples/site.yaml" "$root/deploy/compose/vigil.env.example" \
  "$pkg/usr/share/doc/vigil/examples/"
install -m 0644 "$root/README.md" "$root/NOTICE" "$pkg/usr/share/doc/vigil/"
install -m 0644 "$debian/conffiles" "$pkg/DEBIAN/"
install -m 0755 "$debian/postinst" "$debian/postrm" "$pkg/DEBIAN/"
chmod -R u=rwX,go=rX "$pkg/usr" "$pkg/etc" "$pkg/lib"
size="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$debian/control" >"$pkg/DEBIAN/control"
deb="$target/vigil_${version}_amd64.deb"
# Jars are compressed already: fast zstd, not xz (minutes for about 400 MB).
dpkg-deb --root-owner-group -Zzstd -z1 --build "$pkg" "$deb" >/dev/null
rm -rf "$target/deb"
echo "deb: built $deb ($(stat -c %s "$deb") bytes)"
