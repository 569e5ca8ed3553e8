--[[
  acceptEvent: decides and stores one incoming webhook in a single atomic step.

  Checks, in this order (docs/limits.md); nothing is written on a reject, so rejected requests
  and duplicates consume no quota, and a request refused by one limit consumes none of the others
  (every limit is evaluated first, then everything is written):
    duplicate -> endpoint rate -> account rate (GCRA) -> endpoint daily -> account daily (UTC day)
    -> buffer capacity -> store.
  The clock is Redis's (TIME), never the caller's.

  KEYS[1] stream    endpoint's event stream
  KEYS[2] dedupe    dedupe key of this request (any key of the same slot when ARGV[2] is '0')
  KEYS[3] limiter   account's GCRA state: theoretical arrival time, integer microseconds
  KEYS[4] usage     account's usage hash: d:<day> total, e:<day>:<endpointId> per endpoint
  KEYS[5] bytes     endpoint's stored-bytes counter (sum of the stream entries' field values)
  KEYS[6] eplimiter endpoint's own GCRA state, like KEYS[3] (any key of the slot when ARGV[11] is '0')

  ARGV[1]  endpoint id
  ARGV[2]  '1' to check and record the dedupe key, '0' not to
  ARGV[3]  dedupe window, milliseconds
  ARGV[4]  account rate, accepted requests per second (may be fractional); '0' = no rate/burst limit
  ARGV[5]  account burst, requests that may arrive at one instant (>= 1 when rate > 0)
  ARGV[6]  account daily limit, accepted requests per UTC day; '0' = none
  ARGV[7]  buffer capacity, max entries in the stream
  ARGV[8]  event head: method, path, query, ip and headers, encoded as src/redis/streamSchema.ts says
  ARGV[9]  raw body bytes
  ARGV[10] buffer capacity in bytes: most bytes the stream's entries may hold (stored size of an
           event = the byte length of its F_EVENT value, ARGV[8] .. ARGV[9]); the trim scripts
           subtract what they remove
  ARGV[11] endpoint rate, requests per second; '0' = none    ARGV[12] endpoint burst
  ARGV[13] endpoint daily limit, accepted requests per UTC day; '0' = none

  Stores one entry with one field, F_EVENT = ARGV[8] .. ARGV[9] (names and codes: the preamble the
  loader puts before this script, from streamSchema.ts and scriptCodes.ts).

  Returns an array; the first element is the outcome code (SCRIPT_CODES.accept):
    {ACCEPT_DUPLICATE, firstEventId}
    {ACCEPT_BUFFER_FULL, streamLength, storedBytes}
  and otherwise {code, x, secondsToUtcMidnight, L...} where L is the state of the four limits:
    burstRemaining, burstResetMs, dailyRemaining (account), then the same three of the endpoint;
    a remaining count is -1 when that limit is off, 0 for the limit that refused:
    {ACCEPT_ACCEPTED, eventId, ...}                          (remaining counts after this request)
    {ACCEPT_RATE_LIMITED, retryAfterMs, ...}                 account rate
    {ACCEPT_DAILY_LIMIT_EXCEEDED, retryAfterMs, ...}         account daily limit
    {ACCEPT_ENDPOINT_RATE_LIMITED, retryAfterMs, ...}        endpoint rate
    {ACCEPT_ENDPOINT_DAILY_LIMIT_EXCEEDED, retryAfterMs, ...} endpoint daily limit
  (Usage fields are kept 36 days: today and 35 before, for the usage history.)
]]
local time = redis.call('TIME')
local nowSec = tonumber(time[1])
local nowUs = nowSec * 1000000 + tonumber(time[2])
local day = math.floor(nowSec / 86400)
local toMidnight = (day + 1) * 86400 - nowSec

local useDedupe = ARGV[2] == '1'
if useDedupe then
  local first = redis.call('GET', KEYS[2])
  if first then
    return {ACCEPT_DUPLICATE, first}
  end
end

-- GCRA of one limiter key, read only: {allowed, newTat, remaining, resetMs, retryAfterMs}.
local function gcra(key, rate, burst)
  if rate <= 0 then
    return {true, nil, -1, 0, 0}
  end
  local interval = 1000000 / rate
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < nowUs then
    tat = nowUs
  end
  local newTat = tat + interval
  local allowance = burst * interval
  local usedUs = newTat - nowUs
  if usedUs > allowance then
    return {false, nil, 0, math.ceil((tat - nowUs) / 1000), math.ceil((usedUs - allowance) / 1000)}
  end
  return {true, newTat, math.floor((allowance - usedUs) / interval), math.ceil(usedUs / 1000), 0}
end

-- Daily limit of one usage field, read only: {allowed, remaining after this request}.
local function daily(field, limit)
  if limit <= 0 then
    return {true, -1}
  end
  local used = tonumber(redis.call('HGET', KEYS[4], field) or '0')
  if used >= limit then
    return {false, 0}
  end
  return {true, limit - used - 1}
end

local dayField = 'd:' .. day
local endpointDayField = 'e:' .. day .. ':' .. ARGV[1]
local rate = gcra(KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
local epRate = gcra(KEYS[6], tonumber(ARGV[11]), tonumber(ARGV[12]))
local accountDay = daily(dayField, tonumber(ARGV[6]))
local epDay = daily(endpointDayField, tonumber(ARGV[13]))

local function outcome(code, x)
  return {code, x, toMidnight, rate[3], rate[4], accountDay[2], epRate[3], epRate[4], epDay[2]}
end
if not epRate[1] then
  return outcome(ACCEPT_ENDPOINT_RATE_LIMITED, epRate[5])
end
if not rate[1] then
  return outcome(ACCEPT_RATE_LIMITED, rate[5])
end
if not epDay[1] then
  return outcome(ACCEPT_ENDPOINT_DAILY_LIMIT_EXCEEDED, toMidnight * 1000)
end
if not accountDay[1] then
  return outcome(ACCEPT_DAILY_LIMIT_EXCEEDED, toMidnight * 1000)
end

local length = redis.call('XLEN', KEYS[1])
local size = #ARGV[8] + #ARGV[9]
local stored = tonumber(redis.call('GET', KEYS[5]) or '0')
if length >= tonumber(ARGV[7]) or stored + size > tonumber(ARGV[10]) then
  return {ACCEPT_BUFFER_FULL, length, stored}
end

local id = redis.call('XADD', KEYS[1], '*', F_EVENT, ARGV[8] .. ARGV[9])
redis.call('INCRBY', KEYS[5], size)

-- Stored rounded up so that rounding can never admit more than the bound.
local function keepTat(key, newTat)
  if newTat then
    redis.call('SET', key, string.format('%.0f', math.ceil(newTat)), 'PX',
      math.ceil((newTat - nowUs) / 1000) + 1000)
  end
end
keepTat(KEYS[3], rate[2])
keepTat(KEYS[6], epRate[2])
redis.call('HINCRBY', KEYS[4], dayField, 1)
redis.call('HINCRBY', KEYS[4], endpointDayField, 1)
redis.call('HDEL', KEYS[4], 'd:' .. (day - 36), 'e:' .. (day - 36) .. ':' .. ARGV[1])
redis.call('PEXPIRE', KEYS[4], 37 * 86400000)
if useDedupe then
  redis.call('SET', KEYS[2], id, 'PX', tonumber(ARGV[3]))
end
return outcome(ACCEPT_ACCEPTED, id)
