import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, ownerAndMember } from "../helpers/auth.js";
import { offerRows } from "../helpers/offer-rows.js";
import { DISCOUNT_OFFER } from "../helpers/offer-widget.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const DAY = 24 * 3600_000;
let server: TestServer;
let owner: Client;
let member: Client;

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  ({ owner, member } = await ownerAndMember(server));
});
afterAll(() => server?.close());

const db = () => server.database.db;
const repos = () => server.app.repos;
const queries = () => server.app.queries;

const { exposure, cancels, saved: decideSaved } = offerRows(db, repos);

describe("retention shown an offer against held out", () => {
  it("counts each live customer once, in the group of their first exposure, once the window is over", async () => {
    const { account } = await repos().accounts.create("Lift Co");
    const t0 = new Date("2026-03-01T00:00:00Z");
    const at = (days: number) => new Date(t0.getTime() + days * DAY);
    // Shown: 12 customers. Two cancel within the window, one cancels and takes it back, one
    // cancels after the window: 10 stayed.
    for (let i = 0; i < 12; i++) await exposure(account.id, `t${i}`, "shown", t0);
    await cancels(account.id, "t0", at(0));
    await cancels(account.id, "t1", at(29));
    await cancels(account.id, "t2", at(3), true);
    await cancels(account.id, "t3", at(31));
    // Held out: 10 customers; 6 cancel (one a few seconds "before", the provider's clock).
    for (let i = 0; i < 10; i++) await exposure(account.id, `h${i}`, "held_out", t0);
    for (let i = 0; i < 5; i++) await cancels(account.id, `h${i}`, at(0.001));
    await cancels(account.id, "h5", new Date(t0.getTime() - 5_000));
    // A customer held out first and shown later stays held out; a test-mode one counts nowhere.
    await exposure(account.id, "h0", "shown", at(1));
    await exposure(account.id, "x0", "shown", t0, { testMode: true });
    // Shown 25 days in: its window is not over at day 31.
    await exposure(account.id, "late", "shown", at(25));
    // Another account's cancellation of a same-named customer is not ours.
    const other = await repos().accounts.create("Other Co");
    await cancels(other.account.id, "t4", at(1));

    const groups = await queries().retentionGroups(account.id, { days: 30, now: at(31) });
    expect(groups).toEqual({
      treated: { n: 12, retained: 10 },
      holdout: { n: 10, retained: 4 },
    });
    // The day before the window ends for all, nobody counts yet.
    expect(await queries().retentionGroups(account.id, { days: 30, now: at(29) })).toEqual({
      treated: { n: 0, retained: 0 },
      holdout: { n: 0, retained: 0 },
    });
  });
});

describe("GET /offers/performance", () => {
  const url = () => `/api/accounts/${server.accountId}/offers/performance`;

  it("has no figures and no lift before any offer was shown", async () => {
    const response = await owner.request("GET", url());
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      save_days: 30,
      holdout_percent: 0,
      offers: [],
      lift: null,
      lift_min_group: 10,
    });
  });

  it("gives each offer's figures and, with enough customers, the lift", async () => {
    const accountId = server.accountId;
    const offer = await repos().offers.create(accountId, { ...DISCOUNT_OFFER, reason_ids: [] });
    const now = Date.now();
    const old = new Date(now - 40 * DAY);
    for (let i = 0; i < 12; i++) {
      await exposure(accountId, `s${i}`, "shown", old, { offerId: offer.id });
    }
    for (let i = 0; i < 10; i++) {
      await exposure(accountId, `k${i}`, "held_out", old, { offerId: offer.id });
    }
    for (let i = 0; i < 6; i++) await cancels(accountId, `k${i}`, old);
    const saved = await exposure(accountId, "s0", "applied", old, { offerId: offer.id });
    const savedEur = await exposure(accountId, "s1", "applied", old, { offerId: offer.id });
    const lost = await exposure(accountId, "s2", "applied", old, { offerId: offer.id });
    await exposure(accountId, "s3", "applied", old, { offerId: offer.id });
    await exposure(accountId, "s4", "failed", old, { offerId: offer.id });
    await exposure(accountId, "s5", "applied", old, { offerId: offer.id, testMode: true });
    await decideSaved(accountId, saved, { amount: 2900, currency: "usd" });
    await decideSaved(accountId, savedEur, { amount: 1500, currency: "eur" });
    await repos().offerAcceptances.decideSave(accountId, lost, {
      status: "lost",
      reason: "cancel_scheduled",
      savedMrr: null,
      invoiceId: null,
    });
    // A deleted offer keeps its figures, without a title.
    await exposure(accountId, "s6", "shown", old, { offerId: "ofr_gone" });

    for (const client of [owner, member]) {
      const response = await client.request("GET", url());
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.save_days).toBe(30);
      expect(body.lift_min_group).toBe(10);
      expect(body.offers).toEqual(
        expect.arrayContaining([
          {
            offer_id: offer.id,
            kind: "discount",
            title: DISCOUNT_OFFER.title,
            shown: 12,
            accepted: 4,
            failed: 1,
            held_out: 10,
            saves: { pending: 1, saved: 2, lost: 1 },
            saved_mrr: [
              { amount: 2900, currency: "usd" },
              { amount: 1500, currency: "eur" },
            ],
          },
          expect.objectContaining({ offer_id: "ofr_gone", title: null, shown: 1 }),
        ]),
      );
      expect(body.offers).toHaveLength(2);
      expect(body.lift).toEqual({
        treated_rate: 1,
        holdout_rate: 0.4,
        difference: expect.closeTo(0.6, 12),
        ci_low: expect.any(Number),
        ci_high: expect.any(Number),
        n_treated: 12,
        n_holdout: 10,
      });
      expect(body.lift.ci_low).toBeGreaterThan(0);
      expect(body.lift.ci_high).toBeLessThanOrEqual(1);
    }
  });
});
