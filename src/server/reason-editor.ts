import type { Static } from "typebox";
import type { ApiReason } from "../contract/dashboard.js";
import type { ReasonsRepository, ReasonWithTotal } from "../db/repositories/reasons.js";
import type { Reason } from "../db/schema.js";
import { AppError } from "../errors.js";

/**
 * The rules of editing reasons, the same in the dashboard's editor and the REST API:
 * texts are unique among active reasons, renames keep history, archiving hides.
 */
export function toApiReason(reason: Reason | ReasonWithTotal): Static<typeof ApiReason> {
  return {
    id: reason.id,
    text: reason.text,
    sort_key: reason.sort_key,
    archived: reason.archived_at !== null,
    answers_total: "answers_total" in reason ? reason.answers_total : 0,
  };
}

/**
 * A reason something may be put down to now: the account's, and not archived; 422
 * `unknown_reason` on `reason_id` otherwise.
 */
export async function activeReason(
  reasons: ReasonsRepository,
  accountId: string,
  reasonId: string,
): Promise<Reason> {
  const reason = await reasons.find(accountId, reasonId);
  if (!reason) throw new AppError("unknown_reason", undefined, { field: "reason_id" });
  if (reason.archived_at !== null) {
    throw new AppError("unknown_reason", "This reason is archived: pick an active one.", {
      field: "reason_id",
    });
  }
  return reason;
}

/** 409 `reason_exists` when another active reason reads the same (case and spaces aside). */
export async function refuseDuplicateReason(
  reasons: ReasonsRepository,
  accountId: string,
  text: string,
  exceptId?: string,
): Promise<void> {
  const active = await reasons.list(accountId);
  const same = active.find(
    (r) => r.id !== exceptId && r.text.trim().toLowerCase() === text.trim().toLowerCase(),
  );
  if (same) {
    throw new AppError("reason_exists", `A reason "${same.text}" exists already.`, {
      field: "text",
    });
  }
}

/**
 * Renames (checked against the other active reasons), moves or archives / restores a
 * reason; 404 when the account has no such reason. Returns it with its answer count.
 */
export async function changeReason(
  reasons: ReasonsRepository,
  accountId: string,
  id: string,
  changes: { text?: string | undefined; sortKey?: number | undefined; archived?: boolean },
): Promise<Static<typeof ApiReason>> {
  const text = changes.text?.trim();
  if (text !== undefined) await refuseDuplicateReason(reasons, accountId, text, id);
  const updated = await reasons.update(accountId, id, { ...changes, text });
  if (!updated) throw new AppError("not_found", "No such reason.");
  return reasonWithTotal(reasons, accountId, updated.id);
}

/** One reason of the account with its answer count; 404 when there is none. */
export async function reasonWithTotal(
  reasons: ReasonsRepository,
  accountId: string,
  id: string,
): Promise<Static<typeof ApiReason>> {
  const found = (await reasons.listWithTotals(accountId)).find((r) => r.id === id);
  if (!found) throw new AppError("not_found", "No such reason.");
  return toApiReason(found);
}
