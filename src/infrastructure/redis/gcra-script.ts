/**
 * The GCRA step of src/shared/rate-limit/gcra.ts, atomic in Redis and on Redis's clock (instances' clocks may
 * differ). KEYS[1]: the subject's theoretical arrival time; ARGV: emission interval and window in ms.
 * Answers {admitted, stored TAT before this request ('' for none), now in ms}; the caller computes the
 * decision's numbers with gcra() from the same inputs, which gives the same verdict (same IEEE arithmetic).
 * The TAT expires when it passes: an expired state is the same as none.
 */
export const GCRA_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local stored = redis.call('GET', KEYS[1])
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local start = now
if stored then start = math.max(tonumber(stored), now) end
local nxt = start + interval
if nxt - now > window then
  return {0, stored or '', now}
end
redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now))
return {1, stored or '', now}
`;

/**
 * The same step for up to ARGV[3] requests at once: reserves as many as the shared state admits now (a lease the
 * instance then spends without a round trip) and answers {granted, stored TAT before, now in ms}; 0 granted is a
 * refusal, with the same meaning as GCRA_SCRIPT's.
 */
export const GCRA_RESERVE_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local stored = redis.call('GET', KEYS[1])
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local start = now
if stored then start = math.max(tonumber(stored), now) end
local granted = math.min(wanted, math.floor((window - (start - now)) / interval + 1e-9))
if granted < 1 then
  return {0, stored or '', now}
end
local nxt = start + granted * interval
redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now))
return {granted, stored or '', now}
`;
