/** Who is calling: the authenticated key and the account it acts for. */
export interface Principal {
  keyId: string;
  accountId: string;
}
