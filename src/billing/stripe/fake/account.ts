import type Stripe from "stripe";
import { EventLog } from "./event-log.js";
import {
  generatedCatalog,
  generatedCustomers,
  generatedSubscriptions,
  timeline,
} from "./generated.js";
import { invoiceObject, settledInvoice } from "./invoice-object.js";
import {
  type CouponInput,
  couponObject,
  customerObject,
  discountObject,
  type PriceInput,
  planObject,
  priceObject,
} from "./objects.js";
import { presentSubscription, wireCopy } from "./present.js";
import type { SubscriptionChange } from "./subscription-changes.js";
import { type SubscriptionItemInput, subscriptionObject } from "./subscription-object.js";
import { Table } from "./table.js";

export interface FakeAccountOptions {
  livemode: boolean;
  /** Milliseconds; objects and events are dated by it. */
  now: () => number;
  /** A big account generated from an index: this many customers, each with a subscription. */
  generatedCustomers?: number;
}

export interface NewSubscription {
  customer: string;
  items: { price: string; quantity?: number; coupon?: string; taxRates?: Stripe.TaxRate[] }[];
  coupon?: string;
  trialEnd?: number;
  created?: number;
  automaticTax?: boolean;
}

/** What a subscription update (`POST /v1/subscriptions/:id`) of a retention offer changes. */
export interface SubscriptionUpdate {
  /** Replace the subscription's own discounts by these coupons. */
  coupons?: string[];
  pause?: Stripe.Subscription.PauseCollection;
  /** Items moved to another price. */
  items?: { id: string; price: Stripe.Price }[];
  /** Unix seconds: the trial ends then (a trial starts if there was none). */
  trialEnd?: number;
}

const pad = (n: number) => String(n).padStart(6, "0");

/**
 * One mode (live or test) of a fake Stripe account: its objects, and the changes Stripe
 * makes to them (`change`), each recorded as the event Stripe would send.
 */
export class FakeStripeAccount {
  readonly livemode: boolean;
  readonly customers: Table<Stripe.Customer>;
  readonly subscriptions: Table<Stripe.Subscription>;
  readonly prices = new Table<Stripe.Price>();
  readonly coupons = new Table<Stripe.Coupon>();
  readonly invoices = new Table<Stripe.Invoice>();
  readonly events: Table<Stripe.Event>;
  private readonly log: EventLog;
  private readonly now: () => number;
  private sequence = 0;

  constructor(options: FakeAccountOptions) {
    this.livemode = options.livemode;
    this.now = options.now;
    this.log = new EventLog(this.livemode, this.now);
    this.events = this.log.events;
    const count = options.generatedCustomers ?? 0;
    const time = timeline(count, this.now());
    const catalog = generatedCatalog(this.livemode, time);
    if (count > 0) {
      for (const price of catalog.prices) this.prices.put(price);
      for (const coupon of catalog.coupons) this.coupons.put(coupon);
    }
    this.customers = new Table(count > 0 ? generatedCustomers(count, this.livemode, time) : null);
    this.subscriptions = new Table(
      count > 0 ? generatedSubscriptions(count, this.livemode, catalog, time) : null,
    );
  }

  createPrice(input: Omit<PriceInput, "id" | "created"> & { id?: string }): Stripe.Price {
    const price = priceObject(
      { id: this.id("price"), created: this.seconds(), ...input },
      this.livemode,
    );
    this.prices.put(price);
    return price;
  }

  createCoupon(input: Omit<CouponInput, "id" | "created"> & { id?: string }): Stripe.Coupon {
    const coupon = couponObject(
      { id: this.id("coupon"), created: this.seconds(), ...input },
      this.livemode,
    );
    this.coupons.put(coupon);
    return coupon;
  }

  createCustomer(
    fields: { email?: string; name?: string; created?: number } = {},
  ): Stripe.Customer {
    const customer = customerObject(
      {
        id: this.id("cus"),
        created: fields.created ?? this.seconds(),
        email: fields.email ?? null,
        name: fields.name ?? null,
      },
      this.livemode,
    );
    this.customers.put(customer);
    this.log.customerCreated(customer);
    return customer;
  }

  createSubscription(input: NewSubscription): Stripe.Subscription {
    const id = this.id("sub");
    const created = input.created ?? this.seconds();
    const discount = (coupon: string | undefined, item?: string) => {
      if (coupon === undefined) return [];
      const found = this.need(this.coupons, coupon);
      const fields = { coupon: found, customer: input.customer, subscription: id, start: created };
      return [discountObject({ id: this.id("di"), ...fields, subscriptionItem: item })];
    };
    const items = input.items.map((item): SubscriptionItemInput => {
      const itemId = this.id("si");
      return {
        id: itemId,
        price: this.need(this.prices, item.price),
        quantity: item.quantity ?? 1,
        discounts: discount(item.coupon, itemId),
        taxRates: item.taxRates ?? [],
      };
    });
    const subscription = subscriptionObject(
      {
        id,
        customer: input.customer,
        created,
        items,
        discounts: discount(input.coupon),
        trialEnd: input.trialEnd ?? null,
        automaticTax: input.automaticTax ?? false,
      },
      this.seconds(),
      this.livemode,
    );
    this.subscriptions.put(subscription);
    this.log.subscriptionChanged(
      "customer.subscription.created",
      null,
      this.present(subscription),
      true,
    );
    return subscription;
  }

  /** Changes a subscription as Stripe would, recording Stripe's event for it. */
  change(id: string, change: SubscriptionChange): Stripe.Subscription {
    const before = this.need(this.subscriptions, id);
    const after = wireCopy(before);
    change.apply(after, this.seconds());
    this.subscriptions.put(after);
    this.log.subscriptionChanged(
      change.type,
      this.present(before),
      this.present(after),
      change.requested,
    );
    return after;
  }

  /** An API request's update, recorded as the `customer.subscription.updated` it causes. */
  updateSubscription(id: string, update: SubscriptionUpdate): Stripe.Subscription {
    return this.change(id, {
      type: "customer.subscription.updated",
      requested: true,
      apply: (sub, now) => {
        if (update.coupons) {
          sub.discounts = update.coupons.map((coupon) =>
            discountObject({
              id: this.id("di"),
              coupon: this.need(this.coupons, coupon),
              customer: String(sub.customer),
              subscription: sub.id,
              start: now,
            }),
          );
        }
        if (update.pause) sub.pause_collection = update.pause;
        for (const change of update.items ?? []) {
          const item = sub.items.data.find((existing) => existing.id === change.id);
          if (item) Object.assign(item, { price: change.price, plan: planObject(change.price) });
        }
        if (update.trialEnd !== undefined) {
          sub.trial_end = update.trialEnd;
          sub.trial_start ??= now;
          if (update.trialEnd > now) sub.status = "trialing";
          for (const item of sub.items.data) item.current_period_end = update.trialEnd;
        }
      },
    });
  }

  /**
   * The subscription's invoice for its next period, dated now: open (being collected) unless
   * told otherwise; the amount is its items' unless given (0 for a trial's).
   */
  createInvoice(
    subscriptionId: string,
    fields: { amountDue?: number; status?: Stripe.Invoice.Status } = {},
  ): Stripe.Invoice {
    const subscription = this.need(this.subscriptions, subscriptionId);
    const itemsAmount = subscription.items.data.reduce(
      (sum, item) => sum + (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
      0,
    );
    const invoice = invoiceObject(
      {
        id: this.id("in"),
        created: this.seconds(),
        subscription,
        amountDue: fields.amountDue ?? itemsAmount,
        status: fields.status ?? "open",
      },
      this.livemode,
    );
    this.invoices.put(invoice);
    return invoice;
  }

  /** The invoice paid, voided or marked uncollectible now. */
  settleInvoice(id: string, status: "paid" | "void" | "uncollectible"): Stripe.Invoice {
    const settled = settledInvoice(this.need(this.invoices, id), status, this.seconds());
    this.invoices.put(settled);
    return settled;
  }

  /** The subscription as a list or fetch without expansions shows it. */
  present(subscription: Stripe.Subscription, expand: readonly string[] = []): Stripe.Subscription {
    return presentSubscription(subscription, expand, (id) => this.coupons.get(id));
  }

  private need<T extends { id: string; created: number }>(table: Table<T>, id: string): T {
    const found = table.get(id);
    if (!found) throw new Error(`The fake Stripe account has no ${id}.`);
    return found;
  }

  private id(prefix: string): string {
    return `${prefix}_${this.livemode ? "L" : "T"}${pad(++this.sequence)}`;
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
