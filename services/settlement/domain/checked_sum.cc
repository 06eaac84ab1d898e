#include "lov/settlement/domain/checked_sum.h"

#include "absl/strings/str_cat.h"

namespace lov::settlement {

absl::Status AddOre(int64_t amount, int64_t* sum, const std::string& what) {
  int64_t out = 0;
  if (__builtin_add_overflow(*sum, amount, &out)) {
    return absl::OutOfRangeError(absl::StrCat(
        what, ": ", *sum, " + ", amount,
        " öre does not fit in 64 bits; check the rates, quantities and "
        "one-off amounts behind it"));
  }
  *sum = out;
  return absl::OkStatus();
}

absl::Status AddMoney(Money amount, Money* sum, const std::string& what) {
  int64_t ore = sum->ore();
  if (absl::Status s = AddOre(amount.ore(), &ore, what); !s.ok()) return s;
  *sum = Money::FromOre(ore);
  return absl::OkStatus();
}

}  // namespace lov::settlement
