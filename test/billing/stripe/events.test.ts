import { describe, expect, it } from "vitest";
import type { BillingEvent, EventCursor } from "../../../src/billing/provider.js";
import { openStripeConnection } from "../../../src/billing/stripe/connection.js";
import { eventPagesSince, latestEventCursor } from "../../../src/billing/stripe/events.js";
import {
  cancelNow,
  changeQuantity,
  failPayment,
} from "../../../src/billing/stripe/fake/subscription-changes.js";
import { fakeStripe, settingsFor, TEST_KEY } from "./fake.js";

const { fake, clock } = await fakeStripe();
const connection = openStripeConnection({ apiKey: TEST_KEY, settings: settingsFor(fake), clock });
const account = fake.test;
const price = account.createPrice({
  currency: "usd",
  product: "prod_e",
  unitAmount: 900,
  recurring: { interval: "month" },
});

async function since(
  cursor: EventCursor,
): Promise<{ events: BillingEvent[]; pages: number; last: EventCursor }> {
  const events: BillingEvent[] = [];
  let pages = 0;
  let last = cursor;
  for await (const page of eventPagesSince(connection, cursor)) {
    events.push(...page.events);
    pages += 1;
    last = page.cursor;
  }
  return { events, pages, last };
}

describe("catching up from Stripe's events", () => {
  it("starts from this second when the account has no events yet", async () => {
    expect(await latestEventCursor(connection)).toEqual({
      eventId: null,
      created: Math.floor(clock.now() / 1000),
    });
  });

  it("yields the events after the cursor, oldest first, across pages", async () => {
    const customer = account.createCustomer({ email: "a@example.com" });
    const sub = account.createSubscription({ customer: customer.id, items: [{ price: price.id }] });
    const cursor = await latestEventCursor(connection);
    for (let seats = 2; seats <= 251; seats++) {
      clock.advance(100); // several events a second: whole seconds alone cannot order them
      account.change(sub.id, changeQuantity(seats));
    }
    const { events, pages, last } = await since(cursor);
    expect(pages).toBe(3);
    expect(events).toHaveLength(250);
    const seats = events.map((e) =>
      e.object.kind === "subscription" ? e.object.subscription.items[0]?.quantity : null,
    );
    expect(seats).toEqual(Array.from({ length: 250 }, (_, i) => i + 2));
    expect(last).toEqual({ eventId: events.at(-1)?.id, created: events.at(-1)?.created });
    // Nothing new since: the last cursor yields nothing more.
    expect((await since(last)).events).toEqual([]);
  });

  it("resumes from a page's cursor with exactly the events after it", async () => {
    const cursor = await latestEventCursor(connection);
    const customer = account.createCustomer();
    const sub = account.createSubscription({ customer: customer.id, items: [{ price: price.id }] });
    account.change(sub.id, failPayment());
    account.change(sub.id, cancelNow());
    const all = (await since(cursor)).events.map((e) => e.providerType);
    expect(all).toEqual([
      "customer.created",
      "customer.subscription.created",
      "customer.subscription.updated",
      "customer.subscription.deleted",
    ]);
    const { events } = await since(cursor);
    const middle = events[1];
    if (!middle) throw new Error("no events");
    const rest = await since({ eventId: middle.id, created: middle.created });
    expect(rest.events.map((e) => e.id)).toEqual(events.slice(2).map((e) => e.id));
  });

  it("from a time alone, starts at the oldest event of that second on", async () => {
    clock.advance(60_000);
    const from = Math.floor(clock.now() / 1000);
    const first = account.createCustomer();
    clock.advance(2000);
    account.createCustomer();
    const { events } = await since({ eventId: null, created: from });
    expect(events.map((e) => e.type)).toEqual(["customer.created", "customer.created"]);
    expect(events[0]?.object).toMatchObject({ kind: "customer", customer: { id: first.id } });
  });

  it("says so when Stripe no longer has the cursor's event", async () => {
    await expect(since({ eventId: "evt_long_gone", created: 1 })).rejects.toMatchObject({
      code: "cursor_expired",
    });
  });
});
