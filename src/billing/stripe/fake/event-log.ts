import type Stripe from "stripe";
import { STRIPE_API_VERSION } from "../client.js";
import { wireCopy } from "./present.js";
import { Table } from "./table.js";

export type SubscriptionEventType =
  | "customer.subscription.created"
  | "customer.subscription.updated"
  | "customer.subscription.deleted";

/**
 * The events of one fake account, as Stripe records them: a copy of the object as it was
 * then, the fields an update changed with their values before, and the API request that
 * made the change (none when Stripe acted alone: a period's end, dunning).
 */
export class EventLog {
  readonly events = new Table<Stripe.Event>();
  private sequence = 0;

  constructor(
    private readonly livemode: boolean,
    private readonly now: () => number,
  ) {}

  customerCreated(customer: Stripe.Customer): void {
    this.record({ type: "customer.created", data: { object: wireCopy(customer) } }, true);
  }

  /** `before` and `after` as an unexpanded fetch shows them; `before` null for a creation. */
  subscriptionChanged(
    type: SubscriptionEventType,
    before: Stripe.Subscription | null,
    after: Stripe.Subscription,
    requested: boolean,
  ): void {
    const object = wireCopy(after);
    if (type !== "customer.subscription.updated" || before === null) {
      this.record({ type, data: { object } }, requested);
      return;
    }
    const previous: Record<string, unknown> = {};
    for (const key of Object.keys(after) as (keyof Stripe.Subscription)[]) {
      const old = JSON.stringify(before[key]);
      if (old !== JSON.stringify(after[key])) previous[key] = JSON.parse(old ?? "null");
    }
    const data = { object, previous_attributes: previous as Partial<Stripe.Subscription> };
    this.record({ type, data }, requested);
  }

  private record(
    event:
      | Pick<Stripe.CustomerCreatedEvent, "type" | "data">
      | { type: SubscriptionEventType; data: Stripe.CustomerSubscriptionUpdatedEvent.Data },
    requested: boolean,
  ): void {
    // Ids grow with time, so events of one second still list in the order they happened.
    const serial = String(++this.sequence).padStart(8, "0");
    const stamped = {
      id: `evt_${this.livemode ? "L" : "T"}${serial}`,
      object: "event",
      api_version: STRIPE_API_VERSION,
      created: Math.floor(this.now() / 1000),
      livemode: this.livemode,
      pending_webhooks: 1,
      request: { id: requested ? `req_${serial}` : null, idempotency_key: null },
      ...event,
    } satisfies Stripe.Event;
    this.events.put(stamped);
  }
}
