// The municipality adds a version of the rates (ersättningsnivåer) that
// applies from a date; rates are never rewritten, and never changed for a
// month already approved.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/compensation.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/rate_book.h"

namespace lov::settlement {
namespace {

// The table already stored for the same date (the same table sent again);
// AlreadyExists if a different one starts that day.
absl::StatusOr<std::optional<v1::RateTable>> SameDate(
    const std::vector<v1::RateTable>& tables, const v1::RateTable& table) {
  for (const v1::RateTable& t : tables) {
    if (t.effective_date() != table.effective_date()) continue;
    if (SerializeDeterministic(t) == SerializeDeterministic(table)) return t;
    return absl::AlreadyExistsError(absl::StrCat(
        "table.effective_date: a different rate table already starts on ",
        table.effective_date(),
        "; rates are never rewritten, add a new "
        "version from a later date"));
  }
  return std::nullopt;
}

// FailedPrecondition if the table would start in or before the latest
// approved period.
absl::Status RequireAfterApproved(const std::string& latest,
                                  const v1::RateTable& table) {
  if (latest.empty()) return absl::OkStatus();
  absl::StatusOr<absl::CivilMonth> locked = ParsePeriod(latest);
  absl::StatusOr<absl::CivilDay> from = ParseDate(table.effective_date());
  if (locked.ok() && from.ok() && absl::CivilMonth(*from) <= *locked) {
    return absl::FailedPreconditionError(
        absl::StrCat("table.effective_date: ", table.effective_date(),
                     " falls in or before ", latest,
                     ", which is already approved; a new table may start from ",
                     FormatPeriod(*locked + 1), "-01"));
  }
  return absl::OkStatus();
}

// InvalidArgument naming the field if the table names a zone the registry
// has not told settlement about (area types, per-zone supplements).
absl::Status RequireKnownZones(const std::map<std::string, v1::ZoneArea>& known,
                               const v1::RateTable& table) {
  for (const auto& [field, zone] : ZonesNamed(table)) {
    if (known.count(zone)) continue;
    std::vector<std::string> ids;
    for (const auto& [id, area] : known) ids.push_back(id);
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": unknown zone '", zone, "' (zones known from the registry: ",
        ids.empty() ? "none" : absl::StrJoin(ids, ", "), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::RateTable> SettlementApp::AddRateTable(
    const v1::AddRateTableRequest& request) {
  const v1::RateTable& table = request.table();
  if (absl::Status s = ValidateRateTable(table); !s.ok()) return s;
  return RunCommand<v1::RateTable>(
      kRatesAggregate, [&]() -> absl::StatusOr<Decided<v1::RateTable>> {
        absl::StatusOr<std::vector<v1::RateTable>> tables =
            store_->RateTables();
        if (!tables.ok()) return tables.status();
        absl::StatusOr<std::optional<v1::RateTable>> same =
            SameDate(*tables, table);
        if (!same.ok()) return same.status();
        if (same->has_value()) return Decided<v1::RateTable>({}, **same);
        if (!ZonesNamed(table).empty()) {
          absl::StatusOr<std::map<std::string, v1::ZoneArea>> zones =
              store_->ZoneAreas();
          if (!zones.ok()) return zones.status();
          if (absl::Status s = RequireKnownZones(*zones, table); !s.ok()) {
            return s;
          }
        }
        absl::StatusOr<std::string> latest = store_->LatestApprovedPeriod();
        if (!latest.ok()) return latest.status();
        if (absl::Status s = RequireAfterApproved(*latest, table); !s.ok()) {
          return s;
        }
        absl::StatusOr<Event> event = NextEvent(kRatesAggregate);
        if (!event.ok()) return event.status();
        *event->mutable_rate_table_version_added()->mutable_table() = table;
        return Decided<v1::RateTable>({std::move(*event)}, table);
      });
}

}  // namespace lov::settlement
