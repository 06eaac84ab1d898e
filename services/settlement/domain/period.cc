#include "lov/settlement/domain/period.h"

#include "absl/strings/str_cat.h"

namespace lov::settlement {

std::string StatementId(const std::string& provider_id,
                        const std::string& period) {
  return absl::StrCat(provider_id, "/", period);
}

}  // namespace lov::settlement
