import { Command, CommanderError, Option } from 'commander';
import { ANOMALY_RULES } from '../anomalies/domain/anomaly.js';
import { API_KEY_EVENT_TYPES } from '../keys/domain/api-key-events.js';
import type { Environment } from '../shared/config/environment.js';
import {
  accountId, alertId, archiveAgeDays, archiveBefore, asOfInstant, closeWhenIdleSeconds, eventId, expiresIn, graceSeconds, instant, keyId, keyPrefix, keyStatus, list, namePrefix, pageLimit, rateLimit, revision,
} from './arguments.js';
import { CLI_NAME } from './cli-name.js';
import { withOutputOptions } from './output.js';

export { CLI_NAME };

const IF_MATCH_HELP = 'only if the key is still at this revision (the ETag GET /v1/api-keys/{id} answers), else exit 1 and change nothing';

const FOOTER = `
Output: a table on a terminal, JSON when stdout is a pipe or a file; --json or --table forces one.
replay, backup, restore and archive-usage print a sentence, pipe or not, and JSON with --json.
Exit codes: 0 ok, 1 failure, 2 usage error, 3 no such key, 75 try again later (a store did not answer).
Settings come from the same environment variables as the service (DATA_DIR, EVENTSTORE_URL, MONGODB_URL, ...).
From a checkout: npm run cli -- <command> [options].`;

/**
 * Validates the environment, then runs the command's module, loaded only now: `--help` and usage errors
 * answer without loading Nest or opening a store. Every command but create-key needs an event log already there.
 */
async function run<A extends unknown[]>(load: () => Promise<(...args: [...A, Environment]) => Promise<void>>, ...args: A): Promise<void> {
  await execute('needed', load, args);
}

/** create-key: the documented bootstrap, which may make the store in a new DATA_DIR. */
async function runStartingStore<A extends unknown[]>(load: () => Promise<(...args: [...A, Environment]) => Promise<void>>, ...args: A): Promise<void> {
  await execute('started', load, args);
}

/** restore: puts a log in place, over a missing, empty or damaged one as well. */
async function runReplacingLog<A extends unknown[]>(load: () => Promise<(...args: [...A, Environment]) => Promise<void>>, ...args: A): Promise<void> {
  await execute('replaced', load, args);
}

async function execute<A extends unknown[]>(
  eventLog: 'needed' | 'started' | 'replaced',
  load: () => Promise<(...args: [...A, Environment]) => Promise<void>>,
  args: A,
): Promise<void> {
  const { loadConfiguration, configurationWarnings } = await import('../app/load-configuration.js');
  const environment = loadConfiguration(process.env);
  for (const warning of configurationWarnings(process.env)) process.stderr.write(`warning: ${warning}\n`);
  const existing = await import('./existing-event-log.js');
  if (eventLog === 'needed') existing.requireExistingEventLog(environment);
  const started = eventLog === 'started' ? existing.missingEventLog(environment) : null;
  const command = await load();
  await command(...args, environment);
  if (started !== null) process.stderr.write(`${existing.startedStoreWarning(environment, started)}\n`);
}

/**
 * A --no-<x> flag that is a switch of its own (attribute noX), not commander's negation of --<x>: a negation shares
 * --<x>'s value, so given both, the last one would win instead of their conflict being refused.
 */
function switchOfItsOwn(flags: `--no-${string}`, description: string): Option {
  const option = new Option(flags, description);
  option.negate = false;
  return option;
}

/** The operator CLI: every command, its options and its help. Parsing errors throw (exitOverride); src/cli.ts reports them. */
export function buildProgram(): Command {
  const program = new Command(CLI_NAME)
    .description('Operator CLI of ParseSphere Keys: works on the configured stores directly, with or without the service running.')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(false)
    .addHelpText('after', FOOTER);

  withOutputOptions(
    program
      .command('create-key')
      .description('Create a key in an account; prints it as POST /v1/api-keys does, the full key included (shown only this once).')
      .requiredOption('--account <account-id>', 'the account the key acts in', accountId)
      .option('--name <name>', 'a name for people, 1-100 characters')
      .option('--rate-limit <requests/seconds>', 'its rate limit, e.g. 100/60 (default: RATE_LIMIT_REQUESTS/RATE_LIMIT_PER_SECONDS)', rateLimit)
      .option('--permissions <list>', 'comma-separated, e.g. keys:read,parses:* (default: *)', list)
      .option('--allowed-ips <list>', 'comma-separated addresses and CIDR blocks it may be used from (default: anywhere)', list)
      .addOption(
        new Option('--expires-at <instant>', 'when it stops working (RFC 3339, e.g. 2026-01-31T12:00:00Z), at most MAX_KEY_LIFETIME_SECONDS from now when that is set').argParser(instant).conflicts('expiresIn'),
      )
      .option(
        '--expires-in <seconds>',
        'stops working this many seconds from now, 1-3153600000 and at most MAX_KEY_LIFETIME_SECONDS when that is set (default: no expiry, or MAX_KEY_LIFETIME_SECONDS)',
        expiresIn,
      ),
  ).action((options) => runStartingStore(async () => (await import('./create-key.command.js')).createKey, options));

  withOutputOptions(
    program
      .command('update')
      .description('Change a key, as PATCH /v1/api-keys/{id} does; options not given do not change.')
      .argument('<key-id>', 'the key', keyId)
      .option('--account <account-id>', 'act in this account only: a key of another account is not found', accountId)
      .addOption(new Option('--name <name>', 'a new name').conflicts('noName'))
      .addOption(switchOfItsOwn('--no-name', 'remove the name'))
      .option('--rate-limit <requests/seconds>', 'a new rate limit, e.g. 100/60', rateLimit)
      .option('--permissions <list>', 'new permissions, comma-separated', list)
      .option('--allowed-ips <list>', 'new addresses and CIDR blocks, comma-separated; "" for anywhere', list)
      .addOption(new Option('--expires-at <instant>', 'a new expiry (RFC 3339, e.g. 2026-01-31T12:00:00Z), at most MAX_KEY_LIFETIME_SECONDS from the key\'s creation when that is set').argParser(instant).conflicts('expiry'))
      .option('--no-expiry', 'remove the expiry (refused when MAX_KEY_LIFETIME_SECONDS is set)')
      .option('--if-match <revision>', IF_MATCH_HELP, revision),
  ).action((id, options) => run(async () => (await import('./update.command.js')).update, id, options));

  for (const [name, description] of [
    ['disable', 'Disable a key (reversible, unlike revoke): it is refused like a revoked key until enabled.'],
    ['enable', 'Enable a disabled key.'],
  ] as const) {
    withOutputOptions(
      program
        .command(name)
        .description(description)
        .argument('<key-id>', 'the key', keyId)
        .option('--account <account-id>', 'act in this account only: a key of another account is not found', accountId)
        .option('--if-match <revision>', IF_MATCH_HELP, revision),
    ).action((id, options) => run(async () => (await import('./set-enabled.command.js'))[name], id, options));
  }

  withOutputOptions(
    program
      .command('roll')
      .description('Roll a key: a successor with the same settings (its key printed only this once); the old key works for the grace period.')
      .argument('<key-id>', 'the key', keyId)
      .requiredOption('--grace <seconds>', 'how long the old key keeps working, 0-604800', graceSeconds)
      .option('--close-when-idle <seconds>', 'retire the old key once unused this long after the roll, 1-604800', closeWhenIdleSeconds)
      .option('--account <account-id>', 'act in this account only: a key of another account is not found', accountId)
      .option('--if-match <revision>', IF_MATCH_HELP, revision),
  ).action((id, options) => run(async () => (await import('./roll.command.js')).roll, id, options));

  withOutputOptions(
    program
      .command('list')
      .description("List an account's keys, newest first as created in the log, redacted (prefix only), as GET /v1/api-keys does.")
      .requiredOption('--account <account-id>', 'the account whose keys to list', accountId)
      .option('--limit <n>', 'keys per page, 1-100', pageLimit, 20)
      .option('--starting-after <key-id>', 'the last key of the previous page', keyId)
      .option('--name-prefix <text>', 'only keys whose name starts with this text, in any case', namePrefix)
      .option('--prefix <sk_...>', 'only the key with this display prefix (sk_ and 9 more characters, as listed or logged); never a whole key', keyPrefix)
      .option('--status <status>', 'only keys in this status now: active, disabled, expired or revoked', keyStatus)
      .option('--all', 'follow every page'),
  ).action((options) => run(async () => (await import('./list.command.js')).list, options));

  withOutputOptions(
    program
      .command('show')
      .description('Show one key with its usage, replayed from the event log (current whether or not the service runs).')
      .argument('<key-id>', 'the key', keyId)
      .option('--account <account-id>', 'act in this account only: a key of another account is not found', accountId)
      .option('--as-of <instant>', 'the key as it was then (RFC 3339, e.g. 2026-01-31T12:00:00Z)', asOfInstant),
  ).action((id, options) => run(async () => (await import('./show.command.js')).show, id, options));

  withOutputOptions(
    program
      .command('revoke')
      .description('Revoke a key for good; running services refuse it once they read the log (within POLL_INTERVAL_MS). Revoking a revoked key changes nothing.')
      .argument('<key-id>', 'the key', keyId)
      .option('--account <account-id>', 'act in this account only: a key of another account is not found', accountId)
      .option('--if-match <revision>', IF_MATCH_HELP, revision),
  ).action((id, options) => run(async () => (await import('./revoke.command.js')).revoke, id, options));

  withOutputOptions(
    program
      .command('history')
      .description("A key's whole trail from the event log: its lifecycle events and every use (JSON: one event per line).")
      .argument('<key-id>', 'the key', keyId)
      .option('--account <account-id>', 'act in this account only: a key of another account is not found', accountId)
      .addOption(
        new Option('--order <order>', 'occurred: by when each event happened; log: by log position').choices(['occurred', 'log']).default('occurred'),
      )
      .addOption(
        new Option('--direction <direction>', 'oldest_first: from the creation; newest_first: from the last event back')
          .choices(['oldest_first', 'newest_first'])
          .default('oldest_first'),
      ),
  ).action((id, options) => run(async () => (await import('./history.command.js')).history, id, options));

  withOutputOptions(
    program
      .command('events')
      .description("An account's audit log: every change to its keys and who made it, newest first, never a use, as GET /v1/events does.")
      .requiredOption('--account <account-id>', 'the account whose events to list', accountId)
      .option('--limit <n>', 'events per page, 1-100', pageLimit, 20)
      .option('--starting-after <event-id>', 'the last event of the previous page', eventId)
      .addOption(new Option('--type <type>', 'only events of this kind').choices(API_KEY_EVENT_TYPES as readonly string[]))
      .option('--key-id <key-id>', 'only events of this key', keyId)
      .option('--actor-key-id <key-id>', 'only changes this key made', keyId)
      .option('--created-gte <instant>', 'only events that happened at or after this instant (RFC 3339)', asOfInstant)
      .option('--created-lt <instant>', 'only events that happened before this instant (RFC 3339)', asOfInstant)
      .option('--all', 'follow every page'),
  ).action((options) => run(async () => (await import('./events.command.js')).events, options));

  withOutputOptions(
    program
      .command('alerts')
      .description('Every alert in the log, oldest first, including those of no account, but those archive-usage archived (JSON: one per line, as the webhook sends them).')
      .addOption(new Option('--rule <rule>', 'only this rule').choices(ANOMALY_RULES as readonly string[]))
      .addOption(new Option('--account <account-id>', 'only this account').argParser(accountId).conflicts('unowned'))
      .option('--unowned', 'only the alerts of no account'),
  ).action((options) => run(async () => (await import('./alerts.command.js')).alerts, options));

  program
    .command('webhook-send')
    .description(
      'Send one alert of the log again to ALERT_WEBHOOK_URL, signed with ALERT_WEBHOOK_SECRET as the service sends it (the same id and body: ' +
        'a receiver that has it dedupes), or with --test an event of type webhook.test; one attempt, the service\'s delivery untouched. ' +
        'Prints the receiver\'s answer; exit 1 unless it is 2xx.',
    )
    .argument('[alert-id]', 'the alert to send again (its id: the webhook\'s id, or the last column of alerts --table)', alertId)
    .option('--test', 'send a test event instead of an alert')
    .action((id: string | undefined, options: { test?: boolean }) => {
      // Usage errors (exit 2), told before any setting is read: exit 1 is the receiver's refusal, which a script may retry.
      if (options.test === true && id !== undefined) throw new CommanderError(1, 'commander.conflictingOption', 'error: give an alert id or --test, not both');
      if (options.test !== true && id === undefined) throw new CommanderError(1, 'commander.missingArgument', 'error: give the id of the alert to send again, or --test');
      return run(async () => (await import('./webhook-send.command.js')).webhookSend, id, options);
    });

  program
    .command('replay')
    .description(
      'Rebuild every read model from the log into a new generation beside the live one, and make it live when done. ' +
        'Safe while services run (each moves to the new generation within GENERATION_CHECK_INTERVAL_MS, without a restart); ' +
        'an interrupted replay is resumed by the next one.',
    )
    .option('--json', 'print the summary as JSON')
    .action((options) => run(async () => (await import('./replay.command.js')).replay, options));

  program
    .command('backup')
    .description(
      'Copy the embedded event log (DATA_DIR/events.sqlite) as it is now into a new file (mode 0600), while services run, ' +
        'and the webhook position (deliveries.sqlite), if any, into <file>.deliveries.sqlite; each appears only once complete, ' +
        'checked as restore checks a backup (refused, no copy, when the log itself is damaged); then their SHA-256 into <file>.sha256 (sha256sum -c reads it). ' +
        'Restore: stop every service and CLI, run restore <file>, start.',
    )
    .argument('<file>', 'the copy to write; must not exist')
    .option('--json', 'print the summary as JSON')
    .action((file, options) => run(async () => (await import('./backup.command.js')).backup, file, options));

  program
    .command('restore')
    .description(
      'Put a backup (written by backup) in place as DATA_DIR/events.sqlite. Refused while any service or CLI command has the log ' +
        'open. The backup is checked whole first, and against <file>.sha256 when present (refused if it differs); the log it replaces is kept as events.sqlite.replaced-<time> (with what its WAL ' +
        'held); the read models are removed (rebuilt from the log at the next start); <file>.deliveries.sqlite, when beside the ' +
        'backup, becomes the webhook position (else deliveries.sqlite is kept, unless it is another log\'s). A backup of ' +
        'another log (another first key) is refused unless --another-log.',
    )
    .argument('<file>', 'the backup to restore')
    .option('--another-log', 'replace the log by a backup of another log (every key of the log in place goes; it is kept aside)')
    .option('--json', 'print the summary as JSON')
    .action((file, options) => runReplacingLog(async () => (await import('./restore.command.js')).restore, file, options));

  program
    .command('archive-usage')
    .description(
      'Move the key usage (KeyUsed), failed authentications and alerts (AnomalyDetected: their evidence names addresses) logged before an instant out of the event log into one ' +
        'gzip-compressed JSON-lines file in --dir (mode 0600, named only once complete), each key keeping its usage totals ' +
        'in the log (a UsageArchived event in its usage stream, with the file name and SHA-256) and each alert an AlertArchived ' +
        '(no longer listed). Key lifecycle events are ' +
        'never archived. Safe while services run; run it from cron for a retention period (docs/operations.md, "Usage retention").',
    )
    .addOption(new Option('--before <instant>', 'archive what was logged before this instant (at least 8 days ago)').argParser(archiveBefore).conflicts('olderThan'))
    .addOption(new Option('--older-than <days>', 'archive what was logged more than this many days ago (8-36500)').argParser(archiveAgeDays))
    .requiredOption('--dir <directory>', 'where the archive file is written (an existing directory)')
    .option('--dry-run', 'count what would be archived; write and remove nothing')
    .option('--json', 'print the summary as JSON')
    .action((options) => {
      if (options.before === undefined && options.olderThan === undefined) {
        throw new CommanderError(2, 'archive-usage.when', 'error: say what to archive: --before <instant> or --older-than <days>');
      }
      return run(async () => (await import('./archive-usage.command.js')).archiveUsageCommand, options);
    });

  return program;
}
