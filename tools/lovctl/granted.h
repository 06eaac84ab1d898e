// lovctl's --granted CATEGORY:MINUTES_PER_MONTH[:SUPPORT_LEVEL][,...]:
// the categories of a care decision, checked before anything is sent.
#ifndef LOV_TOOLS_LOVCTL_GRANTED_H_
#define LOV_TOOLS_LOVCTL_GRANTED_H_

#include <string>

#include "absl/status/status.h"
#include "lov/choice/v1/choice.pb.h"

namespace lov::cli {

// Adds each category of `text` to `d`; an error names the part that is wrong.
absl::Status ParseGranted(const std::string& text, choice::v1::Decision* d);

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_GRANTED_H_
