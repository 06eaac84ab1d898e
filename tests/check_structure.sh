#!/usr/bin/env bash
# Keeps the map of the code readable (docs/architecture.md):
#  - no file in services/*/app/ over 600 lines (one use case per file);
#  - every services/*/main.cc under 60 lines (lov::ServiceMain does the wiring);
#  - no service includes another service's private headers: across services
#    only the protos ("lov/<service>/v1/...") and a service's published
#    contract ("lov/registry/contract/...", "lov/followup/contract/...") may
#    be included.
# With --self-test, shows on a scratch tree that each rule fails when broken.
set -euo pipefail

check() {
  local root="$1" problems=()
  while IFS= read -r f; do
    local n
    n=$(wc -l <"$f")
    ((n <= 600)) || problems+=("$f: ${n} lines (an app/ file stays under 600: one use case per file)")
  done < <(find "$root/services" -path '*/app/*' \( -name '*.cc' -o -name '*.h' \) | sort)
  for f in "$root"/services/*/main.cc; do
    local n
    n=$(wc -l <"$f")
    ((n < 60)) || problems+=("$f: ${n} lines (a main.cc stays under 60: it only names its parts)")
  done
  for dir in "$root"/services/*/; do
    local svc
    svc=$(basename "$dir")
    while IFS= read -r hit; do
      problems+=("${hit}: includes another service's private header")
    done < <(grep -rnE '#include "lov/[a-z_]+/' "$dir" --include='*.cc' --include='*.h' --include='*.in' |
      grep -vE "#include \"lov/(${svc}|platform)/" |
      grep -vE '#include "lov/[a-z_]+/v1/' |
      grep -vE '#include "lov/[a-z_]+/contract/' || true)
  done
  if ((${#problems[@]})); then
    printf '%s\n' "${problems[@]}" >&2
    return 1
  fi
}

cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--self-test" ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  make_tree() {
    rm -rf "$scratch/t"
    mkdir -p "$scratch/t/services/a/app" "$scratch/t/services/b/domain"
    printf 'int main() {}\n' >"$scratch/t/services/a/main.cc"
    printf '#include "lov/a/ports.h"\n#include "lov/b/v1/b.pb.h"\n' >"$scratch/t/services/a/app/x.cc"
    printf '#include "lov/registry/contract/provider_record.h"\n' >"$scratch/t/services/b/domain/y.cc"
    printf 'int main() {}\n' >"$scratch/t/services/b/main.cc"
  }
  make_tree
  check "$scratch/t" || { echo "self-test: a clean tree was refused" >&2; exit 1; }
  make_tree
  seq 601 >"$scratch/t/services/a/app/x.cc"
  ! check "$scratch/t" 2>/dev/null || { echo "self-test: a 601-line app file passed" >&2; exit 1; }
  make_tree
  seq 60 >"$scratch/t/services/b/main.cc"
  ! check "$scratch/t" 2>/dev/null || { echo "self-test: a 60-line main.cc passed" >&2; exit 1; }
  make_tree
  printf '#include "lov/a/domain/z.h"\n' >"$scratch/t/services/b/domain/y.cc"
  ! check "$scratch/t" 2>/dev/null || { echo "self-test: a private cross-service include passed" >&2; exit 1; }
  echo "self-test: every rule fails when broken"
  exit 0
fi
check . && echo "structure: app files under 600 lines, mains under 60, no private cross-service includes"
