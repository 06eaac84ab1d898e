#include "lov/settlement/domain/fee_basis.h"

#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/money.h"
#include "lov/settlement/domain/statement.h"

namespace lov::settlement {
namespace {

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Seconds as hours with two decimals, half up (seconds are never negative).
std::string Hours(int64_t seconds) {
  const int64_t hundredths = (seconds * 100 + 1800) / 3600;
  return Money::FromOre(hundredths).ToDecimalString();
}

}  // namespace

absl::StatusOr<v1::ClientFeeBasis> FeeBasisOf(
    const std::string& statement_id, const std::string& provider_id,
    const std::string& period, const std::vector<visits::v1::Visit>& visits) {
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int32_t>>
      rows;
  int64_t total = 0;
  for (const visits::v1::Visit& v : visits) {
    if (v.status() != visits::v1::VISIT_STATUS_PERFORMED) continue;
    if (absl::Status s = RefusePersonnummer("client_id", v.client_id());
        !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("fee basis of ", statement_id, ": visit ", v.visit_id(),
                       ": ", s.message()));
    }
    auto& row = rows[{v.client_id(), v.category_id()}];
    const int64_t seconds = PerformedSeconds(v);
    row.first += seconds;
    row.second += 1;
    total += seconds;
  }
  v1::ClientFeeBasis out;
  out.set_statement_id(statement_id);
  out.set_provider_id(provider_id);
  out.set_period(period);
  for (const auto& [key, value] : rows) {
    auto* c = out.add_clients();
    c->set_client_id(key.first);
    c->set_category_id(key.second);
    c->set_performed_seconds(value.first);
    c->set_visits(value.second);
  }
  out.set_performed_seconds(total);
  return out;
}

std::string FeeBasisCsv(const std::vector<v1::ClientFeeBasis>& bases) {
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, std::pair<std::string, const v1::ClientFeeBasis::ClientHours*>>
      rows;
  for (const v1::ClientFeeBasis& b : bases) {
    for (const auto& c : b.clients()) {
      rows[Key{c.client_id(), b.provider_id(), c.category_id()}] = {b.period(),
                                                                    &c};
    }
  }
  std::string out =
      "period,client_id,provider_id,category_id,performed_seconds,hours,"
      "visits\r\n";
  for (const auto& [key, row] : rows) {
    const auto& [client, provider, category] = key;
    absl::StrAppend(&out, CsvField(row.first), ",", CsvField(client), ",",
                    CsvField(provider), ",", CsvField(category), ",",
                    row.second->performed_seconds(), ",",
                    Hours(row.second->performed_seconds()), ",",
                    row.second->visits(), "\r\n");
  }
  return out;
}

std::vector<v1::FeeBasisRecorded> SplitFeeBasis(const v1::ClientFeeBasis& basis,
                                                int rows_per_part) {
  if (rows_per_part < 1) rows_per_part = 1;
  v1::ClientFeeBasis head = basis;
  head.clear_clients();
  std::vector<v1::FeeBasisRecorded> parts;
  int i = 0;
  do {
    v1::FeeBasisRecorded& part = parts.emplace_back();
    part.set_statement_id(basis.statement_id());
    part.set_part(static_cast<int32_t>(parts.size()));
    *part.mutable_basis() = head;
    for (int n = 0; n < rows_per_part && i < basis.clients_size(); ++n, ++i) {
      *part.mutable_basis()->add_clients() = basis.clients(i);
    }
  } while (i < basis.clients_size());
  for (v1::FeeBasisRecorded& part : parts) {
    part.set_parts(static_cast<int32_t>(parts.size()));
  }
  return parts;
}

absl::StatusOr<v1::ClientFeeBasis> JoinFeeBasis(
    const std::vector<v1::FeeBasisRecorded>& parts) {
  if (parts.empty()) {
    return absl::FailedPreconditionError("fee basis: no parts");
  }
  v1::ClientFeeBasis out = parts.front().basis();
  out.clear_clients();
  const int32_t count = parts.front().parts();
  if (count != static_cast<int32_t>(parts.size())) {
    return absl::FailedPreconditionError(
        absl::StrCat("fee basis of ", out.statement_id(), ": ", parts.size(),
                     " parts, the parts say ", count));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const v1::FeeBasisRecorded& p = parts[i];
    if (p.part() != static_cast<int32_t>(i + 1) || p.parts() != count ||
        p.statement_id() != parts.front().statement_id()) {
      return absl::FailedPreconditionError(
          absl::StrCat("fee basis of ", out.statement_id(), ": part ", i + 1,
                       " of ", count, " is missing or out of order"));
    }
    for (const auto& row : p.basis().clients()) *out.add_clients() = row;
  }
  return out;
}

}  // namespace lov::settlement
