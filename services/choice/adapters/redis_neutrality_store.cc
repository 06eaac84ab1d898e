#include "lov/choice/adapters/redis_neutrality_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

std::string Member(const std::string& id, const NeutralityTrial& t) {
  return absl::StrCat(id, "\t", t.outcome_provider_id, "\t",
                      absl::StrJoin(t.entitled_provider_ids, ","));
}

absl::StatusOr<NeutralityTrial> ParseMember(const std::string& member) {
  std::vector<std::string> parts = absl::StrSplit(member, '\t');
  if (parts.size() != 3) {
    return absl::DataLossError(
        absl::StrCat("neutrality record is not id, outcome, entitled: ",
                     member.substr(0, 80)));
  }
  NeutralityTrial t;
  t.outcome_provider_id = parts[1];
  t.entitled_provider_ids = absl::StrSplit(parts[2], ',', absl::SkipEmpty());
  return t;
}

}  // namespace

std::string RedisNeutralityStore::Key(NeutralityKind kind,
                                      const std::string& zone_id,
                                      const std::string& category_id) const {
  return absl::StrCat(
      prefix_, ":neutrality:",
      kind == NeutralityKind::kListShown ? "shown:" : "allocated:", zone_id,
      "|", category_id);
}

absl::Status RedisNeutralityStore::Apply(const v1::ChoiceEvent& event) {
  NeutralityKind kind;
  std::string id;
  std::string zone_id;
  std::vector<std::string> categories;
  std::vector<NeutralityTrial> trials;
  if (event.has_eligible_list_shown()) {
    const v1::EligibleListShown& list = event.eligible_list_shown();
    kind = NeutralityKind::kListShown;
    id = list.list_id();
    zone_id = list.zone_id();
    categories.assign(list.category_ids().begin(), list.category_ids().end());
    trials = TrialOfList(list);
  } else if (event.has_assignment_started() &&
             event.assignment_started().has_explanation()) {
    const v1::AssignmentStarted& started = event.assignment_started();
    kind = NeutralityKind::kAllocation;
    id = started.assignment().assignment_id();
    zone_id = started.assignment().zone_id();
    categories.assign(started.assignment().category_ids().begin(),
                      started.assignment().category_ids().end());
    trials = TrialOfAllocation(started.explanation());
  }
  if (trials.empty()) return absl::OkStatus();
  const std::string day = absl::StrCat(
      DayNumber(StockholmDate(FromProtoTime(event.occurred_at()))));
  std::vector<std::vector<std::string>> commands;
  for (const auto& category : categories) {
    for (const auto& t : trials) {
      commands.push_back(
          {"ZADD", Key(kind, zone_id, category), day, Member(id, t)});
    }
  }
  if (commands.empty()) return absl::OkStatus();
  if (collect_ != nullptr) {
    for (auto& command : commands) collect_->AddCommand(std::move(command));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(commands);
  return r.status();
}

absl::StatusOr<std::vector<NeutralityTrial>> RedisNeutralityStore::Trials(
    NeutralityKind kind, const std::string& zone_id,
    const std::string& category_id, absl::CivilDay from, absl::CivilDay to) {
  absl::StatusOr<RedisReply> r = redis_->Command(
      {"ZRANGEBYSCORE", Key(kind, zone_id, category_id),
       absl::StrCat(DayNumber(from)), absl::StrCat(DayNumber(to))});
  if (!r.ok()) return r.status();
  std::vector<NeutralityTrial> out;
  out.reserve(r->elements.size());
  for (const auto& e : r->elements) {
    absl::StatusOr<NeutralityTrial> t = ParseMember(e.str);
    if (!t.ok()) return t.status();
    out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace lov::choice
