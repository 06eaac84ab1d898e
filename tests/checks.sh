# Sourced by the shell tests (images_test.sh, run_sign_in_test.sh): each
# check says "ok: ..." or "FAILED: ...", and finish prints the counts and
# exits non-zero on any failure.
passed=0 failed=0
pass() {
  passed=$((passed + 1))
  echo "ok: $*"
}
fail() {
  failed=$((failed + 1))
  echo "FAILED: $*"
}
finish() {
  echo "${passed} passed, ${failed} failed"
  ((failed == 0))
  exit
}
