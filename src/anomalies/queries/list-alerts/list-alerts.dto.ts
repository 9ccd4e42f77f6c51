import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageLimitRequest } from '../../../shared/http/page-limit.dto.js';
import { UuidQueryParameter } from '../../../shared/http/validation-rules.js';
import { ANOMALY_RULES, type AnomalyRule } from '../../domain/anomaly.js';
import type { AlertView } from '../../projection/alert-view.js';

const ALERT_ID_PATTERN = '^[0-9a-f]{32}$';

/** Alerts a page when `limit` is absent. */
export const ALERTS_PAGE_SIZE = 20;

export class ListAlertsRequest extends PageLimitRequest(ALERTS_PAGE_SIZE) {
  @ApiPropertyOptional({ format: 'uuid', description: "Only alerts about this key (any case). A key with no alert, another account's key and an id of no key all give an empty page, never 404." })
  @IsOptional()
  @UuidQueryParameter('key_id must be an API key id (a UUID)')
  key_id?: string;

  @ApiPropertyOptional({ enum: ANOMALY_RULES })
  @IsOptional()
  @IsIn(ANOMALY_RULES, { message: `rule must be one of ${ANOMALY_RULES.join(', ')}` })
  rule?: AnomalyRule;

  @ApiPropertyOptional({
    pattern: ALERT_ID_PATTERN,
    description: 'Id of the last alert of the previous page. It must be an alert of this account: otherwise 404.',
  })
  @IsOptional()
  @Matches(new RegExp(ALERT_ID_PATTERN), { message: 'starting_after must be an alert id (32 lowercase hexadecimal digits)' })
  starting_after?: string;
}

export class AlertResponse {
  @ApiProperty({ pattern: ALERT_ID_PATTERN, description: 'Stable id; the same finding always has the same id.' }) id!: string;
  // Not an enum: a newer version's rule is the same event with the same fields, and is listed as it is (alert-payload.ts).
  @ApiProperty({
    type: String,
    example: 'rate_spike',
    description: `The rule that found it: ${ANOMALY_RULES.join(', ')}. A newer version of the service may add rules, and its alerts are listed here as they are (an instance not yet upgraded lists them too): take a rule you do not know as such.`,
  })
  rule!: AnomalyRule;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) key_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the rule saw: counts, baselines, addresses.' }) evidence!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) window_start!: string;
  @ApiProperty({ format: 'date-time' }) window_end!: string;
  @ApiProperty({ format: 'date-time' }) detected_at!: string;
}

export class AlertListResponse {
  @ApiProperty({ type: [AlertResponse] }) data!: AlertResponse[];
  @ApiProperty() has_more!: boolean;
}

export function presentAlert(view: AlertView): AlertResponse {
  return {
    id: view.alertId,
    rule: view.rule,
    key_id: view.keyId,
    ip: view.ip,
    evidence: view.evidence,
    window_start: view.windowStart,
    window_end: view.windowEnd,
    detected_at: view.detectedAt,
  };
}
