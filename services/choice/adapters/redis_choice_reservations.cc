// The capacity slots of RedisChoiceStore: taking one as pending, giving a
// pending one back, finding the expired ones (see redis_choice_store.h).
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lov/choice/adapters/redis_choice_store.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/ids.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

// Takes a capacity slot as pending. KEYS: the provider's slots in the zone
// (client -> last day), their granted minutes a month (client -> minutes),
// the pending record, the index of pending records by expiry. ARGV: client,
// first day (day number), client cap (-1 = none), the slot's score, minutes
// cap (-1 = none), the client's minutes, owner, request id, expiry (Unix
// ms), token, provider, zone. A client already holding a slot from that day
// keeps it. The record keeps the slot as it was before, so that giving it
// back restores that; a record already there (a command still in doubt)
// stays, its expiry the later one. Returns {1} when taken, {0, 'clients' or
// 'minutes', what is held} when full. Minutes are summed in batches (Lua's
// unpack has a stack limit).
constexpr char kReserveScript[] = R"lua(
local prev = redis.call('ZSCORE', KEYS[1], ARGV[1])
local prev_minutes = redis.call('HGET', KEYS[2], ARGV[1])
local keeps = prev and tonumber(prev) >= tonumber(ARGV[2])
if not keeps then
  local cap = tonumber(ARGV[3])
  if cap >= 0 then
    local used = redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf')
    if used >= cap then return {0, 'clients', tostring(used)} end
  end
  local cap_minutes = tonumber(ARGV[5])
  if cap_minutes >= 0 then
    local holders = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], '+inf')
    local sum = 0
    for i = 1, #holders, 500 do
      local minutes = redis.call('HMGET', KEYS[2], unpack(holders, i, math.min(i + 499, #holders)))
      for _, m in ipairs(minutes) do sum = sum + (tonumber(m) or 0) end
    end
    if sum + tonumber(ARGV[6]) > cap_minutes then return {0, 'minutes', tostring(sum)} end
  end
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  if tonumber(ARGV[9]) > tonumber(redis.call('HGET', KEYS[3], 'expires')) then
    redis.call('HSET', KEYS[3], 'expires', ARGV[9])
    redis.call('ZADD', KEYS[4], ARGV[9], KEYS[3])
  end
else
  redis.call('HSET', KEYS[3], 'owner', ARGV[7], 'request', ARGV[8],
             'expires', ARGV[9], 'token', ARGV[10], 'client', ARGV[1],
             'provider', ARGV[11], 'zone', ARGV[12], 'score', prev or '',
             'minutes', prev_minutes or '')
  redis.call('ZADD', KEYS[4], ARGV[9], KEYS[3])
end
if not keeps then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[6])
end
if not keeps or tonumber(ARGV[4]) > tonumber(prev) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
end
return {1}
)lua";

// Gives a pending slot back if the record is still the one taken under
// token ARGV[1] with expiry ARGV[2]: the client's slot and minutes as they
// were before, the record gone. KEYS as kReserveScript. Returns 1 when
// given back, 0 when not pending (settled by an event, or another taking).
constexpr char kReleaseScript[] = R"lua(
if redis.call('HGET', KEYS[3], 'token') ~= ARGV[1] or
   redis.call('HGET', KEYS[3], 'expires') ~= ARGV[2] then
  return 0
end
local r = redis.call('HMGET', KEYS[3], 'client', 'score', 'minutes')
if r[2] == '' then redis.call('ZREM', KEYS[1], r[1])
else redis.call('ZADD', KEYS[1], r[2], r[1]) end
if r[3] == '' then redis.call('HDEL', KEYS[2], r[1])
else redis.call('HSET', KEYS[2], r[1], r[3]) end
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[4], KEYS[3])
return 1
)lua";

std::string Millis(absl::Time t) {
  return std::to_string(absl::ToUnixMillis(t));
}

// A pending record from HGETALL's flat field/value list.
absl::StatusOr<PendingReservation> PendingOf(const std::string& key,
                                             const RedisReply& reply) {
  std::map<std::string, std::string> f;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    f[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  int64_t expires = 0;
  if (!absl::SimpleAtoi(f["expires"], &expires) || f["token"].empty()) {
    return absl::DataLossError(absl::StrCat("corrupt reservation ", key));
  }
  return PendingReservation{
      .reservation = {.provider_id = f["provider"],
                      .zone_id = f["zone"],
                      .client_id = f["client"],
                      .token = f["token"],
                      .expires = absl::FromUnixMillis(expires)},
      .owner = f["owner"],
      .request_id = f["request"]};
}

}  // namespace

std::vector<std::string> RedisChoiceStore::ReservationKeys(
    const std::string& provider_id, const std::string& zone_id,
    const std::string& client_id) const {
  return {SlotsKey(provider_id, zone_id), SlotMinutesKey(provider_id, zone_id),
          PendingKey(provider_id, zone_id, client_id), PendingIndexKey()};
}

absl::StatusOr<Reservation> RedisChoiceStore::Reserve(
    const std::string& provider_id, const std::string& zone_id,
    const std::string& client_id, absl::CivilDay from, SlotLimits limits,
    int64_t minutes, const ReservationTag& tag) {
  Reservation out{.provider_id = provider_id,
                  .zone_id = zone_id,
                  .client_id = client_id,
                  .token = NewUuid(),
                  .expires = tag.expires};
  absl::StatusOr<RedisReply> r = redis_->EvalSource(
      kReserveScript, ReservationKeys(provider_id, zone_id, client_id),
      {client_id, std::to_string(DayNumber(from)),
       std::to_string(limits.max_clients), std::to_string(kOpenEnded),
       std::to_string(limits.max_minutes), std::to_string(minutes), tag.owner,
       tag.request_id, Millis(tag.expires), out.token, provider_id, zone_id});
  if (!r.ok()) return r.status();
  if (r->elements.empty()) {
    return absl::InternalError("unexpected reply from the capacity script");
  }
  if (r->elements[0].integer == 1) return out;
  if (r->elements.size() != 3) {
    return absl::InternalError("unexpected reply from the capacity script");
  }
  if (r->elements[1].str == "minutes") {
    int64_t held = 0;
    (void)absl::SimpleAtoi(r->elements[2].str, &held);
    return absl::FailedPreconditionError(absl::StrCat(
        "hours cap: provider '", provider_id, "' has reached its cap of ",
        HoursText(limits.max_minutes), " granted hours a month in zone ",
        zone_id, " (", HoursText(held), " h held from ", FormatDate(from),
        ", this client needs ", HoursText(minutes), " h)"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "capacity cap: provider '", provider_id, "' has reached its cap of ",
      limits.max_clients, " clients in zone ", zone_id, " (",
      r->elements[2].str, " hold a place from ", FormatDate(from), ")"));
}

absl::StatusOr<bool> RedisChoiceStore::Release(const Reservation& r) {
  absl::StatusOr<RedisReply> released = redis_->EvalSource(
      kReleaseScript, ReservationKeys(r.provider_id, r.zone_id, r.client_id),
      {r.token, Millis(r.expires)});
  if (!released.ok()) return released.status();
  return released->integer == 1;
}

absl::StatusOr<std::vector<PendingReservation>>
RedisChoiceStore::ExpiredReservations(absl::Time now) {
  absl::StatusOr<RedisReply> keys = redis_->Command(
      {"ZRANGEBYSCORE", PendingIndexKey(), "-inf", Millis(now)});
  if (!keys.ok()) return keys.status();
  std::vector<std::vector<std::string>> reads;
  for (const auto& k : keys->elements) reads.push_back({"HGETALL", k.str});
  std::vector<PendingReservation> out;
  if (reads.empty()) return out;
  absl::StatusOr<std::vector<RedisReply>> records = redis_->Pipeline(reads);
  if (!records.ok()) return records.status();
  for (size_t i = 0; i < records->size(); ++i) {
    // Settled between the two reads.
    if ((*records)[i].elements.empty()) continue;
    absl::StatusOr<PendingReservation> p =
        PendingOf(keys->elements[i].str, (*records)[i]);
    if (!p.ok()) return p.status();
    out.push_back(*std::move(p));
  }
  return out;
}

}  // namespace lov::choice
