--[[
  readEvents: the next events for one subscriber, oldest first, in one round trip:
    1. entries it was given before and never acknowledged (a failed run, or a run whose n8n
       process went away) that are visible again: not delivered or renewed for ARGV[2] ms;
       a failed run's entries are visible at once (nackEvents sets their delivery time to 0);
    2. replayed dead letters (pending ones by the same rule, then new ones);
    3. new events.
  Every entry returned counts as delivered now (its idle time restarts), so a second reader
  that uses the same ARGV[2] does not get it again until that time has passed once more.

  KEYS[1] stream    endpoint's event stream (consumer group = subscriber id)
  KEYS[2] replay    subscriber's replay stream (consumer group 'g', created here when missing)
  KEYS[3] attempts  subscriber's hash of failed attempts

  ARGV[1] subscriber id (= consumer group name on the stream)
  ARGV[2] reclaim after, ms (0 = every pending entry is visible)
  ARGV[3] most entries to return (>= 1)
  ARGV[4..] refs to leave out ('s:<id>' / 'r:<id>'): entries the caller has in flight already

  Returns {ref1, fields1, ref2, fields2, ...}, fields as XRANGE gives them.
  Entries trimmed by age retention while pending are acknowledged and forgotten (nothing is left
  to deliver). Errors with NOGROUP when the subscriber's group is gone (the caller re-subscribes).
]]
local sub = ARGV[1]
local minIdle = tonumber(ARGV[2])
local count = tonumber(ARGV[3])
local CONSUMER = 'c'
local REPLAY_GROUP = 'g'

local skip = {}
local skipCount = 0
for i = 4, #ARGV do
  skip[ARGV[i]] = true
  skipCount = skipCount + 1
end

local out = {}
local found = 0
local function add(ref, fields)
  table.insert(out, ref)
  table.insert(out, fields)
  found = found + 1
end

-- Pending entries of `group` on `key` idle for at least minIdle, paged through the PEL.
local function pending(key, group, source)
  local start = '-'
  local page = count + skipCount
  while found < count do
    local rows = redis.call('XPENDING', key, group, 'IDLE', minIdle, start, '+', page)
    for _, row in ipairs(rows) do
      local id = row[1]
      local ref = source .. ':' .. id
      if found < count and not skip[ref] then
        local entry = redis.call('XRANGE', key, id, id)
        if #entry == 0 then
          redis.call('XACK', key, group, id)
          redis.call('HDEL', KEYS[3], ref)
        else
          redis.call('XCLAIM', key, group, CONSUMER, 0, id, 'JUSTID')
          add(ref, entry[1][2])
        end
      end
      start = '(' .. id
    end
    if #rows < page then
      break
    end
  end
end

-- New entries of `group` on `key`.
local function fresh(key, group, source)
  if found >= count then
    return
  end
  local result = redis.call('XREADGROUP', 'GROUP', group, CONSUMER, 'COUNT', count - found, 'STREAMS', key, '>')
  if result then
    for _, row in ipairs(result[1][2]) do
      add(source .. ':' .. row[1], row[2])
    end
  end
end

pending(KEYS[1], sub, 's')

if redis.call('EXISTS', KEYS[2]) == 1 then
  local ok = redis.pcall('XGROUP', 'CREATE', KEYS[2], REPLAY_GROUP, '0')
  if type(ok) == 'table' and ok.err and not string.find(ok.err, 'BUSYGROUP', 1, true) then
    return redis.error_reply(ok.err)
  end
  pending(KEYS[2], REPLAY_GROUP, 'r')
  fresh(KEYS[2], REPLAY_GROUP, 'r')
end

fresh(KEYS[1], sub, 's')
return out
