--[[
  readEvents: the next events for one subscriber, oldest first, in one round trip:
    1. entries it was given before and never acknowledged (a failed run, or a run whose n8n
       process went away) that are visible again: not delivered or renewed for ARGV[2] ms;
       a failed run's entries are visible at once (nackEvents sets their delivery time to 0);
    2. replayed dead letters (pending ones by the same rule, then new ones);
    3. new events.
  Every entry returned counts as delivered now (its idle time restarts, and its delivery count,
  XPENDING's times-delivered, goes up by one), so a second reader that uses the same ARGV[2] does
  not get it again until that time has passed once more.

  Runs that never report back: a pending entry about to be delivered again has failed every time
  it was delivered (a nacked run and a run that never reported back both leave it pending), so its
  delivery count is its failed attempts. When that reaches ARGV[5] it is not delivered again but
  dead-lettered, like a failed batch, with an error saying how many runs never reported back.
  When the dead letters are at their cap (ARGV[6]) it stays pending and is not delivered ("held")
  until there is room.

  KEYS[1] stream      endpoint's event stream (consumer group = subscriber id)
  KEYS[2] replay      subscriber's replay stream (consumer group REPLAY_GROUP, created here when missing)
  KEYS[3] attempts    subscriber's hash of failed attempts (nacks), see nackEvents
  KEYS[4] deadLetters endpoint's dead-letter stream

  ARGV[1] subscriber id (= consumer group name on the stream)
  ARGV[2] reclaim after, ms (0 = every pending entry is visible)
  ARGV[3] most entries to return (>= 1)
  ARGV[4] most bytes to return (stored size: the sum of an entry's field values); at least one
          entry is returned whatever its size; 0 = no byte cap
  ARGV[5] max attempts: dead-letter pending entries delivered this many times; 0 = never here
  ARGV[6] most dead letters the endpoint may hold (0 = no cap)
  ARGV[7..] refs to leave out ('s:<id>' / 'r:<id>'): entries the caller has in flight already

  Returns {entries, deadLettered, held, bytesFull}:
    entries       {ref1, fields1, ref2, fields2, ...}, fields as XRANGE gives them
    deadLettered  refs dead-lettered by this call (runs that never reported back)
    held          refs at the attempt limit kept pending because the dead letters are full
    bytesFull     READ_BYTES_FULL when the byte cap ended the batch (more may be waiting), else
                  READ_COMPLETE
  Entries trimmed by age retention while pending are acknowledged and forgotten (nothing is left
  to deliver). Errors with NOGROUP when the subscriber's group is gone (the caller re-subscribes).
]]
local sub = ARGV[1]
local minIdle = tonumber(ARGV[2])
local count = tonumber(ARGV[3])
local maxBytes = tonumber(ARGV[4])
local maxAttempts = tonumber(ARGV[5])
local deadMax = tonumber(ARGV[6])

local skip = {}
local skipCount = 0
for i = 7, #ARGV do
  skip[ARGV[i]] = true
  skipCount = skipCount + 1
end

local out = {}
local dead = {}
local held = {}
local found = 0
local bytes = 0
local bytesFull = READ_COMPLETE

local function sizeOf(fields)
  local n = 0
  for j = 2, #fields, 2 do
    n = n + #fields[j]
  end
  return n
end

-- Whether the entry still fits the byte cap (the first one always does).
local function fits(fields)
  if maxBytes <= 0 or found == 0 then
    return true
  end
  if bytes + sizeOf(fields) > maxBytes then
    bytesFull = READ_BYTES_FULL
    return false
  end
  return true
end

local function add(ref, fields)
  table.insert(out, ref)
  table.insert(out, fields)
  found = found + 1
  if maxBytes > 0 then
    bytes = bytes + sizeOf(fields)
  end
end

local function done()
  return found >= count or bytesFull == READ_BYTES_FULL
end

-- Moves a pending entry that failed `deliveries` times to the dead letters (or holds it).
local function deadLetter(key, group, source, id, ref, fields, deliveries)
  if deadMax > 0 and redis.call('XLEN', KEYS[4]) >= deadMax then
    table.insert(held, ref)
    return
  end
  local nacks = tonumber(redis.call('HGET', KEYS[3], ref) or '0')
  local lost = deliveries - nacks
  local err = 'the execution never reported back (n8n stopped or crashed) ' .. lost .. (lost == 1 and ' time' or ' times')
  if nacks > 0 then
    err = err .. '; it also failed ' .. nacks .. (nacks == 1 and ' time' or ' times')
  end
  local eventId = id
  local args = {}
  for j = 1, #fields, 2 do
    if fields[j] == F_EVENT_ID then
      eventId = fields[j + 1]
    else
      table.insert(args, fields[j])
      table.insert(args, fields[j + 1])
    end
  end
  redis.call('XADD', KEYS[4], '*', F_EVENT_ID, eventId, F_SUBSCRIBER, sub, F_ATTEMPTS, tostring(deliveries), F_ERROR, err, unpack(args))
  redis.call('XACK', key, group, id)
  if source == REF_REPLAY then
    redis.call('XDEL', key, id)
  end
  redis.call('HDEL', KEYS[3], ref)
  table.insert(dead, ref)
end

-- Pending entries of `group` on `key` idle for at least minIdle, paged through the PEL.
local function pending(key, group, source)
  local start = '-'
  local page = count + skipCount
  while not done() do
    local rows = redis.call('XPENDING', key, group, 'IDLE', minIdle, start, '+', page)
    for _, row in ipairs(rows) do
      local id = row[1]
      local deliveries = row[4]
      local ref = source .. ':' .. id
      if not done() and not skip[ref] then
        local entry = redis.call('XRANGE', key, id, id)
        if #entry == 0 then
          redis.call('XACK', key, group, id)
          redis.call('HDEL', KEYS[3], ref)
        elseif maxAttempts > 0 and deliveries >= maxAttempts then
          deadLetter(key, group, source, id, ref, entry[1][2], deliveries)
        elseif fits(entry[1][2]) then
          redis.call('XCLAIM', key, group, CONSUMER, 0, id, 'RETRYCOUNT', deliveries + 1, 'JUSTID')
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

-- The group's last-delivered id (where '>' reads from).
local function lastDelivered(key, group)
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', key)) do
    local name, last
    for j = 1, #g, 2 do
      if g[j] == 'name' then name = g[j + 1]
      elseif g[j] == 'last-delivered-id' then last = g[j + 1] end
    end
    if name == group then
      return last
    end
  end
  return redis.error_reply('NOGROUP no consumer group ' .. group)
end

-- New entries of `group` on `key`; with a byte cap, only as many as fit (looked at first).
local function fresh(key, group, source)
  if done() then
    return
  end
  local want = count - found
  if maxBytes > 0 then
    local last = lastDelivered(key, group)
    if type(last) == 'table' then
      return last
    end
    local fit = 0
    local seen = bytes
    local start = '(' .. last
    while fit < want and bytesFull == READ_COMPLETE do
      local rows = redis.call('XRANGE', key, start, '+', 'COUNT', math.min(16, want - fit))
      for _, row in ipairs(rows) do
        if fit < want and bytesFull == READ_COMPLETE then
          local size = sizeOf(row[2])
          if found + fit > 0 and seen + size > maxBytes then
            bytesFull = READ_BYTES_FULL
          else
            seen = seen + size
            fit = fit + 1
          end
        end
        start = '(' .. row[1]
      end
      if #rows == 0 then
        break
      end
    end
    want = fit
    if want == 0 then
      return
    end
  end
  local result = redis.call('XREADGROUP', 'GROUP', group, CONSUMER, 'COUNT', want, 'STREAMS', key, '>')
  if result then
    for _, row in ipairs(result[1][2]) do
      table.insert(out, source .. ':' .. row[1])
      table.insert(out, row[2])
      found = found + 1
      if maxBytes > 0 then
        bytes = bytes + sizeOf(row[2])
      end
    end
  end
end

pending(KEYS[1], sub, REF_STREAM)

if redis.call('EXISTS', KEYS[2]) == 1 then
  local ok = redis.pcall('XGROUP', 'CREATE', KEYS[2], REPLAY_GROUP, '0')
  if type(ok) == 'table' and ok.err and not string.find(ok.err, 'BUSYGROUP', 1, true) then
    return redis.error_reply(ok.err)
  end
  pending(KEYS[2], REPLAY_GROUP, REF_REPLAY)
  local err = fresh(KEYS[2], REPLAY_GROUP, REF_REPLAY)
  if err then
    return err
  end
end

local err = fresh(KEYS[1], sub, REF_STREAM)
if err then
  return err
end
return {out, dead, held, bytesFull}
