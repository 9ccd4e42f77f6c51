import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { RateLimited, ServiceUnavailable, Unauthenticated } from '../../../shared/application/errors.js';
import { Environment } from '../../../shared/config/environment.js';
import { answerError } from '../../../shared/http/answer-error.js';
import { type EdgeRoute, EdgeRouteProvider } from '../../../shared/http/edge-route.js';
import { ErrorResponse } from '../../../shared/http/error-response.openapi.js';
import type { FrontRouteContext, FrontRouteHandler } from '../../../shared/http/front-route.js';
import { refuseQueryParameters } from '../../../shared/http/query-parameters.js';
import { readRawBody } from '../../../shared/http/read-raw-body.js';
import { sendJson } from '../../../shared/http/send-json.js';
import { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import { RateLimiter } from '../../../shared/rate-limit/rate-limiter.js';
import { KeyTable } from '../../authentication/key-table.js';
import { AuthFailureLimiter } from '../../authentication/auth-failure-limiter.js';
import { KeyTableCaughtUpOnMiss } from '../../authentication/key-table-caught-up-on-miss.js';
import { ReportKeyLeakCommand, type ReportedKeyLeak } from '../../commands/report-key-leak/report-key-leak.command.js';
import { hashApiKey, isWellFormedApiKey } from '../../domain/api-key-secret.js';
import { type LeakReport, parseLeakReports } from './parse-leak-reports.js';
import { SecretScanningReport, SecretScanningVerdict } from './report-leaked-keys.dto.js';
import { documentReportLeakedKeys, KEY_IDENTIFIER_HEADER, KEY_SIGNATURE_HEADER, REPORT_LEAKED_KEYS_PATH } from './report-leaked-keys.openapi.js';
import { ScannerKeysUnavailable, ScannerPublicKeys } from './scanner-public-keys.js';
import { isSignedBy } from './scanner-signature.js';
import { refusalOutcome, type ReportsOutcome, SecretScanningMetrics } from './secret-scanning-metrics.js';

/** GitHub sends matches in batches; 64 KiB holds hundreds of reports. */
export const MAX_REPORTS_BODY_BYTES = 64 * 1024;
/**
 * Signed requests per client address: far above what a scanner sends, and a bound on what a signer can make the
 * service append. Unsigned and badly signed ones count against the address's failed-authentication budget instead
 * (AUTH_FAILURE_LIMIT), as a wrong credential does on every other route.
 */
export const REPORTS_RATE_LIMIT = { requests: 120, perSeconds: 60 } as const;

/**
 * POST /v1/secret-scanning/reports: GitHub's secret scanning partner program reports strings matching the key format
 * found in public. Outside account authentication: the request is trusted for its signature over the raw body, by a
 * key of SECRET_SCANNING_PUBLIC_KEYS, and nothing of the body is read before it is checked. Each token is hashed at
 * once; only a well-formed one (format and checksum) is looked up, by hash, in the key table. A key of ours is
 * reported on its stream (ReportKeyLeak): the policy acts, the anomaly detector alerts its account. The answer is
 * GitHub's: a verdict per report, true_positive for a key of ours.
 */
@Injectable()
@EdgeRouteProvider()
export class ReportLeakedKeysHttpHandler implements EdgeRoute {
  readonly methods = ['POST'];
  readonly observed = true;
  readonly path = REPORT_LEAKED_KEYS_PATH;
  readonly openApiModels = [SecretScanningReport, SecretScanningVerdict, ErrorResponse];
  readonly document = documentReportLeakedKeys;
  private readonly logger = new Logger('SecretScanning');
  private readonly publicKeys: ScannerPublicKeys | null;
  private readonly limiter = new RateLimiter();
  /** The failure last logged: a failed load is answered again for a minute, and logged once, not per request. */
  private loggedFailure: ScannerKeysUnavailable | null = null;

  constructor(
    config: Environment,
    private readonly keys: KeyTable,
    private readonly caughtUp: KeyTableCaughtUpOnMiss,
    private readonly commands: CommandBus,
    private readonly projections: ProjectionProgress,
    private readonly failures: AuthFailureLimiter,
    private readonly metrics: SecretScanningMetrics,
  ) {
    this.publicKeys = config.SECRET_SCANNING_PUBLIC_KEYS === undefined ? null : new ScannerPublicKeys(config.SECRET_SCANNING_PUBLIC_KEYS);
  }

  get served(): boolean {
    return this.publicKeys !== null;
  }

  readonly handle: FrontRouteHandler = (req, res, context) => {
    const refusal: { unauthenticated: ReportsOutcome | null } = { unauthenticated: null };
    this.serve(req, res, context, refusal).then(
      () => this.metrics.counted('accepted'),
      (error: unknown) => {
        this.metrics.counted(refusalOutcome(error, refusal.unauthenticated));
        if (res.headersSent || res.socket === null || res.socket.destroyed) return;
        answerError(res, error, context.requestId, this.logger);
      },
    );
  };

  private async serve(req: IncomingMessage, res: ServerResponse, context: FrontRouteContext, refusal: { unauthenticated: ReportsOutcome | null }): Promise<void> {
    const guard = this.failures.check(context.clientIp);
    if (!guard.allowed) throw new RateLimited('Too many failed authentications from this address. Retry later.', guard.retryAfterSeconds);
    const identifier = req.headers[KEY_IDENTIFIER_HEADER];
    const signature = req.headers[KEY_SIGNATURE_HEADER];
    if (typeof identifier !== 'string' || typeof signature !== 'string' || identifier === '' || signature === '') {
      refusal.unauthenticated = 'unsigned';
      await this.failures.recordFailure(context.clientIp);
      throw new Unauthenticated('Secret scanning reports must be signed (Github-Public-Key-Identifier and Github-Public-Key-Signature).');
    }
    const body = await readRawBody(req, MAX_REPORTS_BODY_BYTES);
    const checked = await this.checkSignature(body, identifier, signature);
    if (checked !== 'signed') {
      refusal.unauthenticated = checked;
      await this.failures.recordFailure(context.clientIp);
      throw new Unauthenticated('The secret scanning report is not signed by a known key (Github-Public-Key-Identifier, Github-Public-Key-Signature).');
    }
    const pace = this.limiter.consume(`secret-scanning:${context.clientIp}`, REPORTS_RATE_LIMIT);
    if (!pace.allowed) throw new RateLimited('Too many secret scanning reports from this address. Retry later.', pace.retryAfterSeconds);
    if (context.query !== '') refuseQueryParameters(parseQueryString(context.query));
    const reports = parseLeakReports(body);
    const verdicts: SecretScanningVerdict[] = [];
    let lastPosition: number | null = null;
    for (const report of reports) {
      const { verdict, reported } = await this.judge(report, context.requestId);
      verdicts.push(verdict);
      if (reported?.recorded && reported.action !== 'none') lastPosition = Math.max(lastPosition ?? 0, reported.position);
    }
    // The scanner is told once the keys it found no longer work here.
    if (lastPosition !== null) await this.projections.inForce(lastPosition);
    sendJson(res, 200, verdicts);
  }

  private async checkSignature(body: Buffer, identifier: string, signature: string): Promise<'signed' | 'unknown_key' | 'bad_signature'> {
    let key;
    try {
      key = await this.publicKeys!.find(identifier);
    } catch (error) {
      if (error instanceof ScannerKeysUnavailable) {
        if (error !== this.loggedFailure) this.logger.warn(error.message);
        this.loggedFailure = error;
        throw new ServiceUnavailable("The scanner's public keys cannot be read now. Retry later.");
      }
      throw error;
    }
    if (key === null) return 'unknown_key';
    return isSignedBy(body, signature, key) ? 'signed' : 'bad_signature';
  }

  /**
   * Every token is hashed (the answer names it by hash) and checked for the format: the same work whatever it is. Only a
   * well-formed one is looked up, a map read; an unknown well-formed one waits for the table to read the log (a key made
   * on another instance a moment ago). Its label is no secret from the scanner, whose signature was checked.
   */
  private async judge(report: LeakReport, requestId: string): Promise<{ verdict: SecretScanningVerdict; reported: ReportedKeyLeak | null }> {
    const tokenHash = hashApiKey(report.token);
    const wellFormed = isWellFormedApiKey(report.token);
    const key = wellFormed ? (this.keys.lookup(tokenHash) ?? (await this.caughtUp.lookupAfterCatchingUp(tokenHash))) : null;
    if (key === null || key === undefined) return { verdict: { token_hash: tokenHash, token_type: report.type, label: 'false_positive' }, reported: null };
    const reported: ReportedKeyLeak = await this.commands.execute(
      new ReportKeyLeakCommand(key.keyId, key.accountId, { scanner: 'github', tokenType: report.type, sourceUrl: report.url, source: report.source }, requestId),
    );
    return { verdict: { token_hash: tokenHash, token_type: report.type, label: 'true_positive' }, reported };
  }
}
