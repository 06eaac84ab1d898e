#!/usr/bin/env bash
# Fails when a C++ file in the repository is not formatted with the
# repository's .clang-format (Google style). `make format` fixes it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format is not installed (deploy/install.sh installs it)" >&2; exit 1; }
bad=()
while IFS= read -r f; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.cc' '*.h' 2>/dev/null || find platform services tests tools bench -name '*.cc' -o -name '*.h')
if ((${#bad[@]})); then
  printf 'not clang-formatted (run make format):\n' >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "all C++ files are clang-formatted"
