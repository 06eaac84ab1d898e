#include "lov/settlement/adapters/redis_settlement_store.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {
namespace {

// Sets the counter to `version` unless it is already there or beyond.
constexpr char kMaxScript[] = R"lua(
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
)lua";

// Deletes hash field ARGV[1] if its value starts with ARGV[2].
constexpr char kDropPendingScript[] = R"lua(
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and string.sub(v, 1, #ARGV[2]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
return 1
)lua";

absl::Status Ok(const absl::StatusOr<RedisReply>& r) { return r.status(); }

// Never a visit id (ids are checked at the visits service's edge).
constexpr const char* kInputsRecorded =
    RedisSettlementStore::kInputsRecordedField;

// HGETALL as parsed messages, ordered by field: the fields are sorted as
// indices into the reply and each value is parsed once, in place, into the
// answer (no message is moved or copied; a provider-month is ~13,000
// visits, docs/performance.md "Settlement through the service").
template <typename Message>
absl::StatusOr<std::vector<Message>> ReadHash(RedisClient* redis,
                                              const std::string& key) {
  absl::StatusOr<RedisReply> r = redis->Command({"HGETALL", key});
  if (!r.ok()) return r.status();
  const std::vector<RedisReply>& e = r->elements;
  std::vector<uint32_t> order(e.size() / 2);
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = 2 * i;
  std::sort(order.begin(), order.end(),
            [&e](uint32_t a, uint32_t b) { return e[a].str < e[b].str; });
  std::vector<Message> out(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    if (!out[i].ParseFromString(e[order[i] + 1].str)) {
      return absl::DataLossError(
          absl::StrCat("corrupt record ", e[order[i]].str, " at ", key));
    }
  }
  return out;
}

}  // namespace

absl::Status RedisSettlementStore::PutVisit(const visits::v1::Visit& visit) {
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(
      {{"HSET", Key("visits:" + visit.provider_id() + ":" + visit.period()),
        visit.visit_id(), SerializeDeterministic(visit)},
       {"SADD", Key("providers"), visit.provider_id()}});
  return r.status();
}

absl::Status RedisSettlementStore::RemoveVisit(const std::string& provider_id,
                                               const std::string& period,
                                               const std::string& visit_id) {
  return Ok(redis_->Command(
      {"HDEL", Key("visits:" + provider_id + ":" + period), visit_id}));
}

absl::StatusOr<std::vector<visits::v1::Visit>> RedisSettlementStore::Visits(
    const std::string& provider_id, const std::string& period) {
  return ReadHash<visits::v1::Visit>(
      redis_, Key("visits:" + provider_id + ":" + period));
}

absl::Status RedisSettlementStore::PutAdjustment(
    const std::string& provider_id, const visits::v1::VisitEvent& event) {
  return Ok(redis_->Command({"HSET", Key("adjustments:" + provider_id),
                             event.event_id(), SerializeDeterministic(event)}));
}

absl::StatusOr<std::vector<visits::v1::VisitEvent>>
RedisSettlementStore::Adjustments(const std::string& provider_id) {
  return ReadHash<visits::v1::VisitEvent>(redis_,
                                          Key("adjustments:" + provider_id));
}

absl::Status RedisSettlementStore::MarkVisitEventApplied(
    const std::string& provider_id, const std::string& period,
    const std::string& event_id) {
  return Ok(redis_->Command(
      {"SADD", Key("applied:" + provider_id + ":" + period), event_id}));
}

absl::StatusOr<bool> RedisSettlementStore::VisitEventApplied(
    const std::string& provider_id, const std::string& period,
    const std::string& event_id) {
  absl::StatusOr<RedisReply> r = redis_->Command(
      {"SISMEMBER", Key("applied:" + provider_id + ":" + period), event_id});
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

absl::Status RedisSettlementStore::UnmarkVisitEventApplied(
    const std::string& provider_id, const std::string& period,
    const std::string& event_id) {
  return Ok(redis_->Command(
      {"SREM", Key("applied:" + provider_id + ":" + period), event_id}));
}

absl::Status RedisSettlementStore::LogVisitEvent(
    const std::string& provider_id, const std::string& period,
    const visits::v1::VisitEvent& event) {
  return Ok(redis_->Command({"HSET", Key("vlog:" + provider_id + ":" + period),
                             event.event_id(), SerializeDeterministic(event)}));
}

absl::StatusOr<std::vector<visits::v1::VisitEvent>>
RedisSettlementStore::LoggedVisitEvents(const std::string& provider_id,
                                        const std::string& period) {
  return ReadHash<visits::v1::VisitEvent>(
      redis_, Key("vlog:" + provider_id + ":" + period));
}

absl::Status RedisSettlementStore::DropVisitLog(const std::string& provider_id,
                                                const std::string& period) {
  return Ok(
      redis_->Command({"DEL", Key("vlog:" + provider_id + ":" + period)}));
}

// A hash of visit id -> "<version>" or "<version>:gone", and the field
// kInputsRecorded written last: a half-written record reads as none.
absl::Status RedisSettlementStore::PutApprovedInputs(
    const std::string& provider_id, const std::string& period,
    const MonthInputs& inputs) {
  const std::string key = Key("inputs:" + provider_id + ":" + period);
  constexpr size_t kFieldsPerCommand = 1000;
  std::vector<std::vector<std::string>> commands = {{"DEL", key}};
  for (const auto& [visit_id, state] : inputs) {
    if (commands.back().size() >= 2 + 2 * kFieldsPerCommand ||
        commands.back()[0] != "HSET") {
      commands.push_back({"HSET", key});
    }
    commands.back().push_back(visit_id);
    commands.back().push_back(
        absl::StrCat(state.version, state.present ? "" : ":gone"));
  }
  commands.push_back({"HSET", key, kInputsRecorded, "1"});
  return redis_->Pipeline(commands).status();
}

absl::StatusOr<SettlementStore::InputLookup>
RedisSettlementStore::ApprovedInputs(
    const std::string& provider_id, const std::string& period,
    const std::vector<std::string>& visit_ids) {
  const std::string key = Key("inputs:" + provider_id + ":" + period);
  std::vector<std::string> command = {"HMGET", key, kInputsRecorded};
  command.insert(command.end(), visit_ids.begin(), visit_ids.end());
  absl::StatusOr<RedisReply> r = redis_->Command(command);
  if (!r.ok()) return r.status();
  InputLookup out;
  if (r->elements.size() != command.size() - 2 || r->elements[0].is_nil()) {
    return out;
  }
  out.recorded = true;
  std::vector<std::string> entries;
  for (size_t i = 0; i < visit_ids.size(); ++i) {
    const RedisReply& value = r->elements[i + 1];
    if (!value.is_nil()) {
      entries.push_back(absl::StrCat(visit_ids[i], "@", value.str));
    }
  }
  absl::StatusOr<MonthInputs> parsed = ParseMonthInputs(entries);
  if (!parsed.ok()) {
    return absl::DataLossError(absl::StrCat("corrupt record at ", key, ": ",
                                            parsed.status().message()));
  }
  out.states = std::move(*parsed);
  return out;
}

absl::Status RedisSettlementStore::PutAssignment(
    const choice::v1::Assignment& a) {
  return redis_
      ->Pipeline({{"HSET", Key("assignments:" + a.provider_id()),
                   a.assignment_id(), SerializeDeterministic(a)},
                  {"SADD", Key("providers"), a.provider_id()}})
      .status();
}

absl::StatusOr<std::vector<choice::v1::Assignment>>
RedisSettlementStore::Assignments(const std::string& provider_id) {
  return ReadHash<choice::v1::Assignment>(redis_,
                                          Key("assignments:" + provider_id));
}

absl::Status RedisSettlementStore::PutDecision(const std::string& client_id,
                                               const choice::v1::Decision& d) {
  return Ok(redis_->Command({"HSET", Key("decisions:" + client_id),
                             d.decision_id(), SerializeDeterministic(d)}));
}

absl::StatusOr<std::map<std::string, std::vector<choice::v1::Decision>>>
RedisSettlementStore::Decisions(const std::set<std::string>& client_ids) {
  std::map<std::string, std::vector<choice::v1::Decision>> out;
  for (const std::string& client : client_ids) {
    absl::StatusOr<std::vector<choice::v1::Decision>> d =
        ReadHash<choice::v1::Decision>(redis_, Key("decisions:" + client));
    if (!d.ok()) return d.status();
    if (!d->empty()) out[client] = std::move(*d);
  }
  return out;
}

absl::Status RedisSettlementStore::SetZoneAreas(
    const std::map<std::string, v1::ZoneArea>& areas) {
  std::vector<std::vector<std::string>> commands = {{"DEL", Key("zones")}};
  if (!areas.empty()) {
    std::vector<std::string> hset = {"HSET", Key("zones")};
    for (const auto& [zone, area] : areas) {
      hset.push_back(zone);
      hset.push_back(std::to_string(area));
    }
    commands.push_back(std::move(hset));
  }
  return redis_->Pipeline(commands).status();
}

absl::StatusOr<std::map<std::string, v1::ZoneArea>>
RedisSettlementStore::ZoneAreas() {
  absl::StatusOr<RedisReply> r = redis_->Command({"HGETALL", Key("zones")});
  if (!r.ok()) return r.status();
  std::map<std::string, v1::ZoneArea> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    out[r->elements[i].str] =
        static_cast<v1::ZoneArea>(std::atoi(r->elements[i + 1].str.c_str()));
  }
  return out;
}

absl::Status RedisSettlementStore::SetProviderKind(
    const std::string& provider_id, bool in_house) {
  return redis_
      ->Pipeline({{"HSET", Key("provider_kind"), provider_id,
                   in_house ? "in-house" : "private"},
                  {"SADD", Key("providers"), provider_id}})
      .status();
}

absl::StatusOr<std::optional<bool>> RedisSettlementStore::ProviderInHouse(
    const std::string& provider_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HGET", Key("provider_kind"), provider_id});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<bool>();
  return std::optional<bool>(r->str == "in-house");
}

absl::StatusOr<std::vector<std::string>> RedisSettlementStore::Providers() {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"SMEMBERS", Key("providers")});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

absl::Status RedisSettlementStore::PutProviderParty(
    const registry::v1::Provider& provider,
    const registry::v1::PaymentDetails* details_or_null) {
  registry::v1::Provider party;
  party.set_provider_id(provider.provider_id());
  party.set_organisation_number(provider.organisation_number());
  party.set_name(provider.name());
  party.set_kind(provider.kind());
  party.mutable_contact()->set_address(provider.contact().address());
  party.mutable_contact()->set_email(provider.contact().email());
  std::vector<std::vector<std::string>> commands = {
      {"MULTI"},
      {"HSET", Key("provider_party"), provider.provider_id(),
       SerializeDeterministic(party)}};
  if (details_or_null != nullptr) {
    commands.push_back({"HSET", Key("payment_details"), provider.provider_id(),
                        SerializeDeterministic(*details_or_null)});
  }
  commands.push_back({"EXEC"});
  return redis_->Pipeline(commands).status();
}

namespace {

// `field` of a transaction's reply parsed as a Message, nullopt if nil.
template <typename Message>
absl::StatusOr<std::optional<Message>> ParseField(const RedisReply& reply,
                                                  const std::string& key,
                                                  std::string_view field) {
  if (reply.is_nil()) return std::optional<Message>();
  Message m;
  if (!m.ParseFromString(reply.str)) {
    return absl::DataLossError(
        absl::StrCat("corrupt record ", std::string(field), " at ", key));
  }
  return std::optional<Message>(std::move(m));
}

}  // namespace

absl::StatusOr<ProviderFinance> RedisSettlementStore::ProviderFinanceOf(
    std::string_view provider_id) {
  const std::string id(provider_id);
  absl::StatusOr<std::vector<RedisReply>> r =
      redis_->Pipeline({{"MULTI"},
                        {"HGET", Key("provider_party"), id},
                        {"HGET", Key("payment_details"), id},
                        {"EXEC"}});
  if (!r.ok()) return r.status();
  if (r->empty() || r->back().elements.size() != 2) {
    return absl::UnavailableError(absl::StrCat(
        "provider ", id, ": the read of name and payment details was aborted"));
  }
  const std::vector<RedisReply>& both = r->back().elements;
  ProviderFinance out;
  absl::StatusOr<std::optional<registry::v1::Provider>> party =
      ParseField<registry::v1::Provider>(both[0], Key("provider_party"), id);
  if (!party.ok()) return party.status();
  out.party = *std::move(party);
  absl::StatusOr<std::optional<registry::v1::PaymentDetails>> payment =
      ParseField<registry::v1::PaymentDetails>(both[1], Key("payment_details"),
                                               id);
  if (!payment.ok()) return payment.status();
  out.payment = *std::move(payment);
  return out;
}

absl::Status RedisSettlementStore::PutRateTable(const v1::RateTable& table) {
  return Ok(redis_->Command({"HSET", Key("rates"), table.effective_date(),
                             SerializeDeterministic(table)}));
}

absl::StatusOr<std::vector<v1::RateTable>> RedisSettlementStore::RateTables() {
  return ReadHash<v1::RateTable>(redis_, Key("rates"));
}

absl::Status RedisSettlementStore::PutFinanceSettings(
    const v1::FinanceSettings& settings) {
  return Ok(redis_->Command({"HSET", Key("finance_settings"),
                             std::to_string(settings.version()),
                             SerializeDeterministic(settings)}));
}

absl::StatusOr<std::optional<v1::FinanceSettings>>
RedisSettlementStore::GetFinanceSettings() {
  absl::StatusOr<std::vector<v1::FinanceSettings>> all =
      ReadHash<v1::FinanceSettings>(redis_, Key("finance_settings"));
  if (!all.ok()) return all.status();
  std::optional<v1::FinanceSettings> latest;
  for (v1::FinanceSettings& s : *all) {
    if (!latest || s.version() > latest->version()) latest = std::move(s);
  }
  return latest;
}

absl::Status RedisSettlementStore::SetListingRule(const v1::ListingRule& rule) {
  return Ok(redis_->Command(
      {"SET", Key("listing_rule"), SerializeDeterministic(rule)}));
}

absl::StatusOr<v1::ListingRule> RedisSettlementStore::GetListingRule() {
  absl::StatusOr<RedisReply> r = redis_->Command({"GET", Key("listing_rule")});
  if (!r.ok()) return r.status();
  v1::ListingRule rule;
  rule.set_kind(v1::LISTING_RULE_KIND_PRO_RATA_DAYS);  // until one is set
  if (!r->is_nil() && !rule.ParseFromString(r->str)) {
    return absl::DataLossError("corrupt listing rule");
  }
  return rule;
}

absl::Status RedisSettlementStore::PutOneOff(const v1::OneOffPayment& payment) {
  return Ok(redis_->Command({"HSET", Key("one_offs"), payment.payment_id(),
                             SerializeDeterministic(payment)}));
}

absl::StatusOr<std::vector<v1::OneOffPayment>> RedisSettlementStore::OneOffs() {
  return ReadHash<v1::OneOffPayment>(redis_, Key("one_offs"));
}

absl::Status RedisSettlementStore::PutMonthRun(const v1::MonthRun& run,
                                               bool latest) {
  std::vector<std::vector<std::string>> commands = {
      {"HSET", Key("month_runs:" + run.period()), run.run_digest(),
       SerializeDeterministic(run)}};
  if (latest) {
    commands.push_back(
        {"HSET", Key("month_run_latest"), run.period(), run.run_digest()});
  }
  return redis_->Pipeline(commands).status();
}

absl::StatusOr<std::optional<v1::MonthRun>> RedisSettlementStore::GetMonthRun(
    const std::string& period, const std::string& run_digest) {
  std::string digest = run_digest;
  if (digest.empty()) {
    absl::StatusOr<RedisReply> r =
        redis_->Command({"HGET", Key("month_run_latest"), period});
    if (!r.ok()) return r.status();
    if (r->is_nil()) return std::optional<v1::MonthRun>();
    digest = r->str;
  }
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HGET", Key("month_runs:" + period), digest});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<v1::MonthRun>();
  v1::MonthRun run;
  if (!run.ParseFromString(r->str)) {
    return absl::DataLossError(
        absl::StrCat("corrupt month run ", digest, " of ", period));
  }
  return std::optional<v1::MonthRun>(std::move(run));
}

absl::Status RedisSettlementStore::PutApproved(const v1::Statement& s) {
  std::vector<std::vector<std::string>> commands = {
      {"HSETNX", Key("approved"), s.statement_id(), SerializeDeterministic(s)},
      {"ZADD", Key("approved_periods"), "0", s.period()},
      {"HDEL", Key("approving"), s.statement_id()}};
  if (s.adjustment_ids_size() > 0) {
    std::vector<std::string> sadd = {"SADD", Key("booked:" + s.provider_id())};
    for (const auto& id : s.adjustment_ids()) sadd.push_back(id);
    commands.push_back(std::move(sadd));
  }
  return redis_->Pipeline(commands).status();
}

absl::Status RedisSettlementStore::PutSourcesPart(
    const v1::StatementSourcesRecorded& part) {
  return redis_
      ->Command({"HSET", Key("sources-parts:" + part.statement_id()),
                 std::to_string(part.part()), SerializeDeterministic(part)})
      .status();
}

absl::StatusOr<std::vector<v1::StatementSourcesRecorded>>
RedisSettlementStore::SourcesParts(const std::string& statement_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HVALS", Key("sources-parts:" + statement_id)});
  if (!r.ok()) return r.status();
  std::vector<v1::StatementSourcesRecorded> out;
  for (const auto& e : r->elements) {
    v1::StatementSourcesRecorded part;
    if (!part.ParseFromString(e.str)) {
      return absl::DataLossError(
          absl::StrCat("corrupt sources part of statement ", statement_id));
    }
    out.push_back(std::move(part));
  }
  return out;
}

absl::Status RedisSettlementStore::DropSourcesParts(
    const std::string& statement_id) {
  return redis_->Command({"DEL", Key("sources-parts:" + statement_id)})
      .status();
}

absl::StatusOr<std::optional<v1::Statement>> RedisSettlementStore::Approved(
    const std::string& provider_id, const std::string& period) {
  absl::StatusOr<RedisReply> r = redis_->Command(
      {"HGET", Key("approved"), StatementId(provider_id, period)});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<v1::Statement>();
  v1::Statement s;
  if (!s.ParseFromString(r->str)) {
    return absl::DataLossError("corrupt approved statement");
  }
  return std::optional<v1::Statement>(std::move(s));
}

absl::Status RedisSettlementStore::PutPendingApproval(
    const std::string& statement_id, const PendingApproval& pending) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HSETNX", Key("approving"), statement_id,
                       pending.attempt + " " + pending.request_id});
  if (!r.ok()) return r.status();
  if (r->integer == 1) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat("statement ", statement_id,
                   ": another approval of it is being published; retry"));
}

absl::StatusOr<std::optional<PendingApproval>>
RedisSettlementStore::GetPendingApproval(const std::string& statement_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HGET", Key("approving"), statement_id});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<PendingApproval>();
  const auto space = r->str.find(' ');
  if (space == std::string::npos) {
    return absl::DataLossError(
        absl::StrCat("corrupt pending approval of statement ", statement_id));
  }
  return std::optional<PendingApproval>(
      PendingApproval{r->str.substr(0, space), r->str.substr(space + 1)});
}

absl::Status RedisSettlementStore::DropPendingApproval(
    const std::string& statement_id, const std::string& attempt) {
  return redis_
      ->EvalSource(kDropPendingScript, {Key("approving")},
                   {statement_id, attempt + " "})
      .status();
}

absl::Status RedisSettlementStore::RecordRequest(
    const v1::SettlementEvent& event) {
  if (event.request_id().empty()) return absl::OkStatus();
  return Ok(redis_->Command(
      {"SET", Key("request:" + event.request_id()), RequestRecordOf(event)}));
}

absl::StatusOr<std::optional<RequestRecord>> RedisSettlementStore::GetRequest(
    const std::string& request_id) {
  return ReadRequestRecord(redis_, Key("request:" + request_id));
}

absl::StatusOr<bool> RedisSettlementStore::IsApproved(
    const std::string& provider_id, const std::string& period) {
  absl::StatusOr<RedisReply> r = redis_->Command(
      {"HEXISTS", Key("approved"), StatementId(provider_id, period)});
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

absl::StatusOr<std::string> RedisSettlementStore::LatestApprovedPeriod() {
  // Same score, so members sort lexicographically: "YYYY-MM" in time order.
  absl::StatusOr<RedisReply> r =
      redis_->Command({"ZRANGE", Key("approved_periods"), "-1", "-1"});
  if (!r.ok()) return r.status();
  return r->elements.empty() ? std::string() : r->elements[0].str;
}

absl::StatusOr<std::set<std::string>> RedisSettlementStore::BookedAdjustments(
    const std::string& provider_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"SMEMBERS", Key("booked:" + provider_id)});
  if (!r.ok()) return r.status();
  std::set<std::string> out;
  for (const auto& e : r->elements) out.insert(e.str);
  return out;
}

absl::StatusOr<int64_t> RedisSettlementStore::NextVersion(
    const std::string& aggregate_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"INCR", Key("seq:" + aggregate_id)});
  if (!r.ok()) return r.status();
  return r->integer;
}

absl::Status RedisSettlementStore::SeenVersion(const std::string& aggregate_id,
                                               int64_t version) {
  return redis_
      ->EvalSource(kMaxScript, {Key("seq:" + aggregate_id)},
                   {std::to_string(version)})
      .status();
}

absl::StatusOr<std::unique_ptr<AggregateLock>> RedisSettlementStore::Lock(
    const std::string& aggregate_id) {
  return LockAggregate(redis_, prefix_, aggregate_id);
}

}  // namespace lov::settlement
