// A stored rejection replaced by a later first answer of the same report id
// (domain/first_answer.h): the projection reads the rejected reports' topic
// and the events topic in any order, so an acceptance (or a later
// rejection) may arrive after a rejection it replaces. The rejection is
// dropped with all it added to the state, as its expiry or eviction did
// when the events were new, and the event is recorded as the visit's first.
#include "absl/strings/str_cat.h"
#include "lov/visits/adapters/redis_script_batch.h"
#include "lov/visits/adapters/redis_visit_store.h"
#include "lov/visits/domain/first_answer.h"

namespace lov::visits {
namespace {

// Drops the rejection, unless an accepted version was recorded meanwhile
// (then it has 'voided'). KEYS: visit, history, month's rejections,
// provider's rejected-index; ARGV: the list member, the index member.
constexpr char kDropRejectionScript[] = R"lua(
if redis.call('HEXISTS', KEYS[1], 'voided') == 1 then return 0 end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('DEL', KEYS[1], KEYS[2])
return 1
)lua";

// Whether the event could replace a stored rejection (SupersedesRejection
// says for sure, with the stored one).
bool MaySupersede(const v1::VisitEvent& e) {
  return e.has_visit_rejected() ||
         (e.has_visit_accepted() && e.aggregate_version() == 1);
}

}  // namespace

size_t RedisVisitStore::RepeatedAnswerAt(const std::vector<Applied>& events) {
  std::set<std::string> seen;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::VisitEvent& e = *events[i].event;
    if (!seen.insert(e.aggregate_id()).second && MaySupersede(e)) return i;
  }
  return events.size();
}

absl::Status RedisVisitStore::DropSuperseded(
    const std::vector<Applied>& events,
    const std::vector<bool>& stored_rejection, std::vector<bool>& recorded) {
  std::vector<size_t> candidates;
  std::vector<std::vector<std::string>> reads;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!recorded[i] || !stored_rejection[i] ||
        !MaySupersede(*events[i].event)) {
      continue;
    }
    candidates.push_back(i);
    reads.push_back(
        {"LINDEX", Key("history:" + events[i].event->aggregate_id()), "-1"});
  }
  if (candidates.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<RedisReply>> stored = redis_->Pipeline(reads);
  if (!stored.ok()) return stored.status();
  for (size_t k = 0; k < candidates.size(); ++k) {
    if ((*stored)[k].is_nil()) continue;
    v1::VisitEvent rejection;
    if (absl::Status s = redis_batch::ParseInto((*stored)[k].str, &rejection,
                                                "visit history");
        !s.ok()) {
      return s;
    }
    const v1::VisitEvent& incoming = *events[candidates[k]].event;
    if (!SupersedesRejection(rejection, incoming)) continue;
    const v1::VisitRejected& r = rejection.visit_rejected();
    const std::string vid = rejection.aggregate_id();
    const std::string list = RejectedKey(r.provider_id(), r.period());
    absl::StatusOr<RedisReply> dropped =
        redis_->EvalSource(kDropRejectionScript,
                           {Key("visit:" + vid), Key("history:" + vid), list,
                            RejectedIndexKey(r.provider_id())},
                           {SerializeDeterministic(r),
                            absl::StrCat(list, "\n", Key("visit:" + vid), "\n",
                                         Key("history:" + vid))});
    if (!dropped.ok()) return dropped.status();
    if (dropped->integer == 1) recorded[candidates[k]] = false;
  }
  return absl::OkStatus();
}

}  // namespace lov::visits
