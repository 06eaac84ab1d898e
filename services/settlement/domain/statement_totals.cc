#include "lov/settlement/domain/statement_totals.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/domain/checked_sum.h"
#include "lov/settlement/domain/statement.h"

namespace lov::settlement {
namespace {

using internal::kOne;
using internal::LineKey;
using internal::Lines;

// What a line kind pays, for the line's description. Every kind is named
// here (no default: -Wswitch flags a new kind without a text, and
// statement_test checks every value of the enum).
const char* KindText(v1::LineKind kind) {
  switch (kind) {
    case v1::LINE_KIND_PERFORMED_TIME:
      return "Performed time (utförd tid)";
    case v1::LINE_KIND_VISITS:
      return "Visits";
    case v1::LINE_KIND_GRANTED_TIME:
      return "Granted time (beviljad tid), pro rata days";
    case v1::LINE_KIND_DOUBLE_STAFFING:
      return "Double staffing supplement";
    case v1::LINE_KIND_ZONE_SUPPLEMENT:
      return "Zone supplement";
    case v1::LINE_KIND_LISTING_FEE:
      return "Listing fee (listningsersättning)";
    case v1::LINE_KIND_ONE_OFF:
      return "One-off payment: ";
    case v1::LINE_KIND_VAT:
      return "VAT (moms)";
    case v1::LINE_KIND_PARTICIPATION_DAY:
      return "Days of participation (deltagardagar)";
    case v1::LINE_KIND_HALF_DAY:
      return "Half days (halvdagar)";
    case v1::LINE_KIND_TREATMENT:
      return "Treatments (behandlingar)";
    case v1::LINE_KIND_SUPPORT_LEVEL_DAY:
      return "Days by support level (dagar per stödnivå)";
    case v1::LINE_KIND_TRAVEL:
      return "Travel compensation, sparse area (reseersättning)";
    case v1::LINE_KIND_INDIRECT_TIME:
      return "Indirect time supplement (indirekt tid)";
    case v1::LINE_KIND_TRAVEL_DISTANCE:
      return "Travel compensation per km, sparse area (reseersättning per "
             "km)";
    case v1::LINE_KIND_UNSPECIFIED:
    case v1::LineKind_INT_MIN_SENTINEL_DO_NOT_USE_:
    case v1::LineKind_INT_MAX_SENTINEL_DO_NOT_USE_:
      break;
  }
  return "Line";
}

std::string Describe(const LineKey& key) {
  std::string text = KindText(static_cast<v1::LineKind>(key.kind));
  if (key.kind == v1::LINE_KIND_ONE_OFF) {
    absl::StrAppend(&text, key.note);
  } else if (!key.note.empty()) {
    absl::StrAppend(&text, ", ", key.note);
  }
  if (key.band != v1::BAND_UNSPECIFIED) {
    std::string band = v1::Band_Name(static_cast<v1::Band>(key.band));
    absl::StrAppend(&text, ", ", band.substr(5));  // drop "BAND_"
  }
  if (!key.adjusts_period.empty()) {
    absl::StrAppend(&text, ", adjustment of ", key.adjusts_period);
  }
  return text;
}

struct NetAmounts {
  Money total;
  std::map<std::string, Money> by_category;  // the bases of VAT
};

// The statement's lines, each rounded once, in the order of their keys.
absl::StatusOr<NetAmounts> WriteLines(Lines& lines, v1::Statement& statement) {
  NetAmounts net;
  for (auto& [key, sum] : lines) {
    // An adjustment that nets to nothing still shows what it was made of.
    if (sum.quantity == 0 && key.adjusts_period.empty()) continue;
    const absl::StatusOr<Money> amount =
        LineAmount(key.unit_rate_ore, sum.quantity, key.quantity_per_unit,
                   key.multiplier_bp);
    if (!amount.ok()) return amount.status();
    v1::StatementLine* line = statement.add_lines();
    line->set_line_no(statement.lines_size());
    line->set_kind(static_cast<v1::LineKind>(key.kind));
    line->set_category_id(key.category_id);
    line->set_zone_id(key.zone_id);
    line->set_band(static_cast<v1::Band>(key.band));
    line->set_rate_version(key.rate_version);
    line->set_unit_rate_ore(key.unit_rate_ore);
    line->set_quantity(sum.quantity);
    line->set_quantity_per_unit(key.quantity_per_unit);
    line->set_multiplier_bp(key.multiplier_bp);
    line->set_amount_ore(amount->ore());
    line->set_adjusts_period(key.adjusts_period);
    line->set_description(Describe(key));
    line->set_support_level(key.support_level);
    // A month's sources come in the order its visits were given, often
    // already sorted (visits read in id order): one pass checks that first.
    if (!std::is_sorted(sum.sources.begin(), sum.sources.end())) {
      std::sort(sum.sources.begin(), sum.sources.end());
    }
    line->mutable_sources()->Reserve(static_cast<int>(sum.sources.size()));
    for (std::string& s : sum.sources) line->add_sources(std::move(s));
    const std::string what =
        absl::StrCat("statement ", statement.statement_id(), ": net");
    if (absl::Status s = AddMoney(*amount, &net.total, what); !s.ok()) {
      return s;
    }
    if (!key.category_id.empty()) {
      if (absl::Status s =
              AddMoney(*amount, &net.by_category[key.category_id],
                       absl::StrCat(what, " of ", key.category_id));
          !s.ok()) {
        return s;
      }
    }
  }
  return net;
}

// One VAT line per category with VAT: its rounded net times the VAT rate,
// rounded once. Returns the VAT of the statement.
absl::StatusOr<Money> AddVatLines(
    const v1::RateTable& month_table,
    const std::map<std::string, Money>& net_by_category,
    v1::Statement& statement) {
  Money vat;
  for (const auto& [category, base] : net_by_category) {
    int64_t vat_bp = 0;
    for (const v1::CategoryRate& rate : month_table.categories()) {
      if (rate.category_id() == category) vat_bp = rate.vat_basis_points();
    }
    if (vat_bp == 0 || base.ore() == 0) continue;
    const absl::StatusOr<Money> amount = LineAmount(base.ore(), 1, 1, vat_bp);
    if (!amount.ok()) return amount.status();
    v1::StatementLine* line = statement.add_lines();
    line->set_line_no(statement.lines_size());
    line->set_kind(v1::LINE_KIND_VAT);
    line->set_category_id(category);
    line->set_rate_version(month_table.effective_date());
    line->set_unit_rate_ore(base.ore());
    line->set_quantity(1);
    line->set_quantity_per_unit(1);
    line->set_multiplier_bp(vat_bp);
    line->set_amount_ore(amount->ore());
    line->set_description(absl::StrFormat(
        "VAT (moms) %d.%02d %% on %s", vat_bp / 100, vat_bp % 100, category));
    line->add_sources(absl::StrCat("category:", category));
    if (absl::Status s = AddMoney(
            *amount, &vat,
            absl::StrCat("statement ", statement.statement_id(), ": VAT"));
        !s.ok()) {
      return s;
    }
  }
  return vat;
}

// StatementDigest of a statement being written, without copying its lines:
// the fields the digest leaves out are set aside and put back.
std::string DigestInPlace(v1::Statement& statement) {
  const v1::StatementStatus status = statement.status();
  std::string digest = std::move(*statement.mutable_digest());
  std::string approved_by = std::move(*statement.mutable_approved_by());
  google::protobuf::Timestamp* approved_at =
      statement.has_approved_at() ? statement.release_approved_at() : nullptr;
  statement.clear_status();
  statement.clear_digest();
  statement.clear_approved_by();
  std::string fingerprint = Fingerprint(statement);
  statement.set_status(status);
  statement.set_digest(std::move(digest));
  statement.set_approved_by(std::move(approved_by));
  if (approved_at != nullptr) statement.set_allocated_approved_at(approved_at);
  return fingerprint;
}

}  // namespace

absl::StatusOr<Money> LineAmount(int64_t unit_rate_ore, int64_t quantity,
                                 int64_t quantity_per_unit,
                                 int64_t multiplier_bp) {
  int64_t num = 0;
  int64_t den = 0;
  if (__builtin_mul_overflow(quantity, multiplier_bp, &num) ||
      __builtin_mul_overflow(quantity_per_unit, kOne, &den)) {
    return absl::OutOfRangeError(absl::StrCat(
        "line amount: quantity ", quantity, " x ", multiplier_bp, " bp per ",
        quantity_per_unit, " does not fit in 64 bits"));
  }
  return Money::FromOre(unit_rate_ore).MulDiv(num, den, Rounding::kHalfUp);
}

std::string LineKindText(v1::LineKind kind) { return KindText(kind); }

std::string StatementDigest(const v1::Statement& statement) {
  v1::Statement copy = statement;
  copy.clear_status();
  copy.clear_digest();
  copy.clear_approved_at();
  copy.clear_approved_by();
  return Fingerprint(copy);
}

namespace internal {

absl::Status WriteLinesAndTotals(const v1::RateTable* month_table, Lines& lines,
                                 v1::Statement& statement) {
  const absl::StatusOr<NetAmounts> net = WriteLines(lines, statement);
  if (!net.ok()) return net.status();
  absl::StatusOr<Money> vat = Money();
  if (month_table != nullptr) {
    vat = AddVatLines(*month_table, net->by_category, statement);
    if (!vat.ok()) return vat.status();
  }
  Money total = net->total;
  if (absl::Status s =
          AddMoney(*vat, &total,
                   absl::StrCat("statement ", statement.statement_id(),
                                ": total (net and VAT)"));
      !s.ok()) {
    return s;
  }
  statement.set_net_ore(net->total.ore());
  statement.set_vat_ore(vat->ore());
  statement.set_total_ore(total.ore());
  statement.set_digest(DigestInPlace(statement));
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace lov::settlement
