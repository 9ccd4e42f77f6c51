import type { InstancesConfirmed } from '../../../shared/projections/revocation-confirmations.port.js';
import type { RevocationReceiptResponse } from './revoked-api-key.response.js';

/**
 * The receipt a revocation is answered with (DELETE /v1/api-keys/{id} and the CLI's revoke): its position in the
 * log, when the one answering had it in force, and, when instances share Redis, how many others confirmed it.
 */
export function revocationReceipt(position: number, inForceAt: Date, confirmed: InstancesConfirmed | null): RevocationReceiptResponse {
  return {
    position,
    in_force_at: inForceAt.toISOString(),
    ...(confirmed ? { instances_confirmed: confirmed.confirmed, instances_live: confirmed.live } : {}),
  };
}
