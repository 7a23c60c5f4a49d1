/**
 * What the product knows of a billing provider, whichever it is (Stripe first; Paddle or
 * Chargebee would be another implementation of `BillingProvider`). Everything else (the
 * sync, MRR, cancellations) reads these types only, never a provider's own objects, except
 * as `raw`, stored as is next to the columns we query.
 *
 * Times are Unix seconds, as providers give them; money is in minor units of `currency`
 * (lower case ISO 4217), possibly fractional where the provider allows sub-unit prices.
 */

export type BillingMode = "live" | "test";
export type BillingInterval = "day" | "week" | "month" | "year";
export type CouponDuration = "once" | "repeating" | "forever";

export type SubscriptionStatus =
  | "active"
  | "trialing"
  | "past_due"
  | "unpaid"
  | "paused"
  | "incomplete"
  | "incomplete_expired"
  | "canceled"
  /** A status this code does not know yet: it brings no revenue until taught. */
  | "other";

export interface BillingCustomer {
  id: string;
  /** Null for a deleted customer, which the provider no longer describes. */
  created: number | null;
  email: string | null;
  name: string | null;
  deleted: boolean;
  livemode: boolean;
  raw: unknown;
}

export interface PriceTier {
  /** The last quantity in this tier; null: no upper bound. */
  upTo: number | null;
  unitAmount: number;
  flatAmount: number;
}

export interface BillingPrice {
  id: string;
  currency: string;
  billingScheme: "per_unit" | "tiered";
  /** Per unit, for `per_unit` prices. */
  unitAmount: number | null;
  tiersMode: "graduated" | "volume" | null;
  tiers: PriceTier[];
  /** Package pricing: the quantity is divided and rounded before the unit amount applies. */
  transformQuantity: { divideBy: number; round: "up" | "down" } | null;
  /** Null for a one-off price. */
  recurring: {
    interval: BillingInterval;
    intervalCount: number;
    usageType: "licensed" | "metered";
  } | null;
  /** The plan's name: the price's nickname, else its product's name when known. */
  nickname: string | null;
  productId: string | null;
  productName: string | null;
}

export interface BillingCoupon {
  id: string;
  /** 0-100. */
  percentOff: number | null;
  /** Per invoice, in `currency`. */
  amountOff: number | null;
  currency: string | null;
  /** The same coupon's amount off in other currencies. */
  amountOffIn: Record<string, number>;
  duration: CouponDuration;
  durationInMonths: number | null;
}

export interface BillingDiscount {
  id: string;
  /**
   * Null when the coupon is not known here: an event's copy names discounts by id only, and
   * a deleted coupon cannot be read. Such a discount counts for nothing: fetch the
   * subscription to know its MRR.
   */
  coupon: BillingCoupon | null;
  start: number | null;
  /** When the discount stops applying; null: never (or unknown). */
  end: number | null;
}

export interface BillingSubscriptionItem {
  id: string;
  price: BillingPrice;
  quantity: number;
  discounts: BillingDiscount[];
}

export interface CancellationDetails {
  /** Why it ended, as the provider says: `cancellation_requested`, `payment_failed`, ... */
  reason: string | null;
  /** The customer's answer in the provider's own cancel flow (Stripe's portal). */
  feedback: string | null;
  comment: string | null;
}

/**
 * Where a snapshot came from, to keep older news from overwriting newer: a fetch is the
 * state when its answer arrived; an event's copy is the state when the event was made.
 * Event times are whole seconds, so two events of one second cannot be ordered by time:
 * re-fetch the object rather than trust either copy.
 */
export interface SnapshotOrigin {
  source: "fetch" | "event";
  /** Milliseconds: our clock when fetched, or the event's creation. */
  asOfMs: number;
  eventId: string | null;
}

export interface BillingSubscription {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  currency: string;
  items: BillingSubscriptionItem[];
  discounts: BillingDiscount[];
  created: number;
  trialEnd: number | null;
  currentPeriodEnd: number | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  canceledAt: number | null;
  endedAt: number | null;
  /** Collection paused (a pause offer): no invoices are paid meanwhile. */
  pausedCollection: boolean;
  cancellationDetails: CancellationDetails;
  livemode: boolean;
  origin: SnapshotOrigin;
  raw: unknown;
}

/** Provider event types we act on, the same for every provider; others are `other`. */
export type BillingEventType =
  | "customer.created"
  | "customer.updated"
  | "customer.deleted"
  | "subscription.created"
  | "subscription.updated"
  | "subscription.deleted"
  | "other";

export type BillingEventObject =
  | { kind: "customer"; customer: BillingCustomer }
  | { kind: "subscription"; subscription: BillingSubscription }
  | { kind: "other"; id: string | null };

export interface BillingEvent {
  id: string;
  type: BillingEventType;
  /** The provider's own name for it (`customer.subscription.updated`). */
  providerType: string;
  created: number;
  livemode: boolean;
  object: BillingEventObject;
  /** The fields that changed, with their values before (Stripe's `previous_attributes`). */
  previous: Record<string, unknown> | null;
  /** The API request that caused it; null when the provider acted alone (period end, dunning). */
  request: { id: string | null; idempotencyKey: string | null } | null;
  raw: unknown;
}

/** A window of creation times, [gte, lt), so a big account can be listed in parts. */
export interface CreatedWindow {
  gte?: number;
  lt?: number;
}

export interface ListOptions {
  created?: CreatedWindow;
  /** Resume after this cursor (a page's `cursor`); null or absent: from the start. */
  cursor?: string | null;
  signal?: AbortSignal;
}

/** The lists a backfill walks. */
export type ListName = "customers" | "subscriptions";

/**
 * A cheap look at a list, to plan and time a backfill where the provider gives no totals: the
 * creation times of its newest objects created at or before `lte` (of all, absent), newest
 * first, and whether there are more. One request, nothing mapped or expanded.
 */
export interface CreatedProbe {
  created: number[];
  hasMore: boolean;
}

/** One page of a listing; `cursor` resumes right after it. */
export interface Page<T> {
  items: T[];
  cursor: string | null;
  done: boolean;
}

/** A place in the provider's event stream: after `eventId`, else from `created` on. */
export interface EventCursor {
  eventId: string | null;
  created: number;
}

export interface EventPage {
  /** Oldest first. */
  events: BillingEvent[];
  cursor: EventCursor;
  done: boolean;
}

export interface WebhookRequest {
  rawBody: string | Uint8Array;
  headers: Record<string, string | string[] | undefined>;
  secret: string;
}

/** A discount to give: percent or amount off each invoice, for a number of months. */
export type DiscountTerms = ({ percentOff: number } | { amountOff: number; currency: string }) & {
  durationInMonths: number;
};

/** How a price switch bills the rest of the current period. */
export type ProrationBehavior = "create_prorations" | "none" | "always_invoice";

/**
 * Every offer action is a write: the key makes a retried request (ours, or a retried
 * accept) apply once at the provider, whatever happened to the first answer.
 */
export interface OfferActionOptions {
  idempotencyKey: string;
  signal?: AbortSignal;
}

export type InvoiceStatus = "draft" | "open" | "paid" | "void" | "uncollectible";

/** An invoice, as far as proving a save needs it. */
export interface BillingInvoice {
  id: string;
  subscriptionId: string | null;
  status: InvoiceStatus;
  /** What it asks for, in minor units of `currency`. */
  amountDue: number;
  currency: string;
  created: number;
}

/**
 * Retention offers a provider can carry out (each answers the subscription as it is after),
 * and the one read that proves an offer kept a customer paying.
 */
export interface BillingOfferActions {
  /**
   * The first invoice of the subscription created at or after `since` (Unix seconds) that
   * asks for money; null while there is none. A zero invoice (a trial, a 100% discount)
   * proves nothing about paying.
   */
  firstChargedInvoiceSince(
    subscriptionId: string,
    since: number,
    signal?: AbortSignal,
  ): Promise<BillingInvoice | null>;
  /** Creates the coupon for these terms (or reuses it) and puts it on the subscription. */
  applyDiscount(
    subscriptionId: string,
    terms: DiscountTerms,
    options: OfferActionOptions,
  ): Promise<BillingSubscription>;
  /** No invoices are collected until `resumesAt` (Unix seconds). */
  pauseCollection(
    subscriptionId: string,
    resumesAt: number,
    options: OfferActionOptions,
  ): Promise<BillingSubscription>;
  /** The subscription's one licensed item moves to `priceId`. */
  switchPrice(
    subscriptionId: string,
    priceId: string,
    proration: ProrationBehavior,
    options: OfferActionOptions,
  ): Promise<BillingSubscription>;
  /** The price a switch would move to (checked when an offer names it); null: none of this id. */
  price(priceId: string, signal?: AbortSignal): Promise<BillingPrice | null>;
  /** The trial (or a new one) ends at `trialEnd` (Unix seconds), with nothing billed now. */
  extendTrial(
    subscriptionId: string,
    trialEnd: number,
    options: OfferActionOptions,
  ): Promise<BillingSubscription>;
}

export interface BillingProvider {
  readonly provider: string;
  readonly mode: BillingMode;
  /** How long the provider keeps events: a catch-up cursor older than this has lost some. */
  readonly eventRetentionDays: number;
  /** Newest first, page by page, canceled ones included. */
  customers(options?: ListOptions): AsyncIterable<Page<BillingCustomer>>;
  subscriptions(options?: ListOptions): AsyncIterable<Page<BillingSubscription>>;
  /** Objects in one page of `customers` or `subscriptions`. */
  readonly pageSize: number;
  /** See `CreatedProbe`; `limit` at most `pageSize`. */
  probeCreated(
    list: ListName,
    options: { lte?: number; limit: number; signal?: AbortSignal },
  ): Promise<CreatedProbe>;
  /** Null when the provider has no such object. */
  customer(id: string, signal?: AbortSignal): Promise<BillingCustomer | null>;
  subscription(id: string, signal?: AbortSignal): Promise<BillingSubscription | null>;
  /** The cursor of "now": events after it are the ones still to come. */
  eventCursor(signal?: AbortSignal): Promise<EventCursor>;
  /** Events after the cursor that we act on, oldest first. */
  eventsSince(cursor: EventCursor, signal?: AbortSignal): AsyncIterable<EventPage>;
  /** Checks the signature and age of a webhook, then reads it. */
  parseWebhook(request: WebhookRequest): Promise<BillingEvent>;
  /** Absent for a provider without offers built. */
  readonly offers?: BillingOfferActions;
}
