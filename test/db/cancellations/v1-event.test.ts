import { Value } from "typebox/value";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { V1Event } from "../../../src/contract/event.js";
import { lostMrrByReason } from "../../../src/db/queries/lost-mrr-by-reason.js";
import { DEFAULT_LINK_WINDOW_DAYS as WINDOW } from "../../../src/db/repositories/cancellation-answers.js";
import { createRepositories } from "../../../src/db/repositories/index.js";
import { toV1Event } from "../../../src/presenters/event.js";
import { storeEvent, v1Client } from "../../helpers/api.js";
import { createUser, signIn } from "../../helpers/auth.js";
import { testSecrets } from "../../helpers/secrets.js";
import { startTestServer, type TestServer } from "../../helpers/server.js";
import { cancellation } from "./fixtures.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
});
afterAll(() => server.close());

const usd = (amount: number) => ({ amount, currency: "usd" });

/** An answer naming two subscriptions, each cancelled with `mrr` and `plan`, linked. */
async function answerWithCancellations(
  customer: string,
  subscriptions: { mrr: { amount: number; currency: string } | null; plan: string | null }[],
) {
  const repos = createRepositories(server.database.db, { secrets: testSecrets });
  const ids = subscriptions.map((_, i) => `sub_${customer}_${i}`);
  const event = await storeEvent(server.database.db, {
    account_id: server.accountId,
    customer_oid: customer,
    subscription_oids: ids,
    reason_id: (await repos.reasons.list(server.accountId))[0]?.id ?? null,
  });
  for (const [i, sub] of subscriptions.entries()) {
    const { cancellation: row } = await repos.cancellations.record(
      cancellation(server.accountId, {
        subscription_id: ids[i],
        customer_id: customer,
        lost_mrr: sub.mrr,
        plan: sub.plan,
        requested_at: new Date(Date.now() + i * 1000),
      }),
    );
    await repos.cancellationAnswers.linkAnswers(row, WINDOW);
  }
  return { event, ids };
}

describe("v1 events carry MRR, plan and the subscriptions they explain", () => {
  it("an event with no linked cancellation: its own MRR and plan, none cancelled", async () => {
    const event = await storeEvent(server.database.db, {
      account_id: server.accountId,
      customer_oid: "cus_alone",
      subscription_oids: ["sub_x"],
      reason_id: "rsn_x",
      mrr_amount: 1200,
      mrr_currency: "eur",
      plan: "Team",
    });
    const v1 = toV1Event(event);
    expect(v1).toMatchObject({
      mrr: { amount: 1200, currency: "eur" },
      plan: "Team",
      cancelled_subscriptions: [],
      // Baremetrics' form, as before.
      subscriptions: [{ oid: "sub_x" }],
    });
    expect(Value.Check(V1Event, v1)).toBe(true);
  });

  it("through the REST API: each cancelled subscription with its MRR and plan, summed when one currency", async () => {
    const { event, ids } = await answerWithCancellations("cus_two", [
      { mrr: usd(4900), plan: "Pro" },
      { mrr: usd(1000), plan: "Pro" },
    ]);
    const call = v1Client(server);
    const shown = (await call("GET", `/events/${event.id}`)).json().event;
    expect(shown).toMatchObject({
      mrr: usd(5900),
      plan: "Pro",
      // Baremetrics' form, with each one's MRR as its integer `mrr`.
      subscriptions: [
        { oid: ids[0], mrr: 4900, currency: "usd" },
        { oid: ids[1], mrr: 1000, currency: "usd" },
      ],
      cancelled_subscriptions: [
        { id: ids[0], mrr: usd(4900), plan: "Pro" },
        { id: ids[1], mrr: usd(1000), plan: "Pro" },
      ],
    });
    expect(Value.Check(V1Event, shown)).toBe(true);
    const listed = (await call("GET", "/events?customer_oid=cus_two")).json().events;
    expect(listed[0].cancelled_subscriptions).toEqual(shown.cancelled_subscriptions);
    const updated = await call("PUT", `/events/${event.id}`, { payload: { comment: "new" } });
    expect(updated.json().event.cancelled_subscriptions).toEqual(shown.cancelled_subscriptions);
  });

  it("MRR and plan stay null where the cancelled subscriptions disagree or are not known", async () => {
    const { event } = await answerWithCancellations("cus_mixed", [
      { mrr: usd(4900), plan: "Pro" },
      { mrr: { amount: 900, currency: "eur" }, plan: "Starter" },
    ]);
    const shown = (await v1Client(server)("GET", `/events/${event.id}`)).json().event;
    expect(shown).toMatchObject({ mrr: null, plan: null });
    expect(shown.cancelled_subscriptions).toHaveLength(2);

    const unknown = await answerWithCancellations("cus_unknown", [{ mrr: null, plan: null }]);
    const shownUnknown = (await v1Client(server)("GET", `/events/${unknown.event.id}`)).json()
      .event;
    expect(shownUnknown).toMatchObject({
      mrr: null,
      plan: null,
      cancelled_subscriptions: [{ id: unknown.ids[0], mrr: null, plan: null }],
    });
    // An MRR not known is left out, not sent as 0.
    expect(shownUnknown.subscriptions).toEqual([{ oid: unknown.ids[0] }]);
  });

  it("the JSON export carries them too", async () => {
    const { ids } = await answerWithCancellations("cus_export", [{ mrr: usd(300), plan: "Basic" }]);
    await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
    const owner = await signIn(server, "owner@example.com");
    const response = await owner.request(
      "GET",
      `/api/accounts/${server.accountId}/export?format=json&customer_oid=cus_export`,
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).map((e: V1Event) => e.cancelled_subscriptions)).toEqual([
      [{ id: ids[0], mrr: usd(300), plan: "Basic" }],
    ]);
  });

  it("a site whose provider is not synced sends MRR and plan with the answer: stored, shown, counted once per customer", async () => {
    const call = v1Client(server);
    const reasonId = (await call("GET", "/reasons")).json().reasons[0].id;
    const answer = (comment: string) =>
      call("POST", "/events", {
        payload: {
          reason_id: reasonId,
          customer_oid: "cus_unsynced",
          comment,
          mrr: { amount: 4900, currency: "usd" },
          plan: "Pro",
        },
      });
    const today = new Date().toISOString().slice(0, 10);
    // The other tests' answers are in this account too: what these two add is compared.
    const usdLost = async () =>
      (
        await lostMrrByReason(server.database.db, {
          accountId: server.accountId,
          from: today,
          to: today,
          testMode: false,
          reasonIds: [reasonId],
        })
      ).find((r) => r.currency === "usd") ?? { amount: 0, losses: 0 };
    const before = await usdLost();
    const first = await answer("Too pricey.");
    expect(first.statusCode).toBe(200);
    expect(first.json().event).toMatchObject({ mrr: usd(4900), plan: "Pro" });
    expect((await answer("Really too pricey.")).statusCode).toBe(200);
    const after = await usdLost();
    expect(after.amount - before.amount).toBe(4900);
    expect(after.losses - before.losses).toBe(1);
  });

  it.each([
    [{ amount: -1, currency: "usd" }, "mrr"],
    [{ amount: 10.5, currency: "usd" }, "mrr"],
    [{ amount: 100, currency: "USD" }, "mrr"],
    [{ amount: 100 }, "mrr"],
  ])("refuses MRR %j, naming the field", async (mrr, field) => {
    const reasonId = (await v1Client(server)("GET", "/reasons")).json().reasons[0].id;
    const response = await v1Client(server)("POST", "/events", {
      payload: { reason_id: reasonId, customer_oid: "cus_bad_mrr", mrr },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.field).toContain(field);
  });
});
