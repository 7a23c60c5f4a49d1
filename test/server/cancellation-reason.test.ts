import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cancelNow,
  scheduleCancellation,
} from "../../src/billing/stripe/fake/subscription-changes.js";
import { TEST_KEY } from "../billing/stripe/fake.js";
import { postWidgetEvent } from "../helpers/api.js";
import { type Client, createAccount, createUser, signIn } from "../helpers/auth.js";
import { fakeStripeEnv, stripeWithPro, syncAll } from "../helpers/billing-account.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

// Real time: the cancellations are dated now, and the insights below ask about these days.
const { fake, stripe, pro } = await stripeWithPro();
const customer = (email: string, quantity = 1) => {
  const c = stripe.createCustomer({ email });
  const sub = stripe.createSubscription({ customer: c.id, items: [{ price: pro.id, quantity }] });
  return { id: c.id, subscription: sub.id };
};
/** Cancelled in the portal, saying it costs too much: put down to "Too expensive". */
const ann = customer("ann@example.com");
/** Cancelled in the portal with a comment only: no reason until the owner picks one. */
const cara = customer("cara@example.com", 2);
/** Cancelled after answering the widget: the answer's reason counts. */
const dan = customer("dan@example.com", 3);
const ANN_COMMENT = "The price doubled this year";
stripe.change(
  ann.subscription,
  scheduleCancellation({ feedback: "too_expensive", comment: ANN_COMMENT }),
);
stripe.change(cara.subscription, cancelNow({ comment: "Going elsewhere" }));
stripe.change(dan.subscription, cancelNow());

const env = fakeStripeEnv(fake);
let server: TestServer;
let owner: Client;
let member: Client;
let base: string;
/** The account's reasons by text. */
let reasons: Record<string, string>;
/** Another account: its owner, a reason and a cancellation of its own. */
let other: { owner: Client; base: string; reasonId: string; cancellationId: string };

const today = new Date().toISOString().slice(0, 10);
const range = `from=${today.slice(0, 8)}01&to=${today}&include_test=true`;

beforeAll(async () => {
  server = await startTestServer({ listen: false, env });
  base = `/api/accounts/${server.accountId}`;
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  await createUser(server, "member@example.com", { accounts: [[server.accountId, "member"]] });
  owner = await signIn(server, "owner@example.com");
  member = await signIn(server, "member@example.com");
  const listed = (await owner.request("GET", `${base}/reasons`)).json().reasons;
  reasons = Object.fromEntries(listed.map((r: { id: string; text: string }) => [r.text, r.id]));

  const connected = await owner.request("POST", `${base}/billing/stripe`, { api_key: TEST_KEY });
  expect(connected.statusCode).toBe(201);
  await syncAll(server, env);
  const answered = await postWidgetEvent(server, {
    access_token_id: server.accessTokenId,
    customer_oid: dan.id,
    subscription_oids: [dan.subscription],
    reason_id: reasons["Technical problems"],
    test_mode: true,
    idempotency_key: "cancellation-reason-dan",
  });
  expect(answered.statusCode).toBe(201);

  const account = await createAccount(server, "Other Co");
  const otherId = account.account.id;
  await createUser(server, "other@example.com", { accounts: [[otherId, "owner"]] });
  const otherOwner = await signIn(server, "other@example.com");
  const otherBase = `/api/accounts/${otherId}`;
  const otherReason = (await otherOwner.request("GET", `${otherBase}/reasons`)).json().reasons[0];
  const { cancellation } = await server.app.repos.cancellations.record({
    account_id: otherId,
    connection_id: null,
    subscription_id: "sub_other",
    customer_id: "cus_other",
    test_mode: false,
    path: "portal",
    timing: "immediate",
    state: "ended",
    requested_at: new Date(),
    reason_id: otherReason.id,
  });
  other = {
    owner: otherOwner,
    base: otherBase,
    reasonId: otherReason.id,
    cancellationId: cancellation.id,
  };
});

afterAll(() => server?.close());

async function cancellationOf(customerId: string) {
  const response = await member.request(
    "GET",
    `${base}/customers/billing?customer_oid=${encodeURIComponent(customerId)}`,
  );
  expect(response.statusCode).toBe(200);
  const [cancellation] = response.json().cancellations;
  expect(cancellation).toBeDefined();
  return cancellation;
}

/** The insights' lost MRR per reason text, in cents of usd (reasons without any left out). */
async function lostMrrByReason(): Promise<Record<string, number>> {
  const response = await member.request("GET", `${base}/insights?${range}`);
  expect(response.statusCode).toBe(200);
  const rows: { text: string; lost_mrr: { amount: number; currency: string }[] }[] =
    response.json().reasons;
  return Object.fromEntries(
    rows.filter((r) => r.lost_mrr.length > 0).map((r) => [r.text, r.lost_mrr[0]?.amount ?? 0]),
  );
}

const setReason = (client: Client, id: string, reasonId: unknown, at = base) =>
  client.request("PATCH", `${at}/cancellations/${id}`, { reason_id: reasonId });

describe("a cancellation's reason on the customer's page", () => {
  it("is the portal feedback mapped to the account's reason, with the customer's comment", async () => {
    expect(await cancellationOf(ann.id)).toMatchObject({
      path: "portal",
      provider_feedback: "too_expensive",
      provider_comment: ANN_COMMENT,
      reason_id: reasons["Too expensive"],
      answered: false,
    });
    expect(await cancellationOf(cara.id)).toMatchObject({
      path: "portal",
      provider_feedback: null,
      reason_id: null,
      answered: false,
    });
    expect(await cancellationOf(dan.id)).toMatchObject({
      answered: true,
      reason_id: reasons["Technical problems"],
      reason_source: "answer",
      owner_reason_id: null,
      answer_reason_id: reasons["Technical problems"],
    });
    expect(await lostMrrByReason()).toEqual({ "Too expensive": 2900, "Technical problems": 8700 });
  });
});

describe("PATCH /cancellations/:cancellation_id", () => {
  it("lets an owner change it, and the lost MRR moves to the new reason", async () => {
    const { id } = await cancellationOf(ann.id);
    const response = await setReason(owner, id, reasons["Missing features I need"]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      cancellation: {
        id,
        reason_id: reasons["Missing features I need"],
        reason_source: "owner",
        answer_reason_id: null,
      },
    });
    expect((await cancellationOf(ann.id)).reason_id).toBe(reasons["Missing features I need"]);
    expect(await lostMrrByReason()).toEqual({
      "Missing features I need": 2900,
      "Technical problems": 8700,
    });
  });

  it("gives a reason to a cancellation that had none, and takes it away again", async () => {
    const { id } = await cancellationOf(cara.id);
    const set = await setReason(owner, id, reasons["Switched to a competitor"]);
    expect(set.json().cancellation.reason_id).toBe(reasons["Switched to a competitor"]);
    expect(await lostMrrByReason()).toMatchObject({ "Switched to a competitor": 5800 });
    const cleared = await setReason(owner, id, null);
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().cancellation.reason_id).toBeNull();
    expect((await cancellationOf(cara.id)).reason_id).toBeNull();
    expect(await lostMrrByReason()).not.toHaveProperty("Switched to a competitor");
  });

  it("puts an answered cancellation down to the owner's correction: the owner knows best", async () => {
    const { id } = await cancellationOf(dan.id);
    const response = await setReason(owner, id, reasons.Other);
    expect(response.json().cancellation).toEqual({
      id,
      reason_id: reasons.Other,
      reason_source: "owner",
      answer_reason_id: reasons["Technical problems"],
    });
    expect(await lostMrrByReason()).toEqual({
      "Missing features I need": 2900,
      Other: 8700,
    });
    // Cleared, the answer counts again.
    expect((await setReason(owner, id, null)).json().cancellation).toMatchObject({
      reason_id: reasons["Technical problems"],
      reason_source: "answer",
    });
    expect(await lostMrrByReason()).toEqual({
      "Missing features I need": 2900,
      "Technical problems": 8700,
    });
  });

  it("refuses members with 403 and changes nothing", async () => {
    const { id } = await cancellationOf(ann.id);
    const response = await setReason(member, id, reasons["Too expensive"]);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("forbidden");
    expect((await cancellationOf(ann.id)).reason_id).toBe(reasons["Missing features I need"]);
  });

  it("validates the body on reason_id", async () => {
    const { id } = await cancellationOf(ann.id);
    for (const body of [{}, { reason_id: 42 }, { reason_id: "" }, { reason_id: "x".repeat(101) }]) {
      const response = await owner.request("PATCH", `${base}/cancellations/${id}`, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error).toMatchObject({ code: "validation_error", field: "reason_id" });
    }
  });

  it("refuses an unknown, archived or another account's reason with 422 on reason_id", async () => {
    const { id } = await cancellationOf(ann.id);
    const archived = reasons["Business closed"] as string;
    const archive = await owner.request("PATCH", `${base}/reasons/${archived}`, { archived: true });
    expect(archive.statusCode).toBe(200);
    for (const reasonId of ["rsn_doesnotexist", archived, other.reasonId]) {
      const response = await setReason(owner, id, reasonId);
      expect(response.statusCode, reasonId).toBe(422);
      expect(response.json().error).toMatchObject({ code: "unknown_reason", field: "reason_id" });
      expect(response.body).not.toContain(other.reasonId);
    }
    expect((await cancellationOf(ann.id)).reason_id).toBe(reasons["Missing features I need"]);
  });

  it("answers 404 for another account's cancellation or none, without its id", async () => {
    for (const id of [other.cancellationId, "can_doesnotexist"]) {
      const response = await setReason(owner, id, null);
      expect(response.statusCode, id).toBe(404);
      expect(response.json().error).toEqual({
        code: "not_found",
        message: "No such cancellation.",
      });
    }
    const theirs = await setReason(owner, other.cancellationId, null, other.base);
    expect(theirs.statusCode).toBe(404);
    const still = await server.app.repos.cancellations.get(
      (await other.owner.request("GET", other.base)).json().account.id,
      other.cancellationId,
    );
    expect(still?.reason_id).toBe(other.reasonId);
  });
});
