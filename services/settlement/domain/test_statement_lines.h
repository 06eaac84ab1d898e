#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_STATEMENT_LINES_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_STATEMENT_LINES_H_

// A statement line in one call, for the finance-file unit tests
// (peppol_invoice_test.cc, peppol_credit_note_test.cc): a statement reads as
// the lines it holds.

#include <cstdint>
#include <string>

#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement::testing {

namespace v1 = ::lov::settlement::v1;

// Appends line number lines_size()+1: `quantity` units of `per_unit` at
// `rate` öre each (multiplier 1.0), amounting to `amount` öre.
inline v1::StatementLine* AddLine(v1::Statement& s, v1::LineKind kind,
                                  const std::string& category, int64_t rate,
                                  int64_t quantity, int64_t per_unit,
                                  int64_t amount) {
  v1::StatementLine* l = s.add_lines();
  l->set_line_no(s.lines_size());
  l->set_kind(kind);
  l->set_category_id(category);
  l->set_unit_rate_ore(rate);
  l->set_quantity(quantity);
  l->set_quantity_per_unit(per_unit);
  l->set_multiplier_bp(10000);
  l->set_amount_ore(amount);
  l->set_description("line");
  return l;
}

}  // namespace lov::settlement::testing

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_STATEMENT_LINES_H_
