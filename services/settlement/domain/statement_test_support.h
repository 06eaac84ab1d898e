#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_TEST_SUPPORT_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_TEST_SUPPORT_H_

// The fixture the statement unit tests share: provider prv-a's January 2024
// statement input against one rate table (January2024() unless a test uses
// another), the registry's areas city (urban) and north (rural), and the
// statement built from it.

#include <gtest/gtest.h>

#include <cstdint>

#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/test_rates.h"

namespace lov::settlement::testing {

class StatementTest : public ::testing::Test {
 protected:
  StatementTest() { UseTable(January2024()); }

  // The rates of `table` only, for the same provider and month.
  void UseTable(const v1::RateTable& table) {
    book_ = RateBook({table});
    input_.provider_id = "prv-a";
    input_.period = absl::CivilMonth(2024, 1);
    input_.rates = &book_;
    // The registry's areas: only the legacy zone_supplements use them.
    input_.zone_areas = {{"city", v1::ZONE_AREA_URBAN},
                         {"north", v1::ZONE_AREA_RURAL}};
  }

  // The statement of input_; a failure fails the test, naming the status.
  v1::Statement Build() {
    absl::StatusOr<v1::Statement> s = BuildStatement(input_);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : v1::Statement();
  }

  // What the lines of `kind` pay together, in öre.
  static int64_t SumOf(const v1::Statement& s, v1::LineKind kind) {
    int64_t sum = 0;
    for (const auto& l : s.lines()) {
      if (l.kind() == kind) sum += l.amount_ore();
    }
    return sum;
  }

  RateBook book_;
  StatementInput input_;
};

}  // namespace lov::settlement::testing

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_TEST_SUPPORT_H_
