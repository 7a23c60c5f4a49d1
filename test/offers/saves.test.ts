import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { scheduleCancellation } from "../../src/billing/stripe/fake/subscription-changes.js";
import { offerSaveCheck, SAVE_RECHECK_MS } from "../../src/offers/save-check.js";
import { WebhookPayload } from "../../src/webhooks/payload.js";
import { VirtualClock } from "../billing/virtual-clock.js";
import { stripeWithPro } from "../helpers/billing-account.js";
import { jobContext } from "../helpers/job-context.js";
import { offerWidgetServer } from "../helpers/offer-widget.js";
import { testSecrets } from "../helpers/secrets.js";
import { silent } from "../jobs/setup.js";
import { createReceiver } from "../webhooks/receiver.js";
import { FAST_WEBHOOKS } from "../webhooks/setup.js";

const DAY = 24 * 3600_000;
// The controlled clock of the provider and of the jobs' decisions: it starts now (accepts are
// dated by the database) and moves only when a test moves it.
const clock = new VirtualClock(Date.now());
const { fake, stripe, subscribed } = await stripeWithPro(clock.now);
const [ann, bob, cat, dan, eve] = [
  subscribed(),
  subscribed(),
  subscribed(),
  subscribed(),
  subscribed(),
];
const receiver = await createReceiver();
await receiver.up();
// Deliveries go out when the test drains its worker, the only one (the server runs none).
const widget = offerWidgetServer(fake, {
  now: clock.now,
  env: { ...FAST_WEBHOOKS, WORKER: "off" },
});

const db = () => widget.server().database.db;
const accountId = () => widget.server().accountId;

async function acceptOffer(customer: string): Promise<string> {
  const offer = await widget.offerFor(customer);
  const accepted = await widget.accept(customer, offer.offer_token);
  expect(accepted.statusCode).toBe(200);
  return accepted.json().accepted.acceptance_id;
}

const acceptance = (id: string) =>
  db().selectFrom("offer_acceptances").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

const saveJob = (acceptanceId: string) =>
  db()
    .selectFrom("jobs")
    .selectAll()
    .where("kind", "=", offerSaveCheck.kind)
    .where("dedupe_key", "=", acceptanceId)
    .executeTakeFirstOrThrow();

/** How far ahead a job was put when it was last settled, by the database's clock. */
const rescheduledInMs = (job: { run_at: Date; updated_at: Date }) =>
  new Date(job.run_at).getTime() - new Date(job.updated_at).getTime();

/** Days pass on the controlled clock; the save checks are made due by the database's clock. */
async function daysLater(days: number) {
  clock.advance(days * DAY);
  await db()
    .updateTable("jobs")
    .set({ run_at: new Date() })
    .where("kind", "=", offerSaveCheck.kind)
    .where("status", "=", "pending")
    .execute();
  await widget.drain();
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
/** The payload's schema, as the OpenAPI document publishes it. */
const validPayload = addFormats(new Ajv2020({ strict: false })).compile(WebhookPayload);

/** What the receiver got of `type`: each body valid as published, its retention data. */
const received = (type: string) =>
  receiver
    .accepted()
    .map((r) => JSON.parse(r.body))
    .filter((body) => body.type === type)
    .map((body) => {
      expect(validPayload(body), JSON.stringify(validPayload.errors)).toBe(true);
      return body.data.retention;
    });

describe("proof of saves, on a controlled clock", () => {
  const ids: Record<string, string> = {};

  it("an accept is pending, checked when the window ends, and announced as accepted", async () => {
    await widget.owner().request("POST", `/api/accounts/${accountId()}/webhooks`, {
      url: receiver.url,
      include_test: true,
    });
    for (const [name, customer] of Object.entries({ ann, bob, cat, dan, eve })) {
      ids[name] = await acceptOffer(customer.id);
    }
    const row = await acceptance(ids.ann ?? "");
    expect(row).toMatchObject({ result: "applied", save_status: "pending", save_decided_at: null });
    const windowMs = new Date(row.save_due_at ?? 0).getTime() - row.created_at.getTime();
    expect(windowMs).toBe(30 * DAY);
    const job = await saveJob(ids.ann ?? "");
    expect(new Date(job.run_at).getTime()).toBe(new Date(row.save_due_at ?? 0).getTime());

    await widget.drain();
    const accepted = received("retention.accepted");
    expect(accepted).toHaveLength(5);
    expect(accepted.find((r) => r.acceptance_id === ids.ann)).toEqual({
      acceptance_id: ids.ann,
      offer_id: row.offer_id,
      offer_kind: "discount",
      customer_oid: ann.id,
      subscription_oid: ann.subscription,
      test_mode: true,
      accepted_at: row.created_at.toISOString(),
      save: {
        status: "pending",
        due_at: new Date(row.save_due_at ?? 0).toISOString(),
        decided_at: null,
        saved_mrr: null,
        invoice_oid: null,
      },
    });
  });

  it("decides nothing before the window ends, even for a customer who set to cancel", async () => {
    stripe.change(bob.subscription, scheduleCancellation());
    await daysLater(29);
    for (const id of Object.values(ids)) {
      expect((await acceptance(id)).save_status).toBe("pending");
    }
    // Asked again when the window ends, a day on (the accepts came seconds after the clock's start).
    const job = await saveJob(ids.bob ?? "");
    expect(job.status).toBe("pending");
    expect(Math.abs(rescheduledInMs(job) - DAY)).toBeLessThan(60_000);
  });

  it("after the window: paid is saved, set to cancel or unpaid for good is lost, the rest waits", async () => {
    clock.advance(DAY);
    stripe.settleInvoice(stripe.createInvoice(ann.subscription).id, "paid");
    stripe.createInvoice(cat.subscription);
    stripe.settleInvoice(stripe.createInvoice(cat.subscription).id, "void");
    const dansInvoice = stripe.createInvoice(dan.subscription);
    // A zero invoice proves nothing; Eve has no charged invoice yet.
    stripe.settleInvoice(stripe.createInvoice(eve.subscription, { amountDue: 0 }).id, "paid");
    await daysLater(1);

    const annRow = await acceptance(ids.ann ?? "");
    expect(annRow).toMatchObject({
      save_status: "saved",
      save_reason: "invoice_paid",
      saved_mrr_amount: 2900,
      saved_mrr_currency: "usd",
    });
    expect(annRow.save_invoice_id).toMatch(/^in_/);
    expect(await acceptance(ids.bob ?? "")).toMatchObject({
      save_status: "lost",
      save_reason: "cancel_scheduled",
      saved_mrr_amount: null,
    });
    // Cat's first charged invoice is the open one made first, not the voided one after it.
    expect(await acceptance(ids.cat ?? "")).toMatchObject({ save_status: "pending" });
    expect(await acceptance(ids.dan ?? "")).toMatchObject({ save_status: "pending" });
    expect(await acceptance(ids.eve ?? "")).toMatchObject({ save_status: "pending" });
    expect((await saveJob(ids.ann ?? "")).status).toBe("done");
    expect(rescheduledInMs(await saveJob(ids.dan ?? ""))).toBe(SAVE_RECHECK_MS);

    stripe.settleInvoice(dansInvoice.id, "paid");
    const catsFirst = stripe.invoices.page(
      {
        limit: 10,
        createdFrom: 0,
        createdTo: Number.MAX_SAFE_INTEGER,
        where: (i) => i.parent?.subscription_details?.subscription === cat.subscription,
      },
      "/v1/invoices",
    ).data;
    const open = catsFirst.find((i) => i.status === "open");
    stripe.settleInvoice(open?.id ?? "", "uncollectible");
    await daysLater(1);
    expect(await acceptance(ids.dan ?? "")).toMatchObject({ save_status: "saved" });
    expect(await acceptance(ids.cat ?? "")).toMatchObject({
      save_status: "lost",
      save_reason: "invoice_unpaid",
      save_invoice_id: open?.id,
    });
    expect(await acceptance(ids.eve ?? "")).toMatchObject({ save_status: "pending" });

    const saved = received("retention.saved");
    expect(saved.map((r) => r.acceptance_id).sort()).toEqual([ids.ann, ids.dan].sort());
    expect(saved.find((r) => r.acceptance_id === ids.ann)?.save).toMatchObject({
      status: "saved",
      saved_mrr: { amount: 2900, currency: "usd" },
      invoice_oid: annRow.save_invoice_id,
    });
  });

  it("two workers checking the same save at once decide and announce it once", async () => {
    stripe.settleInvoice(stripe.createInvoice(eve.subscription).id, "paid");
    const services = {
      db: db(),
      secrets: testSecrets,
      config: widget.config,
      log: silent,
      now: clock.now,
    };
    const payload = { accountId: accountId(), acceptanceId: ids.eve ?? "" };
    const context = jobContext(services, accountId());
    await Promise.all([offerSaveCheck.run(payload, context), offerSaveCheck.run(payload, context)]);
    await offerSaveCheck.run(payload, context);
    expect(await acceptance(ids.eve ?? "")).toMatchObject({ save_status: "saved" });
    const deliveries = await db()
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("event_type", "=", "retention.saved")
      .where("event_id", "=", ids.eve ?? "")
      .execute();
    expect(deliveries).toHaveLength(1);
  });
});
