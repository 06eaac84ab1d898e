#!/usr/bin/env bash
# ctest fuzz_short (make test, label fuzz): libFuzzer itself, briefly.
# Builds the given fuzz targets with clang in their own build dir (through
# fuzz/fuzz.sh) and runs each for a few seconds from its seed corpus; fails
# on a crash, a sanitizer report or a broken property, like make fuzz.
#
#   fuzz/fuzz_short.sh <build dir> <seconds per target> <target>...
#
# Exits 77 (ctest SKIP) only when clang or libFuzzer is missing;
# deploy/install.sh installs both, so in CI this runs.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:?usage: $0 <build dir> <seconds> <target>...}"
seconds="${2:?usage: $0 <build dir> <seconds> <target>...}"
shift 2
(($# > 0)) || { echo "fuzz_short: no targets given" >&2; exit 1; }
cxx="${LOV_FUZZ_CXX:-clang++}"

if ! command -v "${cxx}" >/dev/null 2>&1; then
  echo "fuzz_short: skipped: ${cxx} not found (deploy/install.sh installs it)"
  exit 77
fi
probe="$(mktemp -d)"
trap 'rm -rf "${probe}"' EXIT
printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
  'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }' \
  >"${probe}/probe.cc"
if ! "${cxx}" -fsanitize=fuzzer,address,undefined "${probe}/probe.cc" \
  -o "${probe}/probe" >"${probe}/log" 2>&1; then
  cat "${probe}/log"
  echo "fuzz_short: skipped: ${cxx} cannot link libFuzzer (deploy/install.sh installs libfuzzer-*-dev)"
  exit 77
fi

CXX="${cxx}" LOV_FUZZ_BUILD_DIR="${build_dir}" \
  "${REPO_ROOT}/fuzz/fuzz.sh" --seconds "${seconds}" \
  --jobs "${LOV_FUZZ_JOBS:-$(nproc)}" "$@"
