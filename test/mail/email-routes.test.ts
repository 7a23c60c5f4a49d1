import { beforeAll, describe, expect, it } from "vitest";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { liveSync } from "../sync/live.js";
import { reasonFlow } from "./reason-flow.js";

// No SMTP_URL: the log shows the outbox's messages.
const live = await liveSync();
const flow = reasonFlow(live);
let owner: Client;
let member: Client;
const base = () => `/api/accounts/${live.server().accountId}`;

beforeAll(async () => {
  const accountId = live.server().accountId;
  await createUser(live.server(), "owner@acme.test", { accounts: [[accountId, "owner"]] });
  await createUser(live.server(), "member@acme.test", { accounts: [[accountId, "member"]] });
  owner = await signIn(live.server(), "owner@acme.test");
  member = await signIn(live.server(), "member@acme.test");
});

describe("email settings", () => {
  it("start at an hour's delay and a 14-day link; the owner changes them, a member may not", async () => {
    const initial = await member.request("GET", `${base()}/email-settings`);
    expect(initial.json()).toEqual({
      settings: { reason_delay_minutes: 60, reason_link_days: 14 },
    });
    expect(
      (await member.request("PATCH", `${base()}/email-settings`, { reason_link_days: 3 }))
        .statusCode,
    ).toBe(403);
    const changed = await owner.request("PATCH", `${base()}/email-settings`, {
      reason_delay_minutes: 5,
    });
    expect(changed.json()).toEqual({ settings: { reason_delay_minutes: 5, reason_link_days: 14 } });
    const bad = await owner.request("PATCH", `${base()}/email-settings`, { reason_link_days: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe("reason_link_days");
  });

  it("the delay set is the one a new cancellation's email waits", async () => {
    await owner.request("PATCH", `${base()}/email-settings`, { reason_delay_minutes: 0 });
    const { cancellation } = await flow.cancelled("pia@example.com");
    // Due at once: the drain after the webhook sent it.
    expect(await flow.emailOf(cancellation.id)).toMatchObject({ status: "outbox" });
  });
});

describe("the email log", () => {
  it("lists the account's emails, newest first, with the outbox's messages", async () => {
    await owner.request("PATCH", `${base()}/email-settings`, { reason_delay_minutes: 60 });
    const { cancellation } = await flow.cancelled("quinn@example.com");
    const page = (await member.request("GET", `${base()}/emails?limit=1`)).json();
    expect(page.transport).toBe("outbox");
    expect(page.emails).toEqual([
      expect.objectContaining({
        kind: "reason",
        status: "scheduled",
        cancellation_id: cancellation.id,
        to: null,
        message: null,
      }),
    ]);
    expect(page.next_cursor).toEqual(expect.any(String));
    const next = (
      await member.request("GET", `${base()}/emails?limit=1&cursor=${page.next_cursor}`)
    ).json();
    expect(next.emails).toEqual([
      expect.objectContaining({
        status: "outbox",
        to: "pia@example.com",
        message: { text: expect.stringContaining("/r/"), html: expect.any(String) },
      }),
    ]);
  });
});
