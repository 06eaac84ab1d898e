// The reads of the visits service's serving state: histories, rejected
// reports, exceptions, and the clients' months for the follow-up.
#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lov/visits/adapters/redis_script_batch.h"
#include "lov/visits/adapters/redis_visit_store.h"

namespace lov::visits {
namespace {

using redis_batch::ParseInto;

// A visit's history from LRANGE.
absl::StatusOr<std::vector<v1::VisitEvent>> HistoryOf(const RedisReply& r) {
  std::vector<v1::VisitEvent> out;
  for (const auto& e : r.elements) {
    v1::VisitEvent ev;
    if (absl::Status s = ParseInto(e.str, &ev, "history"); !s.ok()) return s;
    // A redelivered event is recorded once.
    if (!out.empty() &&
        out.back().aggregate_version() >= ev.aggregate_version()) {
      continue;
    }
    out.push_back(std::move(ev));
  }
  return out;
}

// The cells of a client's month from HGETALL performed:<client>:<period>
// ("<provider>|<category>|c|s|n" -> minutes or count).
std::vector<PerformedCell> CellsOf(const RedisReply& r) {
  std::map<std::pair<std::string, std::string>, PerformedCell> cells;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    std::vector<std::string> parts = absl::StrSplit(r.elements[i].str, '|');
    int64_t value = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(r.elements[i + 1].str, &value)) {
      continue;
    }
    PerformedCell& cell = cells[{parts[0], parts[1]}];
    cell.provider_id = parts[0];
    cell.category_id = parts[1];
    if (parts[2] == "c") cell.client_minutes = value;
    if (parts[2] == "s") cell.staff_minutes = value;
    if (parts[2] == "n") cell.visits = value;
  }
  std::vector<PerformedCell> out;
  for (auto& [k, c] : cells) out.push_back(std::move(c));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<v1::VisitEvent>> RedisVisitStore::History(
    const std::string& visit_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"LRANGE", Key("history:" + visit_id), "0", "-1"});
  if (!r.ok()) return r.status();
  return HistoryOf(*r);
}

absl::StatusOr<std::vector<std::vector<v1::VisitEvent>>>
RedisVisitStore::Histories(const std::vector<std::string>& visit_ids) {
  std::vector<std::vector<v1::VisitEvent>> out;
  if (visit_ids.empty()) return out;
  std::vector<std::vector<std::string>> reads;
  reads.reserve(visit_ids.size());
  for (const auto& id : visit_ids) {
    reads.push_back({"LRANGE", Key("history:" + id), "0", "-1"});
  }
  // One round trip for the page.
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(reads);
  if (!r.ok()) return r.status();
  out.reserve(r->size());
  for (const RedisReply& one : *r) {
    absl::StatusOr<std::vector<v1::VisitEvent>> h = HistoryOf(one);
    if (!h.ok()) return h.status();
    out.push_back(*std::move(h));
  }
  return out;
}

absl::StatusOr<std::vector<v1::VisitRejected>> RedisVisitStore::ListRejected(
    const std::string& provider_id, const std::string& period) {
  // Those past the retention period are gone even before the set is
  // trimmed.
  absl::StatusOr<RedisReply> r =
      redis_->Command({"ZRANGEBYSCORE", RejectedKey(provider_id, period),
                       std::to_string(RejectedCutoffMs()), "+inf"});
  if (!r.ok()) return r.status();
  std::vector<v1::VisitRejected> out;
  for (const auto& e : r->elements) {
    v1::VisitRejected v;
    if (absl::Status s = ParseInto(e.str, &v, "rejection"); !s.ok()) return s;
    out.push_back(std::move(v));
  }
  return out;
}

absl::StatusOr<std::vector<ExceptionRef>> RedisVisitStore::ExceptionVisits(
    const std::string& provider_id) {
  absl::StatusOr<RedisReply> r = redis_->Command(
      {"ZRANGE", Key("exceptions:" + provider_id), "0", "-1", "WITHSCORES"});
  if (!r.ok()) return r.status();
  std::vector<ExceptionRef> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    ExceptionRef ref;
    ref.visit_id = r->elements[i].str;
    // Scores are whole milliseconds; Redis may write them as "1.7e+12".
    double score = 0;
    if (!absl::SimpleAtod(r->elements[i + 1].str, &score)) {
      return absl::DataLossError(
          absl::StrCat("corrupt exception index score for ", ref.visit_id));
    }
    ref.start_ms = static_cast<int64_t>(score);
    out.push_back(std::move(ref));
  }
  return out;
}

absl::StatusOr<std::vector<ClientMonth>> RedisVisitStore::ClientMonths(
    const std::vector<std::string>& client_ids, const std::string& period) {
  std::vector<ClientMonth> out;
  if (client_ids.empty()) return out;
  std::vector<std::vector<std::string>> reads;
  reads.reserve(2 * client_ids.size());
  for (const auto& client : client_ids) {
    reads.push_back({"HVALS", Key("decisions:" + client)});
    reads.push_back(
        {"HGETALL", Key(absl::StrCat("performed:", client, ":", period))});
  }
  // One round trip for the page.
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(reads);
  if (!r.ok()) return r.status();
  out.reserve(client_ids.size());
  for (size_t i = 0; i < client_ids.size(); ++i) {
    ClientMonth m;
    for (const auto& e : (*r)[2 * i].elements) {
      choice::v1::Decision d;
      if (absl::Status s = ParseInto(e.str, &d, "decision"); !s.ok()) return s;
      m.decisions.push_back(std::move(d));
    }
    m.cells = CellsOf((*r)[2 * i + 1]);
    out.push_back(std::move(m));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> RedisVisitStore::ClientsOfProvider(
    const std::string& provider_id, const std::string& period) {
  absl::StatusOr<RedisReply> r = redis_->Command(
      {"SMEMBERS", Key(absl::StrCat("pclients:", provider_id, ":", period))});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::vector<std::string>> RedisVisitStore::ClientsOfPeriod(
    const std::string& period) {
  absl::StatusOr<RedisReply> r = redis_->Command(
      {"SUNION", Key("clients:" + period), Key("decision_clients")});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lov::visits
