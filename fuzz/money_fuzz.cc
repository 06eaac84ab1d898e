// Money: parsing kronor, MulDiv and allocation. Overflow and misuse are
// error statuses, never an abort; the arithmetic is checked against 128-bit
// integers.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "lov/platform/money.h"

namespace {

using Int128 = __int128;
using lov::Money;
using lov::Rounding;

Int128 Abs(Int128 v) { return v < 0 ? -v : v; }

void CheckParse(const std::string& text) {
  const absl::StatusOr<Money> m = Money::Parse(text);
  if (!m.ok()) return;
  // The decimal form parses back to the same amount.
  LOV_FUZZ_CHECK(Money::Parse(m->ToDecimalString()).value_or(Money()) == *m);
}

void CheckMulDiv(lov::fuzz::FuzzInput& input) {
  const Money m = Money::FromOre(input.Int64());
  const int64_t num = input.Int64();
  const int64_t den = input.Int64();
  const Rounding rounding = static_cast<Rounding>(input.Byte() % 3);
  const absl::StatusOr<Money> r = m.MulDiv(num, den, rounding);
  if (den == 0) {
    LOV_FUZZ_CHECK(!r.ok());
    return;
  }
  const Int128 exact = static_cast<Int128>(m.ore()) * num;  // r ~ exact / den
  if (!r.ok()) {
    // Only a quotient beyond int64 (give or take the rounding) is refused.
    const Int128 q = exact / den;
    LOV_FUZZ_CHECK(q >= INT64_MAX - 1 || q <= INT64_MIN + 1);
    return;
  }
  // Rounded once: within one öre of the exact quotient, within half for
  // the half rules.
  const Int128 error = Abs(static_cast<Int128>(r->ore()) * den - exact);
  if (rounding == Rounding::kTowardZero) {
    LOV_FUZZ_CHECK(error < Abs(den));
  } else {
    LOV_FUZZ_CHECK(2 * error <= Abs(den));
  }
}

void CheckAllocate(lov::fuzz::FuzzInput& input) {
  const Money total = Money::FromOre(input.Int64());
  std::vector<int64_t> weights(input.Byte() % 16);
  bool negative = false;
  for (int64_t& w : weights) {
    w = input.Int64();
    negative = negative || w < 0;
  }
  const auto parts = Money::Allocate(total, weights);
  LOV_FUZZ_CHECK(parts.ok() != negative);
  if (!parts.ok()) return;
  LOV_FUZZ_CHECK(parts->size() == weights.size());
  Int128 sum = 0;
  Int128 weight_sum = 0;
  for (int64_t w : weights) weight_sum += w;
  for (size_t i = 0; i < parts->size(); ++i) {
    sum += (*parts)[i].ore();
    if (weight_sum == 0) continue;
    // Each part is its exact share, rounded down or up.
    const Int128 share = static_cast<Int128>(total.ore()) * weights[i];
    LOV_FUZZ_CHECK(Abs(static_cast<Int128>((*parts)[i].ore()) * weight_sum -
                       share) < weight_sum);
  }
  LOV_FUZZ_CHECK(sum == (weight_sum == 0 ? 0 : total.ore()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lov::fuzz::FuzzInput input(data, size);
  switch (input.Byte() % 3) {
    case 0:
      CheckParse(input.Rest());
      break;
    case 1:
      CheckMulDiv(input);
      break;
    default:
      CheckAllocate(input);
      break;
  }
  return 0;
}
