import { CommanderError } from 'commander';
import { ApplicationError, PreconditionFailed, type ApplicationErrorKind } from '../shared/application/errors.js';
import { InvalidConfigurationError } from '../shared/config/invalid-configuration.error.js';
import { DomainError } from '../shared/domain/domain-error.js';
import { redactSecrets } from '../shared/domain/secret-redaction.js';
import { EXIT } from './exit-codes.js';
import { inCliWords } from './option-wording.js';
import { errorMessage } from '../shared/runtime/error-message.js';
import { isTemporaryFailure } from '../shared/storage/temporary-failure.js';

/** Why the CLI stops, on one line of stderr, and the exit code that says what kind of failure it was. */
export function reportFailure(error: unknown, program: string): number {
  const [kind, line] = classify(error, program);
  // "Retry later" rather than "refused": known by the error's type (isTemporaryFailure), never by its message.
  const code = kind === EXIT.failure && isTemporaryFailure(error) ? EXIT.temporary : kind;
  // Messages may echo an argument (an unknown option or command): keys in them are redacted like anywhere else.
  if (line) process.stderr.write(`${redactSecrets(line).replace(/\s*\n\s*/g, ' ')}\n`);
  return code;
}

/** The application refusals that have an exit code of their own; every other one is a failure. */
const APPLICATION_EXITS: Partial<Record<ApplicationErrorKind, number>> = {
  invalid_request: EXIT.usage,
  // A --starting-after naming no key of the account: the API's 404.
  unknown_reference: EXIT.notFound,
};

function classify(error: unknown, program: string): [number, string | null] {
  if (error instanceof CommanderError) {
    // Help and version were printed already: a success.
    if (error.exitCode === 0) return [EXIT.ok, null];
    return [EXIT.usage, `${error.message} (see ${program} --help)`];
  }
  // Same line as the service prints for it, without "error:".
  if (error instanceof InvalidConfigurationError) return [EXIT.failure, error.message];
  // The key's rules name API fields: the operator reads the option that gave the value (option-wording.ts).
  if (error instanceof DomainError) return [error.kind === 'not_found' ? EXIT.notFound : EXIT.failure, `error: ${inCliWords(error.message)}`];
  // A stale --if-match: the revision to retry from, which the API gives as its ETag header.
  if (error instanceof PreconditionFailed && error.currentEntityTag !== undefined) {
    return [EXIT.failure, `error: ${inCliWords(error.message)} Its revision now: ${error.currentEntityTag.replaceAll('"', '')}.`];
  }
  if (error instanceof ApplicationError) return [APPLICATION_EXITS[error.kind] ?? EXIT.failure, `error: ${inCliWords(error.message)}`];
  return [EXIT.failure, `error: ${errorMessage(error)}`];
}
