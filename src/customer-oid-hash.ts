import { createHmac } from "node:crypto";

/**
 * `customer_oid_hash` as a site's backend computes it for the widget: the hex HMAC-SHA256 of
 * the customer's id under the account's customer hash secret. The server checks it with
 * this, and the demo page makes it with this, as a site would.
 */
export function customerOidHash(secret: string, customerOid: string): string {
  return createHmac("sha256", secret).update(customerOid).digest("hex");
}
