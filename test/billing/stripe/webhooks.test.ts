import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import type { BillingEvent } from "../../../src/billing/provider.js";
import { scheduleCancellation } from "../../../src/billing/stripe/fake/subscription-changes.js";
import { signedWebhook } from "../../../src/billing/stripe/fake/webhook.js";
import { createStripeProvider } from "../../../src/billing/stripe/provider.js";
import { fakeStripe, settingsFor, TEST_KEY } from "./fake.js";

const SECRET = "whsec_test_secret";
const { fake, clock } = await fakeStripe();
const provider = createStripeProvider({ apiKey: TEST_KEY, settings: settingsFor(fake), clock });
const account = fake.test;
const price = account.createPrice({
  currency: "usd",
  product: "prod_w",
  unitAmount: 2500,
  recurring: { interval: "month" },
});
const customer = account.createCustomer();
const sub = account.createSubscription({ customer: customer.id, items: [{ price: price.id }] });
account.change(sub.id, scheduleCancellation({ feedback: "too_expensive", comment: "Pricey" }));
const event = account.events.page(
  { limit: 1, createdFrom: -Infinity, createdTo: Infinity, where: () => true },
  "/v1/events",
).data[0];
if (!event) throw new Error("the fake recorded no event");
const nowSeconds = () => Math.floor(clock.now() / 1000);

function parse(body: string, headers: Record<string, string | undefined>, secret = SECRET) {
  return provider.parseWebhook({ rawBody: body, headers, secret });
}

describe("Stripe webhooks", () => {
  it("are read when signed with the endpoint's secret, from the raw body", async () => {
    const { body, headers } = signedWebhook(event, SECRET, nowSeconds());
    const parsed = await parse(body, headers);
    expect(parsed).toMatchObject({
      id: event.id,
      type: "subscription.updated",
      previous: { cancel_at_period_end: false },
      object: {
        kind: "subscription",
        subscription: {
          id: sub.id,
          cancelAtPeriodEnd: true,
          cancellationDetails: {
            reason: "cancellation_requested",
            feedback: "too_expensive",
            comment: "Pricey",
          },
        },
      },
    });
  });

  it("arrive over HTTP as the fake sends them, signed with the SDK's scheme", async () => {
    const received: BillingEvent[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", async () => {
        const parsed = await provider.parseWebhook({
          rawBody: Buffer.concat(chunks),
          headers: req.headers,
          secret: SECRET,
        });
        received.push(parsed);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    expect(await fake.sendWebhook(`http://127.0.0.1:${port}/`, SECRET, event)).toBe(200);
    expect(received.map((e) => e.id)).toEqual([event.id]);
  });

  it("are refused as invalid_signature with another secret, a changed body or no signature", async () => {
    const { body, headers } = signedWebhook(event, SECRET, nowSeconds());
    await expect(parse(body, headers, "whsec_other")).rejects.toMatchObject({
      code: "invalid_signature",
    });
    await expect(parse(body.replace("Pricey", "Cheap!"), headers)).rejects.toMatchObject({
      code: "invalid_signature",
    });
    await expect(parse(body, {})).rejects.toMatchObject({ code: "invalid_signature" });
  });

  it("are refused as timestamp_too_old past the tolerance (a replay), and taken within it", async () => {
    const old = signedWebhook(event, SECRET, nowSeconds() - 301);
    await expect(parse(old.body, old.headers)).rejects.toMatchObject({ code: "timestamp_too_old" });
    const late = signedWebhook(event, SECRET, nowSeconds() - 299);
    await expect(parse(late.body, late.headers)).resolves.toMatchObject({ id: event.id });
  });

  it("take the tolerance from the provider's options", async () => {
    const strict = createStripeProvider({
      apiKey: TEST_KEY,
      settings: settingsFor(fake),
      clock,
      webhookToleranceSeconds: 10,
    });
    const { body, headers } = signedWebhook(event, SECRET, nowSeconds() - 11);
    await expect(
      strict.parseWebhook({ rawBody: body, headers, secret: SECRET }),
    ).rejects.toMatchObject({ code: "timestamp_too_old" });
  });
});
