#include "lov/registry/domain/finding_reference.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace lov::registry {
namespace {

constexpr absl::string_view kFollowUpPrefix = "fu-";

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lowercase hex.
bool IsUuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-'
             : !(absl::ascii_isdigit(s[i]) || (s[i] >= 'a' && s[i] <= 'f'))) {
      return false;
    }
  }
  return true;
}

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

}  // namespace

absl::Status CheckFindingReference(const std::string& follow_up_id,
                                   const std::string& finding_id) {
  if (follow_up_id.empty() && finding_id.empty()) return absl::OkStatus();
  if (follow_up_id.empty()) {
    return Invalid("follow_up_id", "is required with finding_id");
  }
  if (finding_id.empty()) {
    return Invalid("finding_id", "is required with follow_up_id");
  }
  if (!absl::StartsWith(follow_up_id, kFollowUpPrefix) ||
      !IsUuid(absl::string_view(follow_up_id).substr(kFollowUpPrefix.size()))) {
    return Invalid("follow_up_id",
                   "must be a follow-up id as ListFollowUps shows it "
                   "(\"fu-\" and a lowercase UUID)");
  }
  const std::string prefix = absl::StrCat(follow_up_id, "/f");
  absl::string_view n = finding_id;
  int number = 0;
  const bool numbered = absl::ConsumePrefix(&n, prefix) && !n.empty() &&
                        n.size() <= 2 && n[0] != '0' &&
                        absl::c_all_of(n, absl::ascii_isdigit) &&
                        absl::SimpleAtoi(n, &number);
  if (!numbered || number > kMaxFindingsPerFollowUp) {
    return Invalid(
        "finding_id",
        absl::StrCat("must be a finding of follow_up_id, \"", prefix,
                     "<n>\" with n from 1 to ", kMaxFindingsPerFollowUp));
  }
  return absl::OkStatus();
}

}  // namespace lov::registry
