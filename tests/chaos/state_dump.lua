-- The chaos suite's view of one service's Redis state (tests/chaos/rebuild.sh):
--   EVAL <this> 0 dump PREFIX    -> one line per key under PREFIX:
--                                   "<key> <type> <sha1 of its content>"
--   EVAL <this> 0 wipe PREFIX    -> deletes every key under PREFIX; their count
--   EVAL <this> 0 save PREFIX    -> copies every key under PREFIX to
--                                   "chaos-before:<key>"; their count
--   EVAL <this> 0 show KEY       -> the normalised content of KEY
-- The content is normalised so that two states holding the same data give
-- the same line whatever order they were written in: a hash's fields and a
-- set's members sorted, a sorted set in score order, a list as it is. Time
-- to live is left out (a dedupe key written by a rebuild lives longer).
local mode, prefix = ARGV[1], ARGV[2]

local function keys_under(p)
  local out, cursor = {}, '0'
  repeat
    local page = redis.call('SCAN', cursor, 'MATCH', p .. '*', 'COUNT', 1000)
    cursor = page[1]
    for _, k in ipairs(page[2]) do out[#out + 1] = k end
  until cursor == '0'
  table.sort(out)
  return out
end

local function sorted_pairs(flat)
  local pairs_ = {}
  for i = 1, #flat, 2 do pairs_[#pairs_ + 1] = flat[i] .. '\0' .. flat[i + 1] end
  table.sort(pairs_)
  return table.concat(pairs_, '\1')
end

local function content(key, kind)
  if kind == 'string' then return redis.call('GET', key) end
  if kind == 'hash' then return sorted_pairs(redis.call('HGETALL', key)) end
  if kind == 'set' then
    local m = redis.call('SMEMBERS', key)
    table.sort(m)
    return table.concat(m, '\1')
  end
  if kind == 'zset' then
    return table.concat(redis.call('ZRANGE', key, 0, -1, 'WITHSCORES'), '\1')
  end
  if kind == 'list' then return table.concat(redis.call('LRANGE', key, 0, -1), '\1') end
  return ''
end

if mode == 'show' then
  return content(prefix, redis.call('TYPE', prefix)['ok'])
end
local keys = keys_under(prefix)
if mode == 'save' then
  for _, k in ipairs(keys) do redis.call('COPY', k, 'chaos-before:' .. k, 'REPLACE') end
  return #keys
end
if mode == 'wipe' then
  for _, k in ipairs(keys) do redis.call('UNLINK', k) end
  return #keys
end
local lines = {}
for _, k in ipairs(keys) do
  local kind = redis.call('TYPE', k)['ok']
  lines[#lines + 1] = k .. ' ' .. kind .. ' ' .. redis.sha1hex(content(k, kind))
end
return lines
