import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { DatabaseHandle } from "../../src/db/database.js";
import { createRepositories } from "../../src/db/repositories/index.js";
import { createDemoAccount } from "../../src/demo/demo-account.js";
import { DEMO_OFFER_REASON } from "../../src/demo/demo-retention.js";
import { defaultSteps } from "../../src/mail/campaign-defaults.js";
import { createTestDatabase } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";
import { silent } from "../jobs/setup.js";

describe("the demo account", () => {
  let handle: DatabaseHandle;
  let accountId: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const deps = { db: handle.db, secrets: testSecrets, config: loadConfig({}), log: silent };
    ({ accountId } = await createDemoAccount(deps, { answers: 120, seed: 7 }));
  }, 120_000);
  afterAll(() => handle?.close());

  const rows = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(handle.db)).rows;

  it("gets its revenue from the bundled fake Stripe through the sync: every answer's MRR and plan, from the cancellation it is linked to", async () => {
    const answers = await rows<{
      id: string;
      mrr: number | null;
      plan: string | null;
      lost: number | null;
      linked: number;
    }>(sql`
      select e.id, e.mrr_amount::int as mrr, e.plan, c.lost_mrr_amount::int as lost,
             count(l.cancellation_id) over (partition by e.id)::int as linked
      from events e
      left join cancellation_answers l on l.event_id = e.id
      left join cancellations c on c.id = l.cancellation_id
      where e.account_id = ${accountId}`);
    expect(answers.length).toBeGreaterThan(80);
    for (const answer of answers) {
      expect(answer.linked).toBe(1);
      expect(answer.mrr).toBeGreaterThan(0);
      expect(answer.mrr).toBe(answer.lost);
      expect(answer.plan).not.toBeNull();
    }
  });

  it("has cancellations of every path, involuntary ones apart, and a reactivation", async () => {
    const byPath = await rows<{ path: string; voluntary: boolean; state: string }>(sql`
      select distinct path, voluntary, state from cancellations where account_id = ${accountId}`);
    const paths = new Set(byPath.map((r) => r.path));
    expect(paths).toEqual(new Set(["portal", "provider", "payment_failure", "unknown"]));
    expect(byPath.filter((r) => r.path === "payment_failure").every((r) => !r.voluntary)).toBe(
      true,
    );
    expect(byPath.some((r) => r.state === "reactivated")).toBe(true);
    const withFeedback = await rows<{ n: number }>(sql`
      select count(*)::int as n from cancellations
      where account_id = ${accountId} and path = 'portal' and provider_feedback is not null
        and reason_id is not null`);
    expect(withFeedback[0]?.n).toBeGreaterThan(0);
  });

  it("keeps what the sync brought, with the fake's connection closed and no key kept", async () => {
    const repos = createRepositories(handle.db, { secrets: testSecrets });
    const [connection, ...others] = await repos.billingConnections.listForAccount(accountId);
    expect(others).toEqual([]);
    expect(connection?.status).toBe("disconnected");
    expect(
      await repos.billingConnections.openApiKey(accountId, connection?.id ?? ""),
    ).toBeUndefined();
    const subscriptions = await rows<{ n: number }>(sql`
      select count(*)::int as n from billing_subscriptions where account_id = ${accountId}`);
    expect(subscriptions[0]?.n).toBe(240);
  });

  it("has a discount offer and a paused win-back campaign with the default steps, both on the too-expensive reason", async () => {
    const repos = createRepositories(handle.db, { secrets: testSecrets });
    const reason = (await repos.reasons.list(accountId)).find((r) => r.text === DEMO_OFFER_REASON);
    const [offer, ...otherOffers] = await repos.offers.list(accountId);
    expect(otherOffers).toEqual([]);
    expect(offer).toMatchObject({
      kind: "discount",
      active: true,
      reason_ids: [reason?.id],
      params: { percent_off: 20, duration_in_months: 3 },
    });
    const [campaign, ...otherCampaigns] = await repos.campaigns.list(accountId);
    expect(otherCampaigns).toEqual([]);
    expect(campaign).toMatchObject({
      active: false,
      reason_ids: [reason?.id],
      offer_id: offer?.id,
      steps: defaultSteps(),
    });
  });

  it("is live data of the demo account only", async () => {
    const account = await createRepositories(handle.db, {
      secrets: testSecrets,
    }).accounts.findDemo();
    expect(account?.id).toBe(accountId);
    const test = await rows<{ n: number }>(sql`
      select (select count(*) from events where test_mode) + (select count(*) from cancellations where test_mode) as n`);
    expect(Number(test[0]?.n)).toBe(0);
  });
});
