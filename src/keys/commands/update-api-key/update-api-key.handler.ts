import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Environment } from '../../../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { decideOnKey } from '../decide-on-key.js';
import type { KeyChanged } from '../key-change.js';
import { UpdateApiKeyCommand } from './update-api-key.command.js';
import type { KeyChanges } from '../../domain/api-key-events.js';

/** The `key updated` line names the fields changed as the API (PATCH's body) names them, not as the event does. */
const API_FIELD_NAMES: Record<keyof KeyChanges, string> = {
  name: 'name',
  rateLimit: 'rate_limit',
  permissions: 'permissions',
  allowedIps: 'allowed_ips',
  expiresAt: 'expires_at',
};

@CommandHandler(UpdateApiKeyCommand)
export class UpdateApiKeyHandler implements ICommandHandler<UpdateApiKeyCommand, KeyChanged> {
  private readonly logger = new Logger('Keys');
  private readonly maxLifetimeSeconds: number | null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(Environment) config: Environment,
  ) {
    this.maxLifetimeSeconds = config.MAX_KEY_LIFETIME_SECONDS ?? null;
  }

  async execute({ request, changes }: UpdateApiKeyCommand): Promise<KeyChanged> {
    const { keyId, accountId, actor, requestId, ifMatch } = request;
    const decision = await decideOnKey(
      this.store,
      keyId,
      () => ({ type: 'UpdateApiKey', keyId, accountId, actor, now: new Date(this.clock.now()).toISOString(), changes, maxLifetimeSeconds: this.maxLifetimeSeconds }),
      { requestId, accountId, ifMatch },
    );
    const changed = decision.events.length > 0;
    if (changed) {
      const fields = decision.events.flatMap((event) =>
        event.type === 'KeyUpdated' ? Object.keys(event.data.changes).map((name) => API_FIELD_NAMES[name as keyof KeyChanges] ?? name) : [],
      );
      this.logger.log({ msg: 'key updated', keyId, accountId, fields, requestId: requestId ?? undefined, actingKeyId: actor?.keyId ?? undefined });
    }
    return { keyId, position: decision.position, revision: decision.revision, changed, view: decision.view };
  }
}
