/**
 * The GCRA step of src/shared/rate-limit/gcra.ts, atomic in Redis and on Redis's clock (instances' clocks may
 * differ). KEYS[1]: the subject's state, "<level> <at ms> <interval ms it drains at>"; ARGV: the limit's requests
 * and emission interval in ms. The state drains at the faster of its interval and the limit's (gcra.ts, levelAt). Answers {admitted, stored state before this request ('' for none), now in ms}; the caller computes the
 * decision's numbers with gcra() from the same inputs, which gives the same verdict (same IEEE arithmetic, and
 * %.17g writes a double exactly). The state expires when it has drained: an expired state is the same as none.
 */
const LEVEL_NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local stored = redis.call('GET', KEYS[1])
local requests = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local level = 0
local rebased = nil
if stored then
  local spent, at, written = string.match(stored, '^(%S+) (%S+) (%S+)$')
  level = math.max(0, tonumber(spent) - math.max(0, now - tonumber(at)) / math.min(interval, tonumber(written)))
  if tonumber(at) > now then
    rebased = {level, now, math.min(interval, tonumber(written))}
  end
end
`;

// A refusal keeps the state, except one dated after now (Redis's clock stepped back): it would drain only once the
// clock is back at its date (a 3/1 s key refused for the hour of a one-hour step), so it is dated now instead.
const KEEP_REFUSED = `
if rebased then
  redis.call('SET', KEYS[1], string.format('%.17g %.17g %.17g', rebased[1], rebased[2], rebased[3]), 'PX', math.max(1, math.ceil(rebased[1] * rebased[3])))
end
`;

const SAVE_LEVEL = `
redis.call('SET', KEYS[1], string.format('%.17g %.17g %.17g', level, now, interval), 'PX', math.max(1, math.ceil(level * interval)))
`;

export const GCRA_SCRIPT = `${LEVEL_NOW}
if math.floor(requests - level + 1e-6) < 1 then
  ${KEEP_REFUSED}
  return {0, stored or '', now}
end
level = level + 1
${SAVE_LEVEL}
return {1, stored or '', now}
`;

/**
 * The same step for up to ARGV[3] requests at once: reserves as many as the shared state admits now (a lease the
 * instance then spends without a round trip) and answers {granted, stored state before, now in ms}; 0 granted is a
 * refusal, with the same meaning as GCRA_SCRIPT's.
 */
export const GCRA_RESERVE_SCRIPT = `${LEVEL_NOW}
local granted = math.min(tonumber(ARGV[3]), math.floor(requests - level + 1e-6))
if granted < 1 then
  ${KEEP_REFUSED}
  return {0, stored or '', now}
end
level = level + granted
${SAVE_LEVEL}
return {granted, stored or '', now}
`;

/**
 * Gives back ARGV[3] requests reserved and never spent (a lease of a limit that has changed since): they would
 * otherwise count against the new limit. Answers the level left.
 */
export const GCRA_RELEASE_SCRIPT = `${LEVEL_NOW}
if not stored then
  return 0
end
level = math.max(0, level - tonumber(ARGV[3]))
${SAVE_LEVEL}
return math.ceil(level)
`;

/**
 * Raises the state to at least ARGV[3] requests spent, draining at ARGV[2] ms (ARGV[1] unused): what this instance
 * itself admitted and has not drained, after Redis lost its states (a restart without persistence). Never more than
 * the true count: the shared level of a subject is never below one instance's own share of it. Answers 1 if raised.
 */
export const GCRA_SEED_SCRIPT = `${LEVEL_NOW}
local seed = tonumber(ARGV[3])
if seed <= level then
  return 0
end
level = seed
${SAVE_LEVEL}
return 1
`;
