// The official Peppol rules run on an exported document, for the settlement
// service tests (settlement_peppol_test.cc, settlement_credit_note_test.cc):
// deploy/validators/peppol-validate.sh (the UBL 2.1 schema, the CEN EN 16931
// and the Peppol self-billing schematrons for an invoice or a credit note).
#ifndef LOV_SERVICES_SETTLEMENT_TESTS_PEPPOL_VALIDATION_H_
#define LOV_SERVICES_SETTLEMENT_TESTS_PEPPOL_VALIDATION_H_

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"

namespace lov::settlement::test_support {

struct Validation {
  int exit_code = -1;
  std::string output;
};

// Runs the official rules on `xml`, written to a file of its own.
inline Validation Validate(const std::string& xml, const std::string& name) {
  const std::string path =
      absl::StrCat(::testing::TempDir(), "/", name, "-", NewUuid(), ".xml");
  std::ofstream(path, std::ios::binary) << xml;
  const std::string command =
      absl::StrCat(LOV_SOURCE_DIR, "/deploy/validators/peppol-validate.sh '",
                   path, "' 2>&1");
  Validation v;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return v;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    v.output.append(buffer, n);
  }
  const int status = pclose(pipe);
  v.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::remove(path.c_str());
  return v;
}

}  // namespace lov::settlement::test_support

#endif  // LOV_SERVICES_SETTLEMENT_TESTS_PEPPOL_VALIDATION_H_
