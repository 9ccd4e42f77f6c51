/** Who is calling: the authenticated key, the account it acts for, and what it may do from where. */
export interface Principal {
  keyId: string;
  accountId: string;
  permissions: readonly string[];
  allowedIps: readonly string[];
}
