import { getMetadataStorage, type ValidationError } from 'class-validator';

interface Rule {
  name: string;
  constraints: unknown[];
  message: unknown;
}

/** Rules on what a value is come before rules on its size: "abc" is not an integer before it is out of range. */
const KIND_RULES = ['isInt', 'isString', 'isIp', 'isIn', 'matches'];

/**
 * The sentence naming the rule a setting broke, built from the rule itself (its bounds, its choices) and never
 * from the value, which may be a secret: "PORT must be an integer", "PORT must be between 1 and 65535".
 */
export function describeBrokenRule(target: new () => object, error: ValidationError): string {
  const setting = error.property;
  const rules = rulesOf(target, setting);
  const broken = new Set(Object.keys(error.constraints ?? {}));
  const brokenRules = rules.filter((rule) => broken.has(rule.name));
  const rule =
    brokenRules.find((candidate) => KIND_RULES.includes(candidate.name)) ?? brokenRules[0];
  if (!rule) return `${setting} is invalid`;
  if (typeof rule.message === 'string') return rule.message;
  // A rule whose message is a function builds it from its own sentences, never from the value (FollowsRule).
  if (typeof rule.message === 'function') return error.constraints?.[rule.name] ?? `${setting} is invalid`;
  const bound = (name: string) => rules.find((candidate) => candidate.name === name)?.constraints[0];
  switch (rule.name) {
    case 'isInt':
      return `${setting} must be an integer`;
    case 'isString':
      return `${setting} must be text`;
    case 'isIp':
      return `${setting} must be an IP address`;
    case 'isIn':
      return `${setting} must be one of ${(rule.constraints[0] as unknown[]).join(', ')}`;
    case 'matches':
      return `${setting} must match ${String(rule.constraints[0])}`;
    case 'minLength':
      // "at least 1 characters" said nothing a person would: a setting that may not be empty says so.
      return rule.constraints[0] === 1 ? `${setting} must not be empty` : `${setting} must be at least ${String(rule.constraints[0])} characters`;
    case 'min':
    case 'max': {
      const [min, max] = [bound('min'), bound('max')];
      if (min !== undefined && max !== undefined) return `${setting} must be between ${String(min)} and ${String(max)}`;
      return rule.name === 'min' ? `${setting} must be at least ${String(min)}` : `${setting} must be at most ${String(max)}`;
    }
    default:
      return `${setting} is invalid (${rule.name})`;
  }
}

function rulesOf(target: new () => object, setting: string): Rule[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .filter((metadata) => metadata.propertyName === setting && metadata.name !== undefined)
    .map((metadata) => ({ name: metadata.name as string, constraints: metadata.constraints ?? [], message: metadata.message }));
}
