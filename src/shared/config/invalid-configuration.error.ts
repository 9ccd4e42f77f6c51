/**
 * A setting breaks its rule: the process stops with this one line, which names the setting and the rule, never
 * the value. In a file of its own so the CLI can recognise it without loading the validation libraries.
 */
export class InvalidConfigurationError extends Error {}
