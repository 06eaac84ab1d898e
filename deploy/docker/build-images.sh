#!/usr/bin/env bash
# `make images`: builds the container images of every service and tool from
# deploy/docker/Dockerfile, without a Docker daemon (Buildah), or with Docker
# when Buildah is missing and a Docker engine answers.
#
#   deploy/docker/build-images.sh [--tag=TAG] [NAME...]
#
# NAME is registry, choice, visits, settlement, console, lovctl or simulator
# (default: all of them). Images are named localhost/lov-NAME:TAG (TAG default
# "dev", the tag the k8s dev overlay uses).
#
# Base images: LOV_BUILD_IMAGE and LOV_RUNTIME_IMAGE, when set, are used as
# they are. Otherwise debian:bookworm and debian:bookworm-slim when they are in
# local storage or can be pulled; where no container registry can be reached,
# a Debian 12 base is made from Debian's packages with debootstrap (mirror
# LOV_DEBIAN_MIRROR, default the one apt uses here) and kept as
# localhost/lov-debian:bookworm for the next build.
#
# The build stage compiles every binary once for all images (a layer cache:
# buildah --layers); a second run with unchanged sources takes seconds.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
DOCKERFILE="${SCRIPT_DIR}/Dockerfile"
ALL_NAMES=(registry choice visits settlement console audit followup lovctl simulator)
LOCAL_BASE=localhost/lov-debian:bookworm

# Engine settings for hosts whose limits or cgroups a default Podman/Buildah
# set-up trips over (see containers.conf); a CONTAINERS_CONF of the caller wins.
export CONTAINERS_CONF="${CONTAINERS_CONF:-${SCRIPT_DIR}/containers.conf}"

log() { printf 'images: %s\n' "$*" >&2; }
die() {
  printf 'images: error: %s\n' "$*" >&2
  exit 1
}

tag=dev
names=()
for a in "$@"; do
  case "${a}" in
    --tag=?*) tag="${a#--tag=}" ;;
    -h | --help)
      sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown flag '${a}' (flags: --tag=TAG)" ;;
    *)
      [[ " ${ALL_NAMES[*]} " == *" ${a} "* ]] ||
        die "unknown image '${a}' (one of: ${ALL_NAMES[*]})"
      names+=("${a}")
      ;;
  esac
done
((${#names[@]} > 0)) || names=("${ALL_NAMES[@]}")
[[ ${tag} =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "--tag='${tag}' is not a valid image tag"

# --- the builder ----------------------------------------------------------------------
if command -v buildah >/dev/null 2>&1; then
  builder=buildah
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  builder=docker
else
  die "neither buildah nor a running Docker engine found; run: deploy/install.sh"
fi

image_exists() { # NAME
  if [[ ${builder} == buildah ]]; then
    buildah inspect --type image "$1" >/dev/null 2>&1
  else
    docker image inspect "$1" >/dev/null 2>&1
  fi
}

image_pull() { # NAME
  if [[ ${builder} == buildah ]]; then
    timeout 300 buildah pull --quiet "$1" >/dev/null 2>&1
  else
    timeout 300 docker pull --quiet "$1" >/dev/null 2>&1
  fi
}

# --- base images ------------------------------------------------------------------------
debian_mirror() {
  if [[ -n ${LOV_DEBIAN_MIRROR:-} ]]; then
    echo "${LOV_DEBIAN_MIRROR}"
    return
  fi
  # The mirror this machine's apt uses (deb822 or one-line sources), else Debian's.
  local m
  m="$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 || true)"
  [[ -n ${m} ]] || m="$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\/debian\)[[:space:]]\+bookworm[[:space:]].*/\2/p' \
    /etc/apt/sources.list 2>/dev/null | head -n 1 || true)"
  echo "${m:-http://deb.debian.org/debian}"
}

make_local_base() {
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap not found; run: deploy/install.sh"
  [[ ${builder} == buildah ]] || die "making a base image with debootstrap needs buildah"
  local mirror root ctr
  mirror="$(debian_mirror)"
  root="$(mktemp -d "${TMPDIR:-/tmp}/lov-debian.XXXXXX")"
  trap 'rm -rf "${root}"' EXIT
  log "no Debian base image to be had from a container registry; making ${LOCAL_BASE} with debootstrap from ${mirror}"
  debootstrap --variant=minbase bookworm "${root}/rootfs" "${mirror}" >"${root}/debootstrap.log" 2>&1 || {
    tail -n 20 "${root}/debootstrap.log" >&2
    die "debootstrap failed (log above)"
  }
  # The apt sources the image's own apt-get uses: the same mirror and security updates.
  cat >"${root}/rootfs/etc/apt/sources.list" <<EOF
deb ${mirror} bookworm main
deb ${mirror} bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
  rm -rf "${root}/rootfs/var/lib/apt/lists/"* "${root}/rootfs/var/cache/apt/"*.bin
  ctr="$(buildah from scratch)"
  buildah copy --quiet "${ctr}" "${root}/rootfs" / >/dev/null
  buildah config --cmd /bin/bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --label org.opencontainers.image.description="Debian 12 minbase from ${mirror}, made by deploy/docker/build-images.sh" \
    "${ctr}"
  buildah commit --quiet --rm "${ctr}" "${LOCAL_BASE}" >/dev/null
  rm -rf "${root}"
  trap - EXIT
}

build_image="${LOV_BUILD_IMAGE:-}"
runtime_image="${LOV_RUNTIME_IMAGE:-}"
if [[ -z ${build_image} || -z ${runtime_image} ]]; then
  if { image_exists docker.io/library/debian:bookworm || image_pull docker.io/library/debian:bookworm; } &&
    { image_exists docker.io/library/debian:bookworm-slim || image_pull docker.io/library/debian:bookworm-slim; }; then
    : "${build_image:=docker.io/library/debian:bookworm}" "${runtime_image:=docker.io/library/debian:bookworm-slim}"
  else
    image_exists "${LOCAL_BASE}" || make_local_base
    : "${build_image:=${LOCAL_BASE}}" "${runtime_image:=${LOCAL_BASE}}"
  fi
fi
log "base images: build ${build_image}, runtime ${runtime_image}"

# --- the images -----------------------------------------------------------------------
cd "${REPO_ROOT}"
built=()
for name in "${names[@]}"; do
  image="localhost/lov-${name}:${tag}"
  log "building ${image}"
  args=(-f "${DOCKERFILE}" --build-arg "SERVICE=${name}"
    --build-arg "BUILD_IMAGE=${build_image}" --build-arg "RUNTIME_IMAGE=${runtime_image}"
    -t "${image}")
  if [[ ${builder} == buildah ]]; then
    # chroot isolation: RUN steps need no OCI runtime (nor cgroups) on the build host.
    buildah bud --quiet --layers --pull=false --isolation=chroot --network=host "${args[@]}" . >&2 ||
      die "building ${image} failed (output above)"
  else
    docker build --quiet "${args[@]}" . >&2 || die "building ${image} failed (output above)"
  fi
  built+=("${image}")
done

for image in "${built[@]}"; do
  echo "${image}"
done
