# Sourced by the packaging scripts: podman settings this kind of machine needs, and shared names.
# Without them every container fails with "setrlimit RLIMIT_NOFILE: Operation not permitted"
# (podman's default ulimits exceed the shell's hard limits) or "cgroups in hybrid mode not
# supported" (crun); runc works on hybrid cgroups.
PACKAGING_WORK="${PACKAGING_WORK:-${TMPDIR:-/tmp}/vigil-packaging}"
mkdir -p "$PACKAGING_WORK"
nofile="$(ulimit -Hn)"
nproc="$(ulimit -Hu)"
[[ "$nofile" == unlimited ]] && nofile=1048576
[[ "$nproc" == unlimited || "$nproc" -gt 32768 ]] && nproc=32768
cat >"$PACKAGING_WORK/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF="$PACKAGING_WORK/containers.conf"

BASE_IMAGE="localhost/vigil-base:bookworm"
VIGIL_IMAGE="localhost/vigil:0.1.0"
