// RedisSettlementStore's batch reads and writes for the projector
// (ProjectionBatchStore): one pipeline each, with the commands of a batch
// merged per key (one SMISMEMBER per set, one HMGET or HSET per hash).
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/adapters/redis_settlement_store.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {
namespace {

// Where in a pipeline's replies an answer is: the command, the element.
struct At {
  size_t command = 0;
  size_t element = 0;
};

// Commands merged per key: each question's place in its command's reply.
class MergedCommands {
 public:
  // Adds `member` to the command on `key` (started as `verb key head...`),
  // once per distinct member; returns where its answer will be.
  At Add(const std::string& verb, const std::string& key,
         const std::vector<std::string>& head, const std::string& member) {
    auto [it, fresh] = by_key_.try_emplace(verb + " " + key, commands_.size());
    if (fresh) {
      std::vector<std::string> command = {verb, key};
      command.insert(command.end(), head.begin(), head.end());
      commands_.push_back(std::move(command));
      heads_.push_back(head.size());
      members_.emplace_back();
    }
    const size_t c = it->second;
    auto [m, added] = members_[c].try_emplace(member, members_[c].size());
    if (added) commands_[c].push_back(member);
    return {c, heads_[c] + m->second};
  }
  At AddWhole(std::vector<std::string> command) {
    commands_.push_back(std::move(command));
    heads_.push_back(0);
    members_.emplace_back();
    return {commands_.size() - 1, 0};
  }
  std::vector<std::vector<std::string>>& commands() { return commands_; }

 private:
  std::map<std::string, size_t> by_key_;
  std::vector<std::vector<std::string>> commands_;
  std::vector<size_t> heads_;
  std::vector<std::map<std::string, size_t>> members_;
};

// SADD to each KEYS[i] the members that follow their count in ARGV.
constexpr char kMarkAllScript[] = R"lua(
local a = 1
for _, key in ipairs(KEYS) do
  local n = tonumber(ARGV[a])
  redis.call('SADD', key, unpack(ARGV, a + 1, a + n))
  a = a + n + 1
end
return 1
)lua";

const RedisReply* Element(const std::vector<RedisReply>& replies, At at) {
  if (at.command >= replies.size()) return nullptr;
  const RedisReply& r = replies[at.command];
  if (r.type != RedisReply::Type::kArray) return &r;
  if (at.element >= r.elements.size()) return nullptr;
  return &r.elements[at.element];
}

}  // namespace

absl::StatusOr<std::vector<VisitEventFacts>>
RedisSettlementStore::VisitEventFactsOf(
    const std::vector<VisitEventQuestion>& questions) {
  struct Places {
    At applied, recorded, state, home, current;
  };
  MergedCommands merged;
  std::map<std::string, At> approved;  // statement id -> its HEXISTS
  auto is_approved = [&](const std::string& provider,
                         const std::string& period) {
    const std::string id = StatementId(provider, period);
    auto it = approved.find(id);
    if (it == approved.end()) {
      it = approved
               .emplace(id, merged.AddWhole({"HEXISTS", Key("approved"), id}))
               .first;
    }
    return it->second;
  };
  std::vector<Places> places;
  places.reserve(questions.size());
  for (const VisitEventQuestion& q : questions) {
    const std::string month = q.provider_id + ":" + q.home;
    Places p;
    p.applied =
        merged.Add("SMISMEMBER", Key("applied:" + month), {}, q.event_id);
    const std::string inputs = Key("inputs:" + month);
    p.recorded = merged.Add("HMGET", inputs, {}, kInputsRecordedField);
    p.state = merged.Add("HMGET", inputs, {}, q.visit_id);
    p.home = is_approved(q.provider_id, q.home);
    if (!q.current_period.empty()) {
      p.current = is_approved(q.provider_id, q.current_period);
    }
    places.push_back(p);
  }
  if (questions.empty()) return std::vector<VisitEventFacts>();
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis_->Pipeline(merged.commands());
  if (!replies.ok()) return replies.status();
  std::vector<VisitEventFacts> out;
  out.reserve(questions.size());
  for (size_t i = 0; i < questions.size(); ++i) {
    const VisitEventQuestion& q = questions[i];
    const Places& p = places[i];
    const RedisReply* applied = Element(*replies, p.applied);
    const RedisReply* recorded = Element(*replies, p.recorded);
    const RedisReply* state = Element(*replies, p.state);
    const RedisReply* home = Element(*replies, p.home);
    if (applied == nullptr || recorded == nullptr || state == nullptr ||
        home == nullptr) {
      return absl::InternalError(absl::StrCat(
          "short answer from Redis to the batch read of visit event ",
          q.event_id));
    }
    VisitEventFacts f;
    f.applied = applied->integer == 1;
    f.home_approved = home->integer == 1;
    if (!q.current_period.empty()) {
      const RedisReply* current = Element(*replies, p.current);
      f.current_approved = current != nullptr && current->integer == 1;
    }
    f.inputs.recorded = !recorded->is_nil();
    if (f.inputs.recorded && !state->is_nil()) {
      absl::StatusOr<MonthInputs> parsed =
          ParseMonthInputs({absl::StrCat(q.visit_id, "@", state->str)});
      if (!parsed.ok()) {
        return absl::DataLossError(absl::StrCat(
            "corrupt record at ", Key("inputs:" + q.provider_id + ":" + q.home),
            ": ", parsed.status().message()));
      }
      f.inputs.states = *std::move(parsed);
    }
    out.push_back(std::move(f));
  }
  return out;
}

absl::StatusOr<std::vector<bool>> RedisSettlementStore::InputsRecorded(
    const std::vector<std::pair<std::string, std::string>>& months) {
  std::vector<std::vector<std::string>> commands;
  for (const auto& [provider, period] : months) {
    commands.push_back({"HEXISTS", Key("inputs:" + provider + ":" + period),
                        kInputsRecordedField});
  }
  if (commands.empty()) return std::vector<bool>();
  absl::StatusOr<std::vector<RedisReply>> replies = redis_->Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<bool> out;
  for (const RedisReply& r : *replies) out.push_back(r.integer == 1);
  return out;
}

absl::Status RedisSettlementStore::ApplyWrites(
    const std::vector<StoreWrite>& writes) {
  // Per hash key, per field: the last value written (nullopt: deleted).
  using Fields = std::map<std::string, std::optional<std::string>>;
  std::map<std::string, Fields> logs, adjustments, visit_hashes, choices;
  std::set<std::string> providers;
  std::map<std::string, std::set<std::string>> marks;
  for (const StoreWrite& write : writes) {
    if (const auto* w = std::get_if<store_write::PutVisit>(&write)) {
      const visits::v1::Visit& v = w->visit;
      visit_hashes[Key("visits:" + v.provider_id() + ":" + v.period())]
                  [v.visit_id()] = SerializeDeterministic(v);
      providers.insert(v.provider_id());
    } else if (const auto* w = std::get_if<store_write::RemoveVisit>(&write)) {
      visit_hashes[Key("visits:" + w->provider_id + ":" + w->period)]
                  [w->visit_id] = std::nullopt;
    } else if (const auto* w =
                   std::get_if<store_write::PutAdjustment>(&write)) {
      adjustments[Key("adjustments:" + w->provider_id)][w->event.event_id()] =
          SerializeDeterministic(w->event);
    } else if (const auto* w =
                   std::get_if<store_write::LogVisitEvent>(&write)) {
      logs[Key("vlog:" + w->provider_id + ":" + w->period)]
          [w->event.event_id()] = SerializeDeterministic(w->event);
    } else if (const auto* w =
                   std::get_if<store_write::MarkVisitEventApplied>(&write)) {
      marks[Key("applied:" + w->provider_id + ":" + w->period)].insert(
          w->event_id);
    } else if (const auto* w =
                   std::get_if<store_write::PutAssignment>(&write)) {
      const choice::v1::Assignment& a = w->assignment;
      choices[Key("assignments:" + a.provider_id())][a.assignment_id()] =
          SerializeDeterministic(a);
      providers.insert(a.provider_id());
    } else if (const auto* w = std::get_if<store_write::PutDecision>(&write)) {
      choices[Key("decisions:" + w->client_id)][w->decision.decision_id()] =
          SerializeDeterministic(w->decision);
    }
  }
  // In this order: each visit event's log entry before the visits (as
  // LogVisitEvent before the move), the marks last, so that whatever part
  // of a batch cut short was written, the events not marked are applied
  // again in order over it.
  std::vector<std::vector<std::string>> commands;
  for (const auto* hashes : {&logs, &adjustments, &visit_hashes, &choices}) {
    for (const auto& [key, fields] : *hashes) {
      std::vector<std::string> hset = {"HSET", key};
      std::vector<std::string> hdel = {"HDEL", key};
      for (const auto& [field, value] : fields) {
        if (value.has_value()) {
          hset.push_back(field);
          hset.push_back(*value);
        } else {
          hdel.push_back(field);
        }
      }
      if (hdel.size() > 2) commands.push_back(std::move(hdel));
      if (hset.size() > 2) commands.push_back(std::move(hset));
    }
  }
  if (!providers.empty()) {
    std::vector<std::string> sadd = {"SADD", Key("providers")};
    sadd.insert(sadd.end(), providers.begin(), providers.end());
    commands.push_back(std::move(sadd));
  }
  // All marks at once (one script): a batch cut short between two of them
  // could otherwise mark a later change of a visit and not an earlier one,
  // and applying them again would then undo the later one.
  if (marks.size() == 1) {
    std::vector<std::string> sadd = {"SADD", marks.begin()->first};
    sadd.insert(sadd.end(), marks.begin()->second.begin(),
                marks.begin()->second.end());
    commands.push_back(std::move(sadd));
  } else if (!marks.empty()) {
    std::vector<std::string> eval = {"EVAL", kMarkAllScript,
                                     std::to_string(marks.size())};
    for (const auto& [key, ids] : marks) eval.push_back(key);
    for (const auto& [key, ids] : marks) {
      eval.push_back(std::to_string(ids.size()));
      eval.insert(eval.end(), ids.begin(), ids.end());
    }
    commands.push_back(std::move(eval));
  }
  if (commands.empty()) return absl::OkStatus();
  return redis_->Pipeline(commands).status();
}

}  // namespace lov::settlement
