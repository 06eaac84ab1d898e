#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (-DLOV_FUZZ=ON: ASan and
# UBSan on every library) in their own build dir, then runs each target in
# turn, one at a time, from its seed corpus (fuzz/corpus/<target>) and the
# inputs earlier runs found (<build dir>/fuzz-corpus/<target>).
#
#   fuzz/fuzz.sh [--runs N] [--seconds S] [--jobs J] [target ...]
#
# Each target stops after N executions or S seconds, whichever comes first
# (defaults: 10 million, no time limit). Prints one line per target:
#   fuzz <target>: <executions> executions in <seconds> s, no crash
# and exits non-zero on the first crash, leak, timeout or broken property,
# with the input that caused it in <build dir>/fuzz-artifacts/ (add it to
# fuzz/corpus/<target>/ once fixed: docs/fuzzing.md).
# Environment: LOV_FUZZ_BUILD_DIR (default <repo>/build-fuzz), CXX (default
# clang++).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${LOV_FUZZ_BUILD_DIR:-${REPO_ROOT}/build-fuzz}"
runs=10000000
seconds=0
jobs="$(nproc)"
targets=()

die() {
  printf 'fuzz: error: %s\n' "$*" >&2
  exit 1
}

while (($# > 0)); do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    -*) die "unknown option $1 (see the comment at the top of $0)" ;;
    *) targets+=("$1"); shift ;;
  esac
done

cxx="${CXX:-clang++}"
command -v "${cxx}" >/dev/null 2>&1 ||
  die "${cxx} not found: libFuzzer needs clang (deploy/install.sh installs it)"

if [[ ! -f ${BUILD_DIR}/CMakeCache.txt ]]; then
  cmake -S "${REPO_ROOT}" -B "${BUILD_DIR}" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="${cxx}" -DLOV_FUZZ=ON >&2 ||
    die "configuring ${BUILD_DIR} failed (see above)"
fi
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(cd "${REPO_ROOT}/fuzz/corpus" && ls)
fi
cmake --build "${BUILD_DIR}" -j "${jobs}" --target "${targets[@]}" >&2 ||
  die "building the fuzz targets in ${BUILD_DIR} failed (see above)"

artifacts="${BUILD_DIR}/fuzz-artifacts"
mkdir -p "${artifacts}"
for target in "${targets[@]}"; do
  seeds="${REPO_ROOT}/fuzz/corpus/${target}"
  [[ -d ${seeds} ]] || die "no seed corpus ${seeds}"
  work="${BUILD_DIR}/fuzz-corpus/${target}"
  log="${BUILD_DIR}/fuzz-logs/${target}.log"
  mkdir -p "${work}" "$(dirname "${log}")"
  start=${SECONDS}
  if ! ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
    "${BUILD_DIR}/fuzz/${target}" -runs="${runs}" \
    -max_total_time="${seconds}" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="${artifacts}/${target}-" "${work}" "${seeds}" \
    >"${log}" 2>&1; then
    tail -n 60 "${log}" >&2
    die "${target} failed; the input is in ${artifacts}/${target}-*, the log in ${log}"
  fi
  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "${log}")"
  echo "fuzz ${target}: ${executions:-?} executions in $((SECONDS - start)) s, no crash"
done
