import type { ApiOffer } from "../contract/offers.js";
import type { Offer } from "../db/schema.js";

/** An offer as the dashboard shows and edits it. */
export function toApiOffer(row: Offer): ApiOffer {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    description: row.description,
    params: row.params,
    reason_ids: row.reason_ids,
    plan: row.plan,
    min_tenure_days: row.min_tenure_days,
    max_tenure_days: row.max_tenure_days,
    billing_interval: row.billing_interval,
    active: row.active,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
