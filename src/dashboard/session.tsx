import { createContext, useContext } from "react";
import type { Account, Session } from "./api/types.js";

export interface SessionValue {
  session: Session;
  /** The account the page is about. */
  account: Account;
  /** Ends this session, or with `everywhere` every session of the user (failures throw). */
  signOut(options?: { everywhere?: boolean }): Promise<void>;
  /** Reloads who is signed in and their accounts (after creating or renaming one). */
  refresh(): Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside a signed-in page");
  return value;
}

export function accountPath(accountId: string, page = "insights"): string {
  return `/accounts/${encodeURIComponent(accountId)}/${page}`;
}

/**
 * A customer's page. The id goes in the query, where any string survives: a path segment
 * cannot be "." or "..", and proxies may refuse or decode an encoded "/" in a path.
 */
export function customerPath(accountId: string, customerOid: string): string {
  return `${accountPath(accountId, "customers")}?${new URLSearchParams({ oid: customerOid })}`;
}
