// The visits service's write path in Redis: the contexts a report is
// verified against, the reservations of report ids and slots, the visit
// records staff commands read, and the bookkeeping of instances and
// offsets. Recording own events: redis_visit_record.cc; reads:
// redis_visit_reads.cc; upstream views: redis_visit_upstream.cc.
#include "lov/visits/adapters/redis_visit_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/visits/adapters/redis_script_batch.h"

namespace lov::visits {
namespace {

using redis_batch::Batched;
using redis_batch::EvalEach;
using redis_batch::ParseInto;
using redis_batch::ScriptCall;

// Reserves a report id, first writer wins. With slots (KEYS[3..]) it also
// checks that no other visit holds a slot in [start, end) and takes them,
// all in one step so two concurrent reports cannot both pass. Members are
// "<end ms>|<visit id>" scored by start; a visit is at most max_len long, so
// only members starting after start - max_len can overlap.
//   ARGV: owner, fingerprint, start ms, end ms, visit id, max_len ms,
//         mode ("reserve" or "check"), slot members joined by "\n" (idx)
//   reply: {"exists", state, fp, owner, outcome} | {"conflict", slot, id} |
//          {"reserved"} | {"clear"}
constexpr char kReserveScript[] = R"lua(
if ARGV[7] == 'reserve' then
  local e = redis.call('HMGET', KEYS[1], 'state', 'fp', 'owner', 'outcome')
  if e[1] then return {'exists', e[1], e[2] or '', e[3] or '', e[4] or ''} end
end
local s = tonumber(ARGV[3])
local from, to = s - tonumber(ARGV[6]), '(' .. ARGV[4]
for i = 3, #KEYS do
  local ms = redis.call('ZRANGEBYSCORE', KEYS[i], from, to)
  for _, m in ipairs(ms) do
    -- most members end before s: their visit id is not cut out (one Lua
    -- string less each; a client's slot returns up to 12 hours of them)
    local sep = string.find(m, '|', 1, true)
    local other = tonumber(string.sub(m, 1, sep - 1)) > s and string.sub(m, sep + 1)
    if other and other ~= ARGV[5] then
      if ARGV[7] == 'reserve' then
        redis.call('HSET', KEYS[1], 'state', 'pending', 'owner', ARGV[1], 'fp', ARGV[2])
        later('SADD', KEYS[2], ARGV[5])
      end
      return {'conflict', tostring(i - 3), other}
    end
  end
end
if ARGV[7] ~= 'reserve' then return {'clear'} end
redis.call('HSET', KEYS[1], 'state', 'pending', 'owner', ARGV[1], 'fp', ARGV[2], 'idx', ARGV[8])
later('SADD', KEYS[2], ARGV[5])
local member = ARGV[4] .. '|' .. ARGV[5]
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], ARGV[3], member) end
return {'reserved'}
)lua";

// Drops a reservation still pending under the given owner, and its slots.
constexpr char kReleaseScript[] = R"lua(
local e = redis.call('HMGET', KEYS[1], 'state', 'owner', 'idx')
if e[1] ~= 'pending' or e[2] ~= ARGV[1] then return 0 end
if e[3] then
  for line in string.gmatch(e[3], '[^\n]+') do
    local sp = string.find(line, ' ', 1, true)
    redis.call('ZREM', string.sub(line, 1, sp - 1), string.sub(line, sp + 1))
  end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return 1
)lua";

constexpr char kMarkLostScript[] = R"lua(
if redis.call('HGET', KEYS[1], 'state') == 'pending' and
   redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'owner', 'lost:' .. ARGV[1])
end
return 1
)lua";

}  // namespace

absl::StatusOr<std::vector<VerificationContext>> RedisVisitStore::LoadContexts(
    const std::vector<ContextKey>& keys) {
  // Several reports of one client share the reads.
  std::map<std::string, size_t> client_at, provider_at, performed_at;
  std::vector<std::vector<std::string>> cmds = {
      {"HGET", Key("municipality"), "data"}};
  for (const auto& k : keys) {
    if (client_at.emplace(k.client_id, cmds.size()).second) {
      cmds.push_back({"HVALS", Key("assign:" + k.client_id)});
      cmds.push_back({"HVALS", Key("decisions:" + k.client_id)});
    }
    if (provider_at.emplace(k.provider_id, cmds.size()).second) {
      cmds.push_back({"SMEMBERS", Key("locked:" + k.provider_id)});
    }
    const std::string pk =
        absl::StrCat("performed:", k.client_id, ":", k.period);
    if (performed_at.emplace(pk, cmds.size()).second) {
      cmds.push_back({"HGETALL", Key(pk)});
    }
  }
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(cmds);
  if (!r.ok()) return r.status();
  std::optional<registry::v1::Municipality> municipality;
  if (!(*r)[0].is_nil()) {
    registry::v1::Municipality m;
    if (absl::Status s = ParseInto((*r)[0].str, &m, "municipality"); !s.ok()) {
      return s;
    }
    municipality = std::move(m);
  }
  std::vector<VerificationContext> out;
  out.reserve(keys.size());
  for (const auto& k : keys) {
    VerificationContext ctx;
    ctx.municipality = municipality;
    const size_t c = client_at[k.client_id];
    for (const auto& e : (*r)[c].elements) {
      choice::v1::Assignment a;
      if (absl::Status s = ParseInto(e.str, &a, "assignment"); !s.ok())
        return s;
      ctx.assignments.push_back(std::move(a));
    }
    for (const auto& e : (*r)[c + 1].elements) {
      choice::v1::Decision d;
      if (absl::Status s = ParseInto(e.str, &d, "decision"); !s.ok()) return s;
      ctx.decisions.push_back(std::move(d));
    }
    for (const auto& e : (*r)[provider_at[k.provider_id]].elements) {
      ctx.locked_periods.insert(e.str);
    }
    const auto& perf = (*r)[performed_at[absl::StrCat("performed:", k.client_id,
                                                      ":", k.period)]]
                           .elements;
    const std::string suffix = absl::StrCat("|", k.category_id, "|c");
    for (size_t i = 0; i + 1 < perf.size(); i += 2) {
      if (absl::EndsWith(perf[i].str, suffix)) {
        int64_t minutes = 0;
        if (absl::SimpleAtoi(perf[i + 1].str, &minutes)) {
          ctx.performed_minutes_in_month += minutes;
        }
      }
    }
    out.push_back(std::move(ctx));
  }
  return out;
}

absl::StatusOr<std::vector<ReserveResult>> RedisVisitStore::Reserve(
    const std::vector<Reservation>& reservations, const std::string& owner,
    absl::Duration max_length) {
  std::vector<ScriptCall> calls;
  calls.reserve(reservations.size());
  for (const auto& r : reservations) {
    ScriptCall c{{Key("visit:" + r.visit_id), Key("pending")}, {}};
    std::string idx;
    const std::string member =
        absl::StrCat(absl::ToUnixMillis(r.end), "|", r.visit_id);
    for (const auto& s : r.slots) {
      c.keys.push_back(SlotKey(s));
      absl::StrAppend(&idx, SlotKey(s), " ", member, "\n");
    }
    c.args = {owner,
              r.fingerprint,
              std::to_string(absl::ToUnixMillis(r.start)),
              std::to_string(absl::ToUnixMillis(r.end)),
              r.visit_id,
              std::to_string(absl::ToInt64Milliseconds(max_length)),
              "reserve",
              idx};
    calls.push_back(std::move(c));
  }
  absl::StatusOr<std::vector<RedisReply>> replies =
      EvalEach(redis_, Batched<kReserveScript>(), calls);
  if (!replies.ok()) return replies.status();
  std::vector<ReserveResult> out;
  out.reserve(replies->size());
  std::vector<std::string> reserved;  // now pending under `owner`
  for (const auto& reply : *replies) {
    ReserveResult res;
    const auto& e = reply.elements;
    if (e.empty()) return absl::InternalError("unexpected reserve reply");
    if (e[0].str == "reserved") {
      res.kind = ReserveResult::Kind::kReserved;
    } else if (e[0].str == "conflict" && e.size() == 3) {
      res.kind = ReserveResult::Kind::kConflict;
      if (!absl::SimpleAtoi(e[1].str, &res.conflict_slot)) {
        return absl::InternalError("unexpected reserve reply");
      }
      res.conflict_visit_id = e[2].str;
    } else if (e[0].str == "exists" && e.size() == 5) {
      res.kind = ReserveResult::Kind::kExisting;
      res.done = e[1].str == "done";
      res.fingerprint = e[2].str;
      res.owner = e[3].str;
      if (!e[4].str.empty()) {
        v1::ReportOutcome o;
        if (absl::Status s = ParseInto(e[4].str, &o, "outcome"); !s.ok()) {
          return s;
        }
        res.outcome = std::move(o);
      }
    } else {
      return absl::InternalError("unexpected reserve reply");
    }
    if (res.kind != ReserveResult::Kind::kExisting) {
      reserved.push_back(reservations[out.size()].visit_id);
    }
    out.push_back(std::move(res));
  }
  in_flight_.Add(reserved);
  return out;
}

absl::StatusOr<std::optional<std::pair<int, std::string>>>
RedisVisitStore::FindConflict(const Reservation& probe,
                              const std::string& except_visit_id,
                              absl::Duration max_length) {
  std::vector<std::string> keys = {Key("visit:" + except_visit_id),
                                   Key("pending")};
  for (const auto& s : probe.slots) keys.push_back(SlotKey(s));
  absl::StatusOr<std::vector<RedisReply>> r = EvalEach(
      redis_, Batched<kReserveScript>(),
      {{keys,
        {"", "", std::to_string(absl::ToUnixMillis(probe.start)),
         std::to_string(absl::ToUnixMillis(probe.end)), except_visit_id,
         std::to_string(absl::ToInt64Milliseconds(max_length)), "check", ""}}});
  if (!r.ok()) return r.status();
  const auto& e = r->front().elements;
  if (e.size() == 3 && e[0].str == "conflict") {
    int slot = 0;
    if (!absl::SimpleAtoi(e[1].str, &slot)) return absl::InternalError("reply");
    return std::optional<std::pair<int, std::string>>(
        std::make_pair(slot, e[2].str));
  }
  return std::optional<std::pair<int, std::string>>();
}

absl::StatusOr<std::optional<VisitRecord>> RedisVisitStore::GetVisit(
    const std::string& visit_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HMGET", Key("visit:" + visit_id), "state", "owner",
                       "fp", "outcome", "current", "voided", "version"});
  if (!r.ok()) return r.status();
  const auto& e = r->elements;
  if (e.size() != 7 || e[0].is_nil()) return std::optional<VisitRecord>();
  VisitRecord rec;
  rec.done = e[0].str == "done";
  rec.owner = e[1].str;
  rec.fingerprint = e[2].str;
  if (!e[3].is_nil()) {
    v1::ReportOutcome o;
    if (absl::Status s = ParseInto(e[3].str, &o, "outcome"); !s.ok()) return s;
    rec.outcome = std::move(o);
  }
  if (!e[4].is_nil()) {
    v1::Visit v;
    if (absl::Status s = ParseInto(e[4].str, &v, "visit"); !s.ok()) return s;
    rec.current = std::move(v);
  }
  rec.voided = e[5].str == "1";
  if (!e[6].is_nil()) (void)absl::SimpleAtoi(e[6].str, &rec.version);
  return std::optional<VisitRecord>(std::move(rec));
}

absl::StatusOr<bool> RedisVisitStore::ReleasePending(
    const std::string& visit_id, const std::string& owner) {
  absl::StatusOr<RedisReply> r = redis_->EvalSource(
      kReleaseScript, {Key("visit:" + visit_id), Key("pending")},
      {owner, visit_id});
  if (!r.ok()) return r.status();
  in_flight_.Done({visit_id});
  return r->integer == 1;
}

absl::Status RedisVisitStore::MarkOwnerLost(
    const std::vector<std::string>& visit_ids, const std::string& owner) {
  std::vector<ScriptCall> calls;
  for (const auto& id : visit_ids) {
    calls.push_back({{Key("visit:" + id)}, {owner}});
  }
  if (calls.empty()) return absl::OkStatus();
  // Not recorded by this write path: the projection records them when it
  // reads them (if they were published).
  in_flight_.Done(visit_ids);
  return EvalEach(redis_, Batched<kMarkLostScript>(), calls).status();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
RedisVisitStore::PendingWithOwners() {
  absl::StatusOr<RedisReply> ids =
      redis_->Command({"SMEMBERS", Key("pending")});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> cmds;
  for (const auto& id : ids->elements) {
    cmds.push_back({"HMGET", Key("visit:" + id.str), "state", "owner"});
  }
  std::vector<std::pair<std::string, std::string>> out;
  if (cmds.empty()) return out;
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(cmds);
  if (!r.ok()) return r.status();
  for (size_t i = 0; i < r->size(); ++i) {
    const auto& e = (*r)[i].elements;
    if (e.size() == 2 && e[0].str == "pending") {
      out.emplace_back(ids->elements[i].str, e[1].str);
    }
  }
  return out;
}

absl::StatusOr<bool> RedisVisitStore::OwnerAlive(const std::string& owner) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"EXISTS", Key("instance:" + owner)});
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

absl::Status RedisVisitStore::Heartbeat(const std::string& owner,
                                        absl::Duration ttl) {
  return redis_
      ->Command({"SET", Key("instance:" + owner), "1", "PX",
                 std::to_string(absl::ToInt64Milliseconds(ttl))})
      .status();
}

absl::StatusOr<std::map<int32_t, int64_t>> RedisVisitStore::AppliedOffsets(
    OwnTopic topic) {
  // What the own events' script recorded, and what the projection's
  // consumer recorded: the latter also moves past events it skipped as
  // already seen, so a partition whose last events were duplicates still
  // counts as read to its end.
  const std::string& own_topic =
      topic == OwnTopic::kEvents ? own_topic_ : rejected_topic_;
  absl::StatusOr<std::vector<RedisReply>> r =
      redis_->Pipeline({{"HGETALL", AppliedKey(topic)},
                        {"HGETALL", ProjectionOffsetsKey(prefix_, "state")}});
  if (!r.ok()) return r.status();
  std::map<int32_t, int64_t> out;
  auto take = [&](int32_t p, int64_t o) {
    auto [it, inserted] = out.emplace(p, o);
    if (!inserted) it->second = std::max(it->second, o);
  };
  const RedisReply& applied = (*r)[0];
  for (size_t i = 0; i + 1 < applied.elements.size(); i += 2) {
    int32_t p = 0;
    int64_t o = 0;
    if (absl::SimpleAtoi(applied.elements[i].str, &p) &&
        absl::SimpleAtoi(applied.elements[i + 1].str, &o)) {
      take(p, o);
    }
  }
  const std::string own = own_topic + "/";
  const RedisReply& offsets = (*r)[1];
  for (size_t i = 0; !own_topic.empty() && i + 1 < offsets.elements.size();
       i += 2) {
    const std::string& field = offsets.elements[i].str;
    int32_t p = 0;
    int64_t o = 0;
    if (absl::StartsWith(field, own) &&
        absl::SimpleAtoi(field.substr(own.size()), &p) &&
        absl::SimpleAtoi(offsets.elements[i + 1].str, &o)) {
      take(p, o);
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<AggregateLock>> RedisVisitStore::Lock(
    const std::string& visit_id) {
  return LockAggregate(redis_, prefix_, visit_id);
}

absl::StatusOr<std::optional<std::string>> RedisVisitStore::RequestFingerprint(
    const std::string& request_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"GET", Key("request:" + request_id)});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<std::string>();
  return std::optional<std::string>(r->str);
}

}  // namespace lov::visits
