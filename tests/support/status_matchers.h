#ifndef LOV_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define LOV_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace lov::testing {

// The status has `code` and its message contains every one of `words`:
// EXPECT_TRUE(IsError(s, absl::StatusCode::kInvalidArgument, {"zone_id"})).
inline ::testing::AssertionResult IsError(
    const absl::Status& status, absl::StatusCode code,
    const std::vector<std::string>& words) {
  if (status.code() != code) {
    return ::testing::AssertionFailure()
           << "code is " << absl::StatusCodeToString(status.code())
           << ", expected " << absl::StatusCodeToString(code) << " ("
           << status.message() << ")";
  }
  const std::string message(status.message());
  for (const auto& w : words) {
    if (message.find(w) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message \"" << message << "\" lacks \"" << w << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_STATUS_MATCHERS_H_
