import type { ApiCampaign, ApiEnrollment } from "../contract/campaigns.js";
import type { Campaign, CampaignEnrollment } from "../db/schema.js";

const iso = (date: Date | string) => new Date(date).toISOString();

export function toApiCampaign(row: Campaign): ApiCampaign {
  return {
    id: row.id,
    name: row.name,
    reason_ids: row.reason_ids,
    offer_id: row.offer_id,
    steps: row.steps,
    active: row.active,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function toApiEnrollment(row: CampaignEnrollment): ApiEnrollment {
  return {
    id: row.id,
    campaign_id: row.campaign_id,
    cancellation_id: row.cancellation_id,
    customer_id: row.customer_id,
    email: row.email,
    next_step: row.next_step,
    next_at: row.next_at === null ? null : iso(row.next_at),
    state: row.state,
    stop_reason: row.stop_reason,
    created_at: iso(row.created_at),
  };
}
