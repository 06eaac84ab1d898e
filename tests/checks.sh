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
# The demo's own checks, in the output of deploy/local/run.sh.
check_demo_report() { # RUN_OUTPUT_FILE
  local check
  for check in "Every statement's lines add up to its total: yes." \
    "Every accepted visit is paid exactly once (statement hours equal the accepted visits' hours): yes." \
    "Every km driven in the sparse zones and every day at a decided support level is paid as reported and decided: yes."; do
    if grep -qxF "${check}" "$1"; then
      pass "demo: ${check}"
    else
      fail "demo did not report: ${check}"
    fi
  done
}
finish() {
  echo "${passed} passed, ${failed} failed"
  ((failed == 0))
  exit
}
