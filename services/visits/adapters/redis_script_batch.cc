#include "lov/visits/adapters/redis_script_batch.h"

namespace lov::visits::redis_batch {

std::string ForEachItem(const char* item_script) {
  return absl::StrCat(R"lua(
-- deferred[op][key]: looked up by the strings the item has, so deferring
-- makes no new Lua string (a joined "op key" cost two per call).
local deferred, order = {}, {}
local function later(op, key, field, value)
  local of_op = deferred[op]
  if not of_op then
    of_op = {}
    deferred[op] = of_op
  end
  local d = of_op[key]
  if not d then
    d = {op = op, key = key, v = {}, f = {}}
    of_op[key] = d
    order[#order + 1] = d
  end
  local had = d.v[field]
  if had == nil then d.f[#d.f + 1] = field end
  if op == 'HINCRBY' then
    d.v[field] = (had or 0) + tonumber(value)
  elseif op == 'HMAX' then
    if had == nil or tonumber(value) > had then d.v[field] = tonumber(value) end
  else
    d.v[field] = true
  end
end
local function item(KEYS, ARGV)
)lua",
                      item_script, R"lua(
end
-- ARGV[i]: item i packed (PackItem). struct.unpack returns the strings and,
-- last, the position after them, which is dropped. Every item is unpacked
-- before the first runs, so a malformed one fails the call before any write.
local formats = {}
local function format(n)
  local f = formats[n]
  if not f then
    f = '>' .. string.rep('I4c0', n)
    formats[n] = f
  end
  return f
end
local ks, as = {}, {}
for i = 1, #ARGV do
  local packed = ARGV[i]
  local nk, na = struct.unpack('>I2I2', packed)
  local k = {struct.unpack(format(nk), packed, 5)}
  local at = k[nk + 1]
  k[nk + 1] = nil
  local a = {struct.unpack(format(na), packed, at)}
  if a[na + 1] ~= #packed + 1 then error('batched item ' .. i .. ' has bytes left over') end
  a[na + 1] = nil
  ks[i], as[i] = k, a
end
local out = {}
for i = 1, #ARGV do out[i] = item(ks[i], as[i]) end
for _, d in ipairs(order) do
  if d.op == 'HINCRBY' and #d.f >= 3 and #d.f <= 500 then
    -- one read and one write of the key instead of a command per field
    local had, set = redis.call('HMGET', d.key, unpack(d.f)), {}
    for j, f in ipairs(d.f) do
      set[#set + 1] = f
      set[#set + 1] = string.format('%d', tonumber(had[j] or '0') + d.v[f])
    end
    redis.call('HSET', d.key, unpack(set))
  elseif d.op == 'HINCRBY' then
    for _, f in ipairs(d.f) do
      redis.call('HINCRBY', d.key, f, string.format('%d', d.v[f]))
    end
  elseif d.op == 'HMAX' then
    for _, f in ipairs(d.f) do
      local cur = tonumber(redis.call('HGET', d.key, f) or '0')
      if d.v[f] > cur then redis.call('HSET', d.key, f, string.format('%d', d.v[f])) end
    end
  else
    -- in slices: unpack has a limit on its results
    for s = 1, #d.f, 500 do
      redis.call(d.op, d.key, unpack(d.f, s, math.min(s + 499, #d.f)))
    end
  end
end
return out
)lua");
}

namespace {

void AppendBigEndian(uint64_t value, int bytes, std::string* out) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

}  // namespace

absl::StatusOr<std::string> PackItem(const ScriptCall& call) {
  // Within what one struct.unpack may return (Lua's C stack, 8,000 values).
  constexpr size_t kMaxCount = 4000;
  constexpr size_t kMaxLength = 0xffffffff;
  if (call.keys.size() > kMaxCount || call.args.size() > kMaxCount) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a batched script item has ", call.keys.size(), " keys and ",
        call.args.size(), " arguments; at most ", kMaxCount, " of each"));
  }
  size_t size = 4;
  for (const auto* strings : {&call.keys, &call.args}) {
    for (const std::string& s : *strings) {
      if (s.size() > kMaxLength) {
        return absl::InvalidArgumentError(absl::StrCat(
            "a batched script argument of ", s.size(), " bytes is too long"));
      }
      size += 4 + s.size();
    }
  }
  std::string packed;
  packed.reserve(size);
  AppendBigEndian(call.keys.size(), 2, &packed);
  AppendBigEndian(call.args.size(), 2, &packed);
  for (const auto* strings : {&call.keys, &call.args}) {
    for (const std::string& s : *strings) {
      AppendBigEndian(s.size(), 4, &packed);
      packed.append(s);
    }
  }
  return packed;
}

absl::StatusOr<std::vector<RedisReply>> EvalEach(
    RedisClient* redis, const std::string& batched_source,
    const std::vector<ScriptCall>& calls) {
  std::vector<std::string> packed;
  packed.reserve(calls.size());
  for (const ScriptCall& c : calls) {
    absl::StatusOr<std::string> item = PackItem(c);
    if (!item.ok()) return item.status();
    packed.push_back(std::move(*item));
  }
  absl::StatusOr<RedisReply> reply =
      redis->EvalSource(batched_source, {}, packed);
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != calls.size()) {
    return absl::InternalError("unexpected reply of a batched script");
  }
  return std::move(reply->elements);
}

}  // namespace lov::visits::redis_batch
