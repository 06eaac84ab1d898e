#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_H_

// The monthly statement of one provider, computed from its inputs alone, so
// the same inputs always give the same lines and the same öre.
//
// Rounding (the one place): every line is rate x quantity x multiplier /
// (quantity per unit x 10000) computed exactly over the whole line (all the
// visits or client-days behind it) and rounded once, half away from zero, by
// LineAmount. VAT lines are the category's rounded net times the VAT rate,
// rounded once the same way. Totals are sums of rounded lines, so a
// statement always adds up.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/money.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/v1/settlement.pb.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::settlement {

// A correction of a visit whose period was already approved: it is booked
// as the difference between the current and the previous version.
struct Adjustment {
  std::string adjustment_id;   // the correcting event's id
  std::string adjusts_period;  // the locked period
  std::optional<visits::v1::Visit> previous;
  std::optional<visits::v1::Visit> current;  // absent: the visit was voided
  // The locked period's other visits of the client on the dates of
  // `previous` and `current`, as paid before this change (PaidBefore in
  // day_adjustments.h): a day model pays the difference of the client's
  // days, so a visit added on a paid day pays nothing.
  std::vector<visits::v1::Visit> paid_before;
};

// A visit of the month as pricing reads it: the fields BuildStatement uses,
// the strings viewed (the caller keeps them alive while the statement is
// built). A caller with many visits (a month-end run, a national month)
// can hand these over instead of `visits::v1::Visit` messages: 112 bytes a
// visit and no per-visit allocation. Priced exactly as the message would be
// (RowOf gives the row of a message).
struct VisitRow {
  absl::string_view visit_id;
  int32_t version = 0;
  bool performed = false;  // VISIT_STATUS_PERFORMED
  absl::Time start;
  absl::Time end;
  absl::string_view category_id;
  absl::string_view zone_id;
  absl::string_view client_id;
  bool double_staffing = false;
  uint32_t travel_metres = 0;
};

// The row of a message (viewing its strings).
VisitRow RowOf(const visits::v1::Visit& visit);

struct StatementInput {
  std::string provider_id;
  absl::CivilMonth period;
  bool in_house = false;
  const RateBook* rates = nullptr;
  v1::ListingRuleKind listing_rule = v1::LISTING_RULE_KIND_PRO_RATA_DAYS;
  // The latest version of every visit that counts in the period.
  std::vector<visits::v1::Visit> visits;
  // More of the same, as rows (VisitRow); priced after `visits`.
  std::vector<VisitRow> visit_rows;
  // Corrections of locked periods not yet booked in an approved statement.
  std::vector<Adjustment> adjustments;
  // The provider's assignments (any period; clipped to the month here).
  std::vector<choice::v1::Assignment> assignments;
  std::map<std::string, std::vector<choice::v1::Decision>> decisions_by_client;
  std::map<std::string, v1::ZoneArea> zone_areas;
  // One-off payments paid in this period (only this provider's share used).
  std::vector<v1::OneOffPayment> one_offs;
  // The provider's approved statements of earlier months whose support
  // levels may have changed since (support_level_changes.h).
  std::vector<v1::Statement> approved_before;
};

// The rounding rule of the whole service, applied to one line; OutOfRange
// if the amount does not fit in 64-bit öre.
absl::StatusOr<Money> LineAmount(int64_t unit_rate_ore, int64_t quantity,
                                 int64_t quantity_per_unit,
                                 int64_t multiplier_bp);

// A PREVIEW statement. FailedPrecondition names the visit, category and day
// if something cannot be priced (no rate table in force, say); OutOfRange
// names the statement if a line or a sum of lines (net, VAT, total) does
// not fit in 64-bit öre (checked_sum.h).
absl::StatusOr<v1::Statement> BuildStatement(const StatementInput& input);

// Digest of what a statement pays (lines and totals), independent of its
// status and approval fields.
std::string StatementDigest(const v1::Statement& statement);

// What a line of `kind` pays, as its description starts ("Line" only for
// LINE_KIND_UNSPECIFIED).
std::string LineKindText(v1::LineKind kind);

// Seconds of a visit, 0 unless it was performed.
int64_t PerformedSeconds(const visits::v1::Visit& visit);
int64_t PerformedSeconds(const VisitRow& visit);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_H_
