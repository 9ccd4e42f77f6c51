import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Environment } from '../../../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { decideOnKey } from '../decide-on-key.js';
import { ReportKeyLeakCommand, type ReportedKeyLeak } from './report-key-leak.command.js';

@CommandHandler(ReportKeyLeakCommand)
export class ReportKeyLeakHandler implements ICommandHandler<ReportKeyLeakCommand, ReportedKeyLeak> {
  private readonly logger = new Logger('Keys');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly config: Environment,
  ) {}

  async execute({ keyId, accountId, report, requestId }: ReportKeyLeakCommand): Promise<ReportedKeyLeak> {
    const policy = this.config.SECRET_SCANNING_ACTION;
    const now = () => new Date(this.clock.now()).toISOString();
    const decision = await decideOnKey(this.store, keyId, () => ({ type: 'ReportKeyLeak', keyId, accountId, now: now(), policy, ...report }), {
      requestId,
      reason: 'secret_scanning',
    });
    const reported = decision.events.find((event) => event.type === 'KeyLeakReported');
    if (reported === undefined) return { recorded: false, action: 'none', position: decision.position };
    this.logger.warn({ msg: 'key reported leaked', keyId, accountId, scanner: report.scanner, action: reported.data.action, requestId });
    return { recorded: true, action: reported.data.action, position: decision.position };
  }
}
