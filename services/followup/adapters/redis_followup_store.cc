#include "lov/followup/adapters/redis_followup_store.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::followup {
namespace {

// Applies a record only if it is newer than the stored one, and records
// the request id and the record's id in the same step.
constexpr char kApplyScript[] = R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if tonumber(ARGV[1]) <= current then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'data', ARGV[2])
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3]) end
redis.call('SADD', KEYS[3], ARGV[4])
return 1
)lua";

// Keeps a visit's version if newer; "" data drops it from the index.
constexpr char kVisitScript[] = R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if tonumber(ARGV[1]) <= current then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'data', ARGV[2],
           'exceptions', ARGV[3])
if ARGV[2] == '' then
  redis.call('ZREM', KEYS[2], ARGV[5])
else
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
end
return 1
)lua";

// An event of an aggregate kept as fields (survey years, published
// indicators): KEYS[1] holds the aggregate's version, KEYS[2] field ARGV[2]
// the value ARGV[3]; ARGV[5] joins set KEYS[4].
constexpr char kFieldScript[] = R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if tonumber(ARGV[1]) <= current then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[4]) end
redis.call('SADD', KEYS[4], ARGV[5])
return 1
)lua";

// A sanction that names a finding: KEYS[1] field "s:"..ARGV[2] gets ARGV[3]
// if ARGV[1] is newer than field "v:"..ARGV[2]; ARGV[4] joins set KEYS[2].
constexpr char kSanctionScript[] = R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'v:' .. ARGV[2]) or '0')
if tonumber(ARGV[1]) <= current then return 0 end
redis.call('HSET', KEYS[1], 'v:' .. ARGV[2], ARGV[1], 's:' .. ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
return 1
)lua";

// The record an event carries, its kind and its id.
struct Carried {
  const google::protobuf::Message* record = nullptr;
  std::string kind;
  std::string id;
};

Carried CarriedBy(const v1::FollowupEvent& e) {
  switch (e.payload_case()) {
    case v1::FollowupEvent::kComplaintRegistered:
      return {&e.complaint_registered().complaint(), "complaint",
              e.complaint_registered().complaint().complaint_id()};
    case v1::FollowupEvent::kComplaintStatusChanged:
      return {&e.complaint_status_changed().complaint(), "complaint",
              e.complaint_status_changed().complaint().complaint_id()};
    case v1::FollowupEvent::kDeviationReported:
      return {&e.deviation_reported().deviation(), "deviation",
              e.deviation_reported().deviation().deviation_id()};
    case v1::FollowupEvent::kDeviationReportedToIvo:
      return {&e.deviation_reported_to_ivo().deviation(), "deviation",
              e.deviation_reported_to_ivo().deviation().deviation_id()};
    case v1::FollowupEvent::kFollowUpPlanned:
      return {&e.follow_up_planned().follow_up(), "follow_up",
              e.follow_up_planned().follow_up().follow_up_id()};
    case v1::FollowupEvent::kFollowUpCompleted:
      return {&e.follow_up_completed().follow_up(), "follow_up",
              e.follow_up_completed().follow_up().follow_up_id()};
    case v1::FollowupEvent::kActionPlanReceived:
      return {&e.action_plan_received().follow_up(), "follow_up",
              e.action_plan_received().follow_up().follow_up_id()};
    case v1::FollowupEvent::kProviderIndicatorsPublished:
    case v1::FollowupEvent::kSurveyResultsImported:
    case v1::FollowupEvent::PAYLOAD_NOT_SET:
      break;
  }
  return {};
}

}  // namespace

absl::StatusOr<std::optional<v1::Complaint>> RedisFollowupStore::GetComplaint(
    const std::string& id) {
  return ReadProto<v1::Complaint>(redis_, Key("complaint:" + id), "data");
}

absl::StatusOr<std::optional<v1::Deviation>> RedisFollowupStore::GetDeviation(
    const std::string& id) {
  return ReadProto<v1::Deviation>(redis_, Key("deviation:" + id), "data");
}

absl::StatusOr<std::optional<v1::FollowUp>> RedisFollowupStore::GetFollowUp(
    const std::string& id) {
  return ReadProto<v1::FollowUp>(redis_, Key("follow_up:" + id), "data");
}

template <typename Record>
absl::StatusOr<std::vector<Record>> RedisFollowupStore::ListAll(
    const std::string& kind) {
  absl::StatusOr<RedisReply> ids =
      redis_->Command({"SMEMBERS", Key(kind + "s")});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> reads;
  for (const auto& id : ids->elements) {
    reads.push_back({"HGET", Key(kind + ":" + id.str), "data"});
  }
  std::vector<Record> out;
  if (reads.empty()) return out;
  absl::StatusOr<std::vector<RedisReply>> data = redis_->Pipeline(reads);
  if (!data.ok()) return data.status();
  for (const auto& d : *data) {
    if (d.is_nil()) continue;
    Record r;
    if (!r.ParseFromString(d.str)) {
      return absl::DataLossError(absl::StrCat("corrupt ", kind, " record"));
    }
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Complaint>>
RedisFollowupStore::ListComplaints() {
  return ListAll<v1::Complaint>("complaint");
}

absl::StatusOr<std::vector<v1::Deviation>>
RedisFollowupStore::ListDeviations() {
  return ListAll<v1::Deviation>("deviation");
}

absl::StatusOr<std::vector<v1::FollowUp>> RedisFollowupStore::ListFollowUps() {
  return ListAll<v1::FollowUp>("follow_up");
}

absl::StatusOr<std::optional<RequestRecord>> RedisFollowupStore::GetRequest(
    const std::string& request_id) {
  return ReadRequestRecord(redis_, Key("request:" + request_id));
}

absl::Status RedisFollowupStore::Apply(const v1::FollowupEvent& event) {
  if (event.has_survey_results_imported() ||
      event.has_provider_indicators_published()) {
    return ApplyIndicatorEvent(event);
  }
  const Carried c = CarriedBy(event);
  if (c.record == nullptr || c.id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "follow-up event ", event.event_id(), " carries no record"));
  }
  return Write(
      kApplyScript,
      {Key(c.kind + ":" + c.id), Key("request:" + event.request_id()),
       Key(c.kind + "s")},
      {std::to_string(event.aggregate_version()),
       SerializeDeterministic(*c.record), RequestRecordOf(event), c.id});
}

absl::Status RedisFollowupStore::ApplyIndicatorEvent(
    const v1::FollowupEvent& event) {
  std::vector<std::string> keys;
  std::vector<std::string> args = {std::to_string(event.aggregate_version())};
  if (event.has_survey_results_imported()) {
    const auto& s = event.survey_results_imported();
    if (s.provider_id().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "follow-up event ", event.event_id(), " names no provider"));
    }
    keys = {Key(absl::StrCat("survey_year:", s.year())),
            Key("survey:" + s.provider_id())};
    args.push_back(std::to_string(s.year()));
    args.push_back(SerializeDeterministic(s.result()));
    keys.push_back(Key("request:" + event.request_id()));
    keys.push_back(Key("survey_providers"));
    args.push_back(RequestRecordOf(event));
    args.push_back(s.provider_id());
  } else {
    const auto& ind = event.provider_indicators_published().indicators();
    if (ind.provider_id().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "follow-up event ", event.event_id(), " names no provider"));
    }
    const std::string key = Key("published:" + ind.provider_id());
    keys = {key, key, Key("request:" + event.request_id()),
            Key("published_providers")};
    args.push_back("z:" + ind.zone_id());
    args.push_back(SerializeDeterministic(ind));
    args.push_back(RequestRecordOf(event));
    args.push_back(ind.provider_id());
  }
  return Write(kFieldScript, keys, args);
}

absl::Status RedisFollowupStore::KeepAssignment(
    const Listing& listing, const std::string& assignment_id, int64_t version) {
  choice::v1::Assignment a;
  a.set_assignment_id(assignment_id);
  a.set_client_id(listing.client_id);
  a.set_provider_id(listing.provider_id);
  a.set_zone_id(listing.zone_id);
  a.set_valid_from(FormatDate(listing.from));
  if (listing.to.has_value()) a.set_valid_to(FormatDate(*listing.to));
  return Write(
      kApplyScript,
      {Key("assignment:" + assignment_id), Key("unused"), Key("assignments")},
      {std::to_string(version), SerializeDeterministic(a), "", assignment_id});
}

absl::StatusOr<std::vector<Listing>> RedisFollowupStore::ListListings() {
  absl::StatusOr<std::vector<choice::v1::Assignment>> all =
      ListAll<choice::v1::Assignment>("assignment");
  if (!all.ok()) return all.status();
  std::vector<Listing> out;
  for (const choice::v1::Assignment& a : *all) {
    absl::StatusOr<absl::CivilDay> from = ParseDate(a.valid_from());
    if (!from.ok()) continue;  // kept only when readable (RecordAssignment)
    Listing l{a.client_id(), a.provider_id(), a.zone_id(), *from, {}};
    if (!a.valid_to().empty()) {
      absl::StatusOr<absl::CivilDay> to = ParseDate(a.valid_to());
      if (to.ok()) l.to = *to;
    }
    out.push_back(std::move(l));
  }
  return out;
}

template <typename Record>
absl::StatusOr<std::map<std::string, std::vector<Record>>>
RedisFollowupStore::FieldRecords(const std::string& set,
                                 const std::string& hash,
                                 absl::string_view field_prefix,
                                 absl::string_view what) {
  absl::StatusOr<RedisReply> ids = redis_->Command({"SMEMBERS", Key(set)});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> reads;
  std::vector<std::string> owners;
  for (const auto& id : ids->elements) {
    owners.push_back(id.str);
    reads.push_back({"HGETALL", Key(hash + ":" + id.str)});
  }
  std::map<std::string, std::vector<Record>> out;
  if (reads.empty()) return out;
  absl::StatusOr<std::vector<RedisReply>> data = redis_->Pipeline(reads);
  if (!data.ok()) return data.status();
  for (size_t i = 0; i < data->size(); ++i) {
    const auto& fields = (*data)[i].elements;
    for (size_t f = 0; f + 1 < fields.size(); f += 2) {
      if (!absl::StartsWith(fields[f].str, field_prefix)) continue;
      Record r;
      if (!r.ParseFromString(fields[f + 1].str)) {
        return absl::DataLossError(absl::StrCat("corrupt ", what));
      }
      out[owners[i]].push_back(std::move(r));
    }
  }
  return out;
}

absl::StatusOr<std::map<std::string, v1::SurveyResult>>
RedisFollowupStore::LatestSurveys() {
  absl::StatusOr<std::map<std::string, std::vector<v1::SurveyResult>>> all =
      FieldRecords<v1::SurveyResult>("survey_providers", "survey", "",
                                     "survey result");
  if (!all.ok()) return all.status();
  std::map<std::string, v1::SurveyResult> out;
  for (auto& [provider, years] : *all) {
    // The first of the latest year, as the fields come.
    auto latest = std::max_element(
        years.begin(), years.end(),
        [](const v1::SurveyResult& a, const v1::SurveyResult& b) {
          return a.year() < b.year();
        });
    out.emplace(provider, std::move(*latest));
  }
  return out;
}

absl::StatusOr<int64_t> RedisFollowupStore::SurveyVersion(int year) {
  absl::StatusOr<RedisReply> v = redis_->Command(
      {"HGET", Key(absl::StrCat("survey_year:", year)), "version"});
  if (!v.ok()) return v.status();
  int64_t version = 0;
  if (!v->is_nil() && !absl::SimpleAtoi(v->str, &version)) {
    return absl::DataLossError("corrupt survey version");
  }
  return version;
}

absl::StatusOr<IndicatorStore::Published> RedisFollowupStore::GetPublished(
    const std::string& provider_id) {
  absl::StatusOr<RedisReply> all =
      redis_->Command({"HGETALL", Key("published:" + provider_id)});
  if (!all.ok()) return all.status();
  Published out;
  const auto& fields = all->elements;
  for (size_t f = 0; f + 1 < fields.size(); f += 2) {
    const std::string& name = fields[f].str;
    if (name == "version") {
      if (!absl::SimpleAtoi(fields[f + 1].str, &out.version)) {
        return absl::DataLossError("corrupt published version");
      }
      continue;
    }
    v1::ProviderIndicators ind;
    if (name.rfind("z:", 0) != 0 || !ind.ParseFromString(fields[f + 1].str)) {
      return absl::DataLossError("corrupt published indicators");
    }
    out.by_zone[name.substr(2)] = std::move(ind);
  }
  return out;
}

absl::Status RedisFollowupStore::KeepSanction(
    const std::string& follow_up_id, const v1::FindingSanction& sanction,
    int64_t version) {
  if (follow_up_id.empty() || sanction.sanction_id().empty()) {
    return absl::InvalidArgumentError(
        "a sanction naming a finding needs its follow_up_id and sanction_id");
  }
  return Write(kSanctionScript,
               {Key("sanctions:" + follow_up_id), Key("sanctioned_follow_ups")},
               {std::to_string(version), sanction.sanction_id(),
                SerializeDeterministic(sanction), follow_up_id});
}

absl::StatusOr<std::map<std::string, std::vector<v1::FindingSanction>>>
RedisFollowupStore::SanctionsByFollowUp() {
  return FieldRecords<v1::FindingSanction>("sanctioned_follow_ups", "sanctions",
                                           "s:", "finding sanction");
}

absl::StatusOr<std::unique_ptr<AggregateLock>> RedisFollowupStore::Lock(
    const std::string& aggregate_id) {
  return LockAggregate(redis_, prefix_, aggregate_id);
}

absl::Status RedisFollowupStore::Write(const char* script,
                                       const std::vector<std::string>& keys,
                                       const std::vector<std::string>& args) {
  if (collect_ != nullptr) {
    collect_->AddScript(script, keys, args);
    return absl::OkStatus();
  }
  return redis_->EvalSource(script, keys, args).status();
}

absl::Status RedisFollowupStore::SetVisit(const std::string& visit_id,
                                          int64_t version,
                                          const std::string& data,
                                          bool exceptions, int64_t start) {
  return Write(kVisitScript, {Key("visit:" + visit_id), Key("visits_by_start")},
               {std::to_string(version), data, exceptions ? "1" : "0",
                std::to_string(start), visit_id});
}

absl::Status RedisFollowupStore::Keep(const std::string& visit_id,
                                      int64_t version, const VisitFact& fact) {
  // The fact as the visits service's own record: FactOf reads it back.
  visits::v1::Visit v;
  v.set_provider_id(fact.provider_id);
  v.set_client_id(fact.client_id);
  if (!fact.staff_ids.empty()) v.set_staff_id(fact.staff_ids[0]);
  if (fact.staff_ids.size() > 1) {
    v.set_double_staffing(true);
    v.set_second_staff_id(fact.staff_ids[1]);
  }
  *v.mutable_start() = ToProtoTime(fact.start);
  // Only whether it happened matters here.
  v.set_status(fact.performed ? visits::v1::VISIT_STATUS_PERFORMED
                              : visits::v1::VISIT_STATUS_CLIENT_ABSENT);
  return SetVisit(visit_id, version, SerializeDeterministic(v),
                  fact.has_exceptions, absl::ToUnixSeconds(fact.start));
}

absl::Status RedisFollowupStore::Drop(const std::string& visit_id,
                                      int64_t version) {
  return SetVisit(visit_id, version, "", false, 0);
}

absl::StatusOr<std::vector<VisitFact>> RedisFollowupStore::StartingIn(
    const Interval& span) {
  absl::StatusOr<RedisReply> ids =
      redis_->Command({"ZRANGEBYSCORE", Key("visits_by_start"),
                       std::to_string(absl::ToUnixSeconds(span.start)),
                       absl::StrCat("(", absl::ToUnixSeconds(span.end))});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> reads;
  for (const auto& id : ids->elements) {
    reads.push_back({"HMGET", Key("visit:" + id.str), "data", "exceptions"});
  }
  std::vector<VisitFact> out;
  if (reads.empty()) return out;
  absl::StatusOr<std::vector<RedisReply>> data = redis_->Pipeline(reads);
  if (!data.ok()) return data.status();
  for (const auto& d : *data) {
    if (d.elements.size() != 2 || d.elements[0].is_nil() ||
        d.elements[0].str.empty()) {
      continue;
    }
    visits::v1::Visit v;
    if (!v.ParseFromString(d.elements[0].str)) {
      return absl::DataLossError("corrupt visit fact");
    }
    out.push_back(FactOf(v, d.elements[1].str == "1"));
  }
  return out;
}

}  // namespace lov::followup
