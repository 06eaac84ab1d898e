// Recording the visits service's own events in its serving state: the
// visit's record and history, its slots, and the aggregates it changes.
#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lov/visits/adapters/redis_script_batch.h"
#include "lov/visits/adapters/redis_visit_store.h"

namespace lov::visits {
namespace {

using redis_batch::Batched;
using redis_batch::EvalEach;
using redis_batch::Ms;
using redis_batch::ScriptCall;

// Records one own event if its version is newer than the stored one, with
// the aggregates it changes (ops, four arguments each), and how far the
// projection has read the partition. A visit's slots (op SLOTS: its slot
// keys packed in one string as redis_batch::PackItem packs keys, its start
// and member) are taken already when its pending reservation holds them
// (the accepted visit of that reservation, the write path's usual case), so
// only the others unpack them and add them: one Lua string per slot key
// less for the write path (docs/performance.md, sixth round). Version "0"
// records the offset only (an event recorded already). What does not depend on
// the order of the events (the counters, the client sets, the pending set, the
// offsets) is deferred to one command per key for the whole batch
// (redis_batch::ForEachItem).
//   ARGV: version, outcome, current, voided, fp, pending key, visit id,
//         history key, event, applied key, partition, next offset, ops...
constexpr char kApplyScript[] = R"lua(
if ARGV[11] ~= '' then later('HMAX', ARGV[10], ARGV[11], ARGV[12]) end
if ARGV[1] == '0' then return 0 end
local rec = redis.call('HMGET', KEYS[1], 'version', 'idx', 'state', 'owner')
if tonumber(ARGV[1]) <= tonumber(rec[1] or '0') then return 0 end
local idx, held = rec[2], false
if idx and rec[3] == 'pending' then
  if ARGV[3] == '' then
    -- a rejection never holds slots
    for line in string.gmatch(idx, '[^\n]+') do
      local sp = string.find(line, ' ', 1, true)
      redis.call('ZREM', string.sub(line, 1, sp - 1), string.sub(line, sp + 1))
    end
  else
    held = true
  end
end
local fields = {'state', 'done', 'version', ARGV[1]}
if ARGV[2] ~= '' then fields[#fields + 1] = 'outcome'; fields[#fields + 1] = ARGV[2] end
if ARGV[3] ~= '' then fields[#fields + 1] = 'current'; fields[#fields + 1] = ARGV[3] end
if ARGV[4] ~= '' then fields[#fields + 1] = 'voided'; fields[#fields + 1] = ARGV[4] end
if ARGV[5] ~= '' then fields[#fields + 1] = 'fp'; fields[#fields + 1] = ARGV[5] end
redis.call('HSET', KEYS[1], unpack(fields))
if idx or rec[4] then redis.call('HDEL', KEYS[1], 'owner', 'idx') end
later('SREM', ARGV[6], ARGV[7])
redis.call('RPUSH', ARGV[8], ARGV[9])
local i = 13
while i + 3 <= #ARGV do
  local op, key, a, b = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if op == 'HINCRBY' then later('HINCRBY', key, a, b)
  elseif op == 'SLOTS' then
    if not held then
      local n = struct.unpack('>I2', key)
      local keys = {struct.unpack('>' .. string.rep('I4c0', n), key, 5)}
      for j = 1, n do redis.call('ZADD', keys[j], a, b) end
    end
  elseif op == 'ZADD' then redis.call('ZADD', key, a, b)
  elseif op == 'ZREM' then redis.call('ZREM', key, a)
  elseif op == 'SADD' then later('SADD', key, a)
  elseif op == 'RPUSH' then redis.call('RPUSH', key, a)
  elseif op == 'SET' then redis.call('SET', key, a)
  elseif op == 'ZTRIM' then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. a)
  elseif op == 'RCAP' then
    -- a provider's rejections beyond the cap (a), oldest first: out of
    -- their month's list (trimmed to the cutoff b first, so its oldest is
    -- the one evicted) and their visit: and history: keys, unless the
    -- visit holds an accepted version
    local over = redis.call('ZCARD', key) - tonumber(a)
    if over > 0 then
      local gone = redis.call('ZPOPMIN', key, over)
      for j = 1, #gone, 2 do
        local m = gone[j]
        local p1 = string.find(m, '\n', 1, true)
        local p2 = string.find(m, '\n', p1 + 1, true)
        local list = string.sub(m, 1, p1 - 1)
        local vkey = string.sub(m, p1 + 1, p2 - 1)
        redis.call('ZREMRANGEBYSCORE', list, '-inf', '(' .. b)
        redis.call('ZPOPMIN', list)
        if redis.call('HEXISTS', vkey, 'current') == 0 then
          redis.call('DEL', vkey, string.sub(m, p2 + 1))
        end
      end
    end
  elseif op == 'EXPIREAT' then
    -- never earlier than an expiry already set (a later rejection's)
    local at = redis.call('PEXPIRETIME', key)
    if at == -1 or (at >= 0 and tonumber(a) > at) then
      redis.call('PEXPIREAT', key, a)
    end
  end
  i = i + 4
end
return 1
)lua";

std::string Member(const v1::Visit& v) {
  return absl::StrCat(Ms(v.end()), "|", v.visit_id());
}

void Op(std::vector<std::string>* cmd, const std::string& op,
        const std::string& key, std::string a, std::string b = "") {
  cmd->push_back(op);
  cmd->push_back(key);
  cmd->push_back(std::move(a));
  cmd->push_back(std::move(b));
}

}  // namespace

// Longer than most: each kind of event's record fields and index changes
// are kept side by side, so what one event does to the state reads in one
// place.
std::vector<std::string> RedisVisitStore::ApplyArguments(
    const Applied& applied) const {
  const v1::VisitEvent& e = *applied.event;
  const std::string vid = e.aggregate_id();
  std::string outcome, current, voided, fp;
  std::vector<std::string> ops;
  auto slots_of = [&](const v1::Visit& v, const std::string& op) {
    if (op == "ZADD") {
      ScriptCall slots;
      for (const auto& s : IndexSlotsOf(v)) slots.keys.push_back(SlotKey(s));
      if (slots.keys.empty()) return;
      // A visit has at most two slots: within what PackItem packs.
      Op(&ops, "SLOTS", redis_batch::PackItem(slots).value(),
         std::to_string(Ms(v.start())), Member(v));
      return;
    }
    for (const auto& s : IndexSlotsOf(v)) {
      Op(&ops, "ZREM", SlotKey(s), Member(v));
    }
  };
  auto count = [&](const v1::Visit& v, const std::string& period, int sign) {
    if (v.status() != v1::VISIT_STATUS_PERFORMED) return;
    const std::string key =
        Key(absl::StrCat("performed:", v.client_id(), ":", period));
    const std::string cell =
        absl::StrCat(v.provider_id(), "|", v.category_id(), "|");
    Op(&ops, "HINCRBY", key, cell + "c",
       std::to_string(sign * ClientMinutes(v)));
    Op(&ops, "HINCRBY", key, cell + "s",
       std::to_string(sign * StaffMinutes(v)));
    Op(&ops, "HINCRBY", key, cell + "n", std::to_string(sign));
    Op(&ops, "SADD",
       Key(absl::StrCat("pclients:", v.provider_id(), ":", period)),
       v.client_id());
    Op(&ops, "SADD", Key("clients:" + period), v.client_id());
  };
  auto exceptions = [&](const v1::Visit& v, bool flagged) {
    if (flagged) {
      Op(&ops, "ZADD", Key("exceptions:" + v.provider_id()),
         std::to_string(Ms(v.start())), v.visit_id());
    } else {
      Op(&ops, "ZREM", Key("exceptions:" + v.provider_id()), v.visit_id());
    }
  };
  if (e.has_visit_accepted()) {
    const auto& a = e.visit_accepted();
    outcome = SerializeDeterministic(OutcomeOf(e));
    current = SerializeDeterministic(a.visit());
    voided = "0";
    fp = e.request_fingerprint();
    slots_of(a.visit(), "ZADD");
    count(a.visit(), a.visit().period(), +1);
    if (!a.exceptions().empty()) exceptions(a.visit(), true);
  } else if (e.has_visit_corrected()) {
    const auto& c = e.visit_corrected();
    current = SerializeDeterministic(c.visit());
    slots_of(c.previous(), "ZREM");
    slots_of(c.visit(), "ZADD");
    count(
        c.previous(),
        c.adjusts_period().empty() ? c.previous().period() : c.visit().period(),
        -1);
    count(c.visit(), c.visit().period(), +1);
    exceptions(c.visit(), !c.exceptions().empty());
    Op(&ops, "SET", Key("request:" + e.request_id()), e.request_fingerprint());
  } else if (e.has_visit_voided()) {
    const auto& v = e.visit_voided();
    voided = "1";
    slots_of(v.previous(), "ZREM");
    count(v.previous(), v.period(), -1);
    exceptions(v.previous(), false);
    Op(&ops, "SET", Key("request:" + e.request_id()), e.request_fingerprint());
  } else if (e.has_exceptions_reviewed()) {
    Op(&ops, "SET", Key("request:" + e.request_id()), e.request_fingerprint());
  } else if (e.has_visit_rejected()) {
    // Kept for the retention period from the rejection (a rebuild does not
    // bring back what has expired), so a looping client cannot fill Redis.
    const auto& r = e.visit_rejected();
    outcome = SerializeDeterministic(OutcomeOf(e));
    fp = e.request_fingerprint();
    const int64_t at = Ms(e.occurred_at());
    const std::string expires =
        std::to_string(at + absl::ToInt64Milliseconds(rejected_retention_));
    const std::string list = RejectedKey(r.provider_id(), r.period());
    Op(&ops, "ZADD", list, std::to_string(at), SerializeDeterministic(r));
    Op(&ops, "ZTRIM", list, std::to_string(RejectedCutoffMs()));
    Op(&ops, "EXPIREAT", list, expires);
    Op(&ops, "EXPIREAT", Key("visit:" + vid), expires);
    Op(&ops, "EXPIREAT", Key("history:" + vid), expires);
    // At most rejected_cap_ kept per provider (--rejected-max-per-provider),
    // the newest: a looping client evicts its own older rejections.
    const std::string index = RejectedIndexKey(r.provider_id());
    const std::string cutoff = std::to_string(RejectedCutoffMs());
    Op(&ops, "ZADD", index, std::to_string(at),
       absl::StrCat(list, "\n", Key("visit:" + vid), "\n",
                    Key("history:" + vid)));
    Op(&ops, "ZTRIM", index, cutoff);
    Op(&ops, "EXPIREAT", index, expires);
    Op(&ops, "RCAP", index, std::to_string(rejected_cap_), cutoff);
  }
  std::vector<std::string> args = {
      std::to_string(e.aggregate_version()),
      outcome,
      current,
      voided,
      fp,
      Key("pending"),
      vid,
      Key("history:" + vid),
      SerializeDeterministic(e),
      AppliedKey(applied.topic),
      applied.partition >= 0 ? std::to_string(applied.partition) : "",
      std::to_string(applied.offset + 1)};
  args.insert(args.end(), ops.begin(), ops.end());
  return args;
}

absl::StatusOr<std::vector<bool>> RedisVisitStore::Recorded(
    const std::vector<Applied>& events,
    std::vector<bool>* stored_rejection) const {
  std::vector<std::vector<std::string>> probes;
  probes.reserve(events.size());
  for (const auto& a : events) {
    // 'voided' is set from a visit's acceptance on, never for a rejection.
    probes.push_back({"HMGET", Key("visit:" + a.event->aggregate_id()),
                      "version", "voided"});
  }
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(probes);
  if (!r.ok()) return r.status();
  std::vector<bool> recorded(events.size(), false);
  stored_rejection->assign(events.size(), false);
  for (size_t i = 0; i < events.size(); ++i) {
    const RedisReply& fields = (*r)[i];
    if (fields.elements.size() != 2) {
      return absl::InternalError("unexpected reply to HMGET");
    }
    int64_t stored = 0;
    recorded[i] = !fields.elements[0].is_nil() &&
                  absl::SimpleAtoi(fields.elements[0].str, &stored) &&
                  events[i].event->aggregate_version() <= stored;
    (*stored_rejection)[i] = recorded[i] && fields.elements[1].is_nil();
  }
  return recorded;
}

absl::Status RedisVisitStore::ApplyOwn(const std::vector<Applied>& events) {
  if (events.empty()) return absl::OkStatus();
  std::vector<bool> recorded(events.size(), false);
  if (events.front().partition < 0) {
    // The write path: its reservations are recorded (or, on an error, left
    // to the projection) once the script has run.
    std::vector<std::string> ids;
    ids.reserve(events.size());
    for (const auto& a : events) ids.push_back(a.event->aggregate_id());
    absl::Status s = ApplyRecords(events, recorded);
    in_flight_.Done(ids);
    return s;
  }
  // A report answered twice in the batch (a rejection, then what replaced
  // it): the first answer is stored before the second is looked at.
  if (const size_t at = RepeatedAnswerAt(events); at < events.size()) {
    const std::vector<Applied> first(events.begin(), events.begin() + at);
    if (absl::Status s = ApplyOwn(first); !s.ok()) return s;
    return ApplyOwn(std::vector<Applied>(events.begin() + at, events.end()));
  }
  // The rebuild: most batches are of visits Redis has not seen yet.
  if (replay_plain_ && !built_.load()) {
    absl::StatusOr<bool> replayed = ReplayFresh(events);
    if (!replayed.ok()) return replayed.status();
    if (*replayed) return absl::OkStatus();
  }
  // Events read back from the topic (with their offsets) were mostly
  // recorded by the instance that published them: which ones, asked first
  // in one light call, so that only the others are sent in full. Those
  // this process's write path is still about to record are waited for
  // (briefly), then asked again.
  std::vector<bool> stored_rejection;
  absl::StatusOr<std::vector<bool>> probed =
      Recorded(events, &stored_rejection);
  if (!probed.ok()) return probed.status();
  recorded = std::move(*probed);
  std::vector<Applied> unsure;
  std::vector<size_t> unsure_at;
  std::vector<std::string> unsure_ids;
  for (size_t i = 0; i < events.size(); ++i) {
    if (recorded[i]) continue;
    unsure.push_back(events[i]);
    unsure_at.push_back(i);
    unsure_ids.push_back(events[i].event->aggregate_id());
  }
  if (!unsure.empty() && in_flight_.AwaitDone(unsure_ids, kOwnRecordWait)) {
    std::vector<bool> again_rejection;
    absl::StatusOr<std::vector<bool>> again =
        Recorded(unsure, &again_rejection);
    if (!again.ok()) return again.status();
    for (size_t k = 0; k < unsure.size(); ++k) {
      recorded[unsure_at[k]] = (*again)[k];
      stored_rejection[unsure_at[k]] = again_rejection[k];
    }
  }
  if (absl::Status s = DropSuperseded(events, stored_rejection, recorded);
      !s.ok()) {
    return s;
  }
  return ApplyRecords(events, recorded);
}

absl::Status RedisVisitStore::ApplyRecords(const std::vector<Applied>& events,
                                           const std::vector<bool>& recorded) {
  std::vector<ScriptCall> calls;
  calls.reserve(events.size());
  // The recorded ones move only how far the partition is read: its
  // highest offset among them, once per partition, in the same step as the
  // others' records (the offset is kept as a maximum, so the lower ones
  // add nothing).
  std::map<std::pair<OwnTopic, int32_t>, int64_t> recorded_upto;
  for (size_t i = 0; i < events.size(); ++i) {
    const Applied& a = events[i];
    if (recorded[i]) {
      auto [it, fresh] =
          recorded_upto.emplace(std::pair(a.topic, a.partition), a.offset);
      if (!fresh) it->second = std::max(it->second, a.offset);
      continue;
    }
    calls.push_back(
        {{Key("visit:" + a.event->aggregate_id())}, ApplyArguments(a)});
  }
  for (const auto& [at, offset] : recorded_upto) {
    // Version 0 is never newer than a stored one: the offset only.
    const std::string applied = AppliedKey(at.first);
    calls.push_back({{applied},
                     {"0", "", "", "", "", "", "", "", "", applied,
                      std::to_string(at.second), std::to_string(offset + 1)}});
  }
  if (calls.empty()) return absl::OkStatus();
  return EvalEach(redis_, Batched<kApplyScript>(), calls).status();
}

int64_t RedisVisitStore::RejectedCutoffMs() const {
  return absl::ToUnixMillis(absl::Now() - rejected_retention_);
}

std::string RedisVisitStore::RejectedIndexKey(
    const std::string& provider_id) const {
  return Key(absl::StrCat("rejected-index:", provider_id));
}

std::string RedisVisitStore::RejectedKey(const std::string& provider_id,
                                         const std::string& period) const {
  return Key(absl::StrCat("rejections:", provider_id, ":", period));
}

}  // namespace lov::visits
