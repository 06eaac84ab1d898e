#include "lov/visits/adapters/redis_visit_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lov/platform/proto_util.h"

namespace lov::visits {
namespace {

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
local en = tonumber(ARGV[4])
for i = 3, #KEYS do
  local ms = redis.call('ZRANGEBYSCORE', KEYS[i], s - tonumber(ARGV[6]), '(' .. ARGV[4])
  for _, m in ipairs(ms) do
    local sep = string.find(m, '|', 1, true)
    local other = string.sub(m, sep + 1)
    if tonumber(string.sub(m, 1, sep - 1)) > s and other ~= ARGV[5] then
      if ARGV[7] == 'reserve' then
        redis.call('HSET', KEYS[1], 'state', 'pending', 'owner', ARGV[1], 'fp', ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[5])
      end
      return {'conflict', tostring(i - 3), other}
    end
  end
end
if ARGV[7] ~= 'reserve' then return {'clear'} end
redis.call('HSET', KEYS[1], 'state', 'pending', 'owner', ARGV[1], 'fp', ARGV[2], 'idx', ARGV[8])
redis.call('SADD', KEYS[2], ARGV[5])
local member = ARGV[4] .. '|' .. ARGV[5]
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], ARGV[3], member) end
return {'reserved'}
)lua";

// Records one own event if its version is newer than the stored one, with
// the aggregates it changes (ops, four arguments each), and how far the
// projection has read the partition. A visit's slots (op SLOT) are taken
// already when its pending reservation holds them (the accepted visit of
// that reservation), so only the others add them.
//   ARGV: version, outcome, current, voided, fp, pending key, visit id,
//         history key, event, applied key, partition, next offset, ops...
constexpr char kApplyScript[] = R"lua(
if ARGV[11] ~= '' then
  local cur = tonumber(redis.call('HGET', ARGV[10], ARGV[11]) or '0')
  if tonumber(ARGV[12]) > cur then redis.call('HSET', ARGV[10], ARGV[11], ARGV[12]) end
end
local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if tonumber(ARGV[1]) <= v then return 0 end
local rec = redis.call('HMGET', KEYS[1], 'idx', 'state')
local idx, held = rec[1], false
if idx and rec[2] == 'pending' then
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
redis.call('HDEL', KEYS[1], 'owner', 'idx')
redis.call('SREM', ARGV[6], ARGV[7])
redis.call('RPUSH', ARGV[8], ARGV[9])
local i = 13
while i + 3 <= #ARGV do
  local op, key, a, b = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if op == 'HINCRBY' then redis.call('HINCRBY', key, a, b)
  elseif op == 'SLOT' then
    if not held then redis.call('ZADD', key, a, b) end
  elseif op == 'ZADD' then redis.call('ZADD', key, a, b)
  elseif op == 'ZREM' then redis.call('ZREM', key, a)
  elseif op == 'SADD' then redis.call('SADD', key, a)
  elseif op == 'RPUSH' then redis.call('RPUSH', key, a)
  elseif op == 'SET' then redis.call('SET', key, a)
  elseif op == 'ZTRIM' then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. a)
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

// Newer municipality setups replace older ones.
constexpr char kMunicipalityScript[] = R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
if tonumber(ARGV[1]) < current then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'data', ARGV[2])
return 1
)lua";

int64_t Ms(const google::protobuf::Timestamp& t) {
  return absl::ToUnixMillis(FromProtoTime(t));
}

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

// A script written for one item (KEYS, ARGV) run once per item, in order,
// in one EvalSource: a batch costs one round trip. Each item's keys and
// arguments are framed in ARGV as "<key count> <arg count> keys... args...";
// the reply holds the items' replies in order.
std::string ForEachItem(const char* item_script) {
  return absl::StrCat("local function item(KEYS, ARGV)\n", item_script, R"lua(
end
local out, i = {}, 1
while i <= #ARGV do
  local nk, na = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local k, a = {}, {}
  for j = 1, nk do k[j] = ARGV[i + 1 + j] end
  for j = 1, na do a[j] = ARGV[i + 1 + nk + j] end
  out[#out + 1] = item(k, a)
  i = i + 2 + nk + na
end
return out
)lua");
}

// One item of a batched script call.
struct ScriptCall {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

absl::StatusOr<std::vector<RedisReply>> EvalEach(
    RedisClient* redis, const std::string& batched_source,
    const std::vector<ScriptCall>& calls) {
  std::vector<std::string> framed;
  for (const ScriptCall& c : calls) {
    framed.push_back(std::to_string(c.keys.size()));
    framed.push_back(std::to_string(c.args.size()));
    framed.insert(framed.end(), c.keys.begin(), c.keys.end());
    framed.insert(framed.end(), c.args.begin(), c.args.end());
  }
  absl::StatusOr<RedisReply> reply =
      redis->EvalSource(batched_source, {}, framed);
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != calls.size()) {
    return absl::InternalError("unexpected reply of a batched script");
  }
  return std::move(reply->elements);
}

// The batched form of a script, made once.
template <const char* kItemScript>
const std::string& Batched() {
  static const std::string* source = new std::string(ForEachItem(kItemScript));
  return *source;
}

template <typename Message>
absl::Status ParseInto(const std::string& bytes, Message* m,
                       const std::string& what) {
  if (!m->ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("corrupt ", what));
  }
  return absl::OkStatus();
}

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
    out.push_back(std::move(res));
  }
  return out;
}

absl::StatusOr<std::optional<std::pair<int, std::string>>>
RedisVisitStore::FindConflict(const Reservation& probe,
                              const std::string& except_visit_id,
                              absl::Duration max_length) {
  std::vector<std::string> keys = {Key("visit:" + except_visit_id),
                                   Key("pending")};
  for (const auto& s : probe.slots) keys.push_back(SlotKey(s));
  absl::StatusOr<RedisReply> r = redis_->EvalSource(
      kReserveScript, keys,
      {"", "", std::to_string(absl::ToUnixMillis(probe.start)),
       std::to_string(absl::ToUnixMillis(probe.end)), except_visit_id,
       std::to_string(absl::ToInt64Milliseconds(max_length)), "check", ""});
  if (!r.ok()) return r.status();
  const auto& e = r->elements;
  if (e.size() == 3 && e[0].str == "conflict") {
    int slot = 0;
    if (!absl::SimpleAtoi(e[1].str, &slot)) return absl::InternalError("reply");
    return std::optional<std::pair<int, std::string>>(
        std::make_pair(slot, e[2].str));
  }
  return std::optional<std::pair<int, std::string>>();
}

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
    for (const auto& s : IndexSlotsOf(v)) {
      if (op == "ZADD") {
        Op(&ops, "SLOT", SlotKey(s), std::to_string(Ms(v.start())), Member(v));
      } else {
        Op(&ops, "ZREM", SlotKey(s), Member(v));
      }
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
      Key("applied"),
      applied.partition >= 0 ? std::to_string(applied.partition) : "",
      std::to_string(applied.offset + 1)};
  args.insert(args.end(), ops.begin(), ops.end());
  return args;
}

absl::Status RedisVisitStore::ApplyOwn(const std::vector<Applied>& events) {
  if (events.empty()) return absl::OkStatus();
  // Events read back from the topic (with their offsets) were mostly
  // recorded by the instance that published them: which ones, asked first
  // in one light call, so that only the others are sent in full.
  std::vector<bool> recorded(events.size(), false);
  if (events.front().partition >= 0) {
    std::vector<std::vector<std::string>> probes;
    probes.reserve(events.size());
    for (const auto& a : events) {
      probes.push_back(
          {"HGET", Key("visit:" + a.event->aggregate_id()), "version"});
    }
    absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(probes);
    if (!r.ok()) return r.status();
    for (size_t i = 0; i < events.size(); ++i) {
      int64_t stored = 0;
      recorded[i] = !(*r)[i].is_nil() &&
                    absl::SimpleAtoi((*r)[i].str, &stored) &&
                    events[i].event->aggregate_version() <= stored;
    }
  }
  std::vector<ScriptCall> calls;
  calls.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const Applied& a = events[i];
    ScriptCall c{{Key("visit:" + a.event->aggregate_id())}, {}};
    if (recorded[i]) {
      // Only its offset, in the same step as the others' records: version
      // 0 is never newer than the stored one.
      c.args = {"0",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                Key("applied"),
                std::to_string(a.partition),
                std::to_string(a.offset + 1)};
    } else {
      c.args = ApplyArguments(a);
    }
    calls.push_back(std::move(c));
  }
  return EvalEach(redis_, Batched<kApplyScript>(), calls).status();
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

namespace {

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

absl::Status RedisVisitStore::ReleasePending(const std::string& visit_id,
                                             const std::string& owner) {
  return redis_
      ->EvalSource(kReleaseScript, {Key("visit:" + visit_id), Key("pending")},
                   {owner, visit_id})
      .status();
}

absl::Status RedisVisitStore::MarkOwnerLost(
    const std::vector<std::string>& visit_ids, const std::string& owner) {
  std::vector<ScriptCall> calls;
  for (const auto& id : visit_ids) {
    calls.push_back({{Key("visit:" + id)}, {owner}});
  }
  if (calls.empty()) return absl::OkStatus();
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

absl::StatusOr<std::map<int32_t, int64_t>> RedisVisitStore::AppliedOffsets() {
  // What the own events' script recorded, and what the projection's
  // consumer recorded: the latter also moves past events it skipped as
  // already seen, so a partition whose last events were duplicates still
  // counts as read to its end.
  absl::StatusOr<std::vector<RedisReply>> r =
      redis_->Pipeline({{"HGETALL", Key("applied")},
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
  const std::string own = own_topic_ + "/";
  const RedisReply& offsets = (*r)[1];
  for (size_t i = 0; !own_topic_.empty() && i + 1 < offsets.elements.size();
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

int64_t RedisVisitStore::RejectedCutoffMs() const {
  return absl::ToUnixMillis(absl::Now() - rejected_retention_);
}

std::string RedisVisitStore::RejectedKey(const std::string& provider_id,
                                         const std::string& period) const {
  return Key(absl::StrCat("rejections:", provider_id, ":", period));
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

absl::Status RedisVisitStore::ApplyChoice(const choice::v1::ChoiceEvent& e) {
  std::vector<std::vector<std::string>> cmds;
  auto assignment = [&](const choice::v1::Assignment& a) {
    if (a.assignment_id().empty() || a.client_id().empty()) return;
    cmds.push_back({"HSET", Key("assign:" + a.client_id()), a.assignment_id(),
                    SerializeDeterministic(a)});
  };
  auto decision = [&](const std::string& client,
                      const choice::v1::Decision& d) {
    if (client.empty() || d.decision_id().empty()) return;
    cmds.push_back({"HSET", Key("decisions:" + client), d.decision_id(),
                    SerializeDeterministic(d)});
    cmds.push_back({"SADD", Key("decision_clients"), client});
  };
  if (e.has_assignment_started()) {
    // The ended one first: when both carry the same id the started wins.
    if (e.assignment_started().has_ended()) {
      assignment(e.assignment_started().ended());
    }
    assignment(e.assignment_started().assignment());
  } else if (e.has_assignment_ended()) {
    assignment(e.assignment_ended().assignment());
  } else if (e.has_decision_registered()) {
    decision(e.decision_registered().client_id(),
             e.decision_registered().decision());
  } else if (e.has_decision_changed()) {
    decision(e.decision_changed().client_id(), e.decision_changed().decision());
  }
  if (cmds.empty()) return absl::OkStatus();
  return redis_->Pipeline(cmds).status();
}

absl::Status RedisVisitStore::ApplyRegistry(
    const registry::v1::RegistryEvent& e) {
  if (!e.has_municipality_configured()) return absl::OkStatus();
  const auto& m = e.municipality_configured().municipality();
  return redis_
      ->EvalSource(kMunicipalityScript, {Key("municipality")},
                   {std::to_string(
                        std::max<int64_t>(m.version(), e.aggregate_version())),
                    SerializeDeterministic(m)})
      .status();
}

absl::Status RedisVisitStore::ApplySettlement(
    const settlement::v1::SettlementEvent& e) {
  if (!e.has_statement_approved()) return absl::OkStatus();
  const auto& a = e.statement_approved();
  if (a.provider_id().empty() || !IsPeriod(a.period())) {
    return absl::InvalidArgumentError(
        "statement_approved: provider_id and period YYYY-MM are required");
  }
  return redis_->Command({"SADD", Key("locked:" + a.provider_id()), a.period()})
      .status();
}

}  // namespace lov::visits
