#include "lov/visits/adapters/redis_script_batch.h"

namespace lov::visits::redis_batch {

std::string ForEachItem(const char* item_script) {
  return absl::StrCat(R"lua(
local deferred, order = {}, {}
local function later(op, key, field, value)
  local d = deferred[op .. ' ' .. key]
  if not d then
    d = {op = op, key = key, v = {}, f = {}}
    deferred[op .. ' ' .. key] = d
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
local out, i = {}, 1
while i <= #ARGV do
  local nk, na = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local k, a = {}, {}
  for j = 1, nk do k[j] = ARGV[i + 1 + j] end
  for j = 1, na do a[j] = ARGV[i + 1 + nk + j] end
  out[#out + 1] = item(k, a)
  i = i + 2 + nk + na
end
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

}  // namespace lov::visits::redis_batch
