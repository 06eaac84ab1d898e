// The municipality's rules for choice in force (the default ones until it
// configures its own).
#include "lov/choice/app/choice_app.h"

namespace lov::choice {

absl::StatusOr<v1::ChoicePolicy> ChoiceApp::GetPolicy(
    const v1::GetPolicyRequest&) {
  return CurrentPolicy();
}

}  // namespace lov::choice
