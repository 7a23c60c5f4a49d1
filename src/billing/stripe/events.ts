import type Stripe from "stripe";
import { BillingError } from "../billing-error.js";
import type {
  BillingEvent,
  BillingEventType,
  EventCursor,
  EventPage,
  SnapshotOrigin,
} from "../provider.js";
import type { StripeConnection } from "./connection.js";
import { isMissing } from "./errors.js";
import { type CouponLookup, mapCustomer, mapSubscription } from "./map.js";

/** Stripe's event types we act on, as ours. Also the `types` filter of the catch-up. */
const EVENT_TYPES: Record<string, BillingEventType> = {
  "customer.created": "customer.created",
  "customer.updated": "customer.updated",
  "customer.deleted": "customer.deleted",
  "customer.subscription.created": "subscription.created",
  "customer.subscription.updated": "subscription.updated",
  "customer.subscription.paused": "subscription.updated",
  "customer.subscription.resumed": "subscription.updated",
  "customer.subscription.pending_update_applied": "subscription.updated",
  "customer.subscription.pending_update_expired": "subscription.updated",
  "customer.subscription.deleted": "subscription.deleted",
};

export const STRIPE_EVENT_TYPES = Object.keys(EVENT_TYPES);

/** An event as ours; its object is Stripe's copy at the time, discounts by id only. */
export function mapEvent(event: Stripe.Event, coupons: CouponLookup): BillingEvent {
  const object = event.data.object as { object?: string; id?: string };
  const origin: SnapshotOrigin = {
    source: "event",
    asOfMs: event.created * 1000,
    eventId: event.id,
  };
  const type = EVENT_TYPES[event.type] ?? "other";
  return {
    id: event.id,
    type,
    providerType: event.type,
    created: event.created,
    livemode: event.livemode,
    object:
      type === "other"
        ? { kind: "other", id: object.id ?? null }
        : object.object === "subscription"
          ? {
              kind: "subscription",
              subscription: mapSubscription(object as Stripe.Subscription, origin, coupons),
            }
          : { kind: "customer", customer: mapCustomer(object as Stripe.Customer, event.livemode) },
    previous: (event.data.previous_attributes as Record<string, unknown> | undefined) ?? null,
    request: event.request
      ? { id: event.request.id, idempotencyKey: event.request.idempotency_key }
      : null,
    raw: event,
  };
}

const PAGE_SIZE = 100;

function cursorAt(event: Stripe.Event): EventCursor {
  return { eventId: event.id, created: event.created };
}

/** The cursor of "now": the newest event we act on, or this second when there is none. */
export async function latestEventCursor(
  connection: StripeConnection,
  signal?: AbortSignal,
): Promise<EventCursor> {
  const list = () => connection.stripe.events.list({ limit: 1, types: STRIPE_EVENT_TYPES });
  const newest = (await connection.call(list, signal)).data[0];
  return newest
    ? cursorAt(newest)
    : { eventId: null, created: Math.floor(connection.clock.now() / 1000) };
}

/**
 * Events after the cursor, oldest first, page by page. Stripe lists newest first, so this
 * walks backwards through its pages with `ending_before` (each page the events right after
 * the last one seen); memory holds one page.
 */
export async function* eventPagesSince(
  connection: StripeConnection,
  cursor: EventCursor,
  signal?: AbortSignal,
): AsyncGenerator<EventPage> {
  const map = (event: Stripe.Event) => mapEvent(event, connection.coupons.lookup);
  let after = cursor.eventId;
  let position = cursor;
  if (after === null) {
    const oldest = await oldestSince(connection, cursor.created, signal);
    if (!oldest) {
      yield { events: [], cursor, done: true };
      return;
    }
    position = cursorAt(oldest);
    after = oldest.id;
    yield {
      events: [map(oldest)],
      cursor: position,
      done: false,
    };
  }
  for (;;) {
    const page = await eventsAfter(connection, after, signal);
    const events = [...page.data].reverse();
    const last = events.at(-1);
    if (last) position = cursorAt(last);
    yield {
      events: events.map(map),
      cursor: position,
      done: !page.has_more,
    };
    if (!page.has_more || !last) return;
    after = last.id;
  }
}

/** The page of events right after the one with id `after`, newest first as Stripe lists. */
async function eventsAfter(
  connection: StripeConnection,
  after: string,
  signal?: AbortSignal,
): Promise<Stripe.ApiList<Stripe.Event>> {
  const params = { limit: PAGE_SIZE, types: STRIPE_EVENT_TYPES, ending_before: after };
  try {
    return await connection.call(() => connection.stripe.events.list(params), signal);
  } catch (error) {
    if (!isMissing(error)) throw error;
    throw new BillingError(
      "cursor_expired",
      "Stripe no longer keeps the event the catch-up stopped at.",
      { cause: error },
    );
  }
}

/** The oldest event we act on created at or after `created`: one walk down, one event kept. */
async function oldestSince(
  connection: StripeConnection,
  created: number,
  signal?: AbortSignal,
): Promise<Stripe.Event | undefined> {
  let oldest: Stripe.Event | undefined;
  for (;;) {
    const params = {
      limit: PAGE_SIZE,
      types: STRIPE_EVENT_TYPES,
      created: { gte: created },
      ...(oldest ? { starting_after: oldest.id } : {}),
    };
    const page = await connection.call(() => connection.stripe.events.list(params), signal);
    oldest = page.data.at(-1) ?? oldest;
    if (!page.has_more) return oldest;
  }
}
