import { timingSafeEqual } from "node:crypto";
import { customerOidHash } from "../customer-oid-hash.js";
import { AppError } from "../errors.js";
import type { WidgetAccount } from "./widget-accounts.js";

/**
 * Whether the widget's customer is verified: `customer_oid_hash` is the HMAC of
 * `customer_oid` with the account's secret. A wrong hash is refused; a missing one leaves the
 * customer unverified, which the account may forbid (`verify_customers`).
 */
export function verifiedCustomer(
  account: WidgetAccount,
  customerOid: string,
  hash: string | undefined,
): boolean {
  if (hash === undefined && !account.verifyCustomers) return false;
  const expected = Buffer.from(customerOidHash(account.customerHashSecret, customerOid), "hex");
  const given = Buffer.from(hash ?? "", "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError("invalid_customer_hash", undefined, { field: "customer_oid_hash" });
  }
  return true;
}
