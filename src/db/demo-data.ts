import type { Database } from "./database.js";
import { newId } from "./ids.js";
import { createAccountsRepository } from "./repositories/accounts.js";
import { createEmbedTokensRepository } from "./repositories/embed-tokens.js";
import { createReasonsRepository } from "./repositories/reasons.js";
import type { NewEvent } from "./schema.js";
import type { Keyring } from "./secrets/keyring.js";

/** How often each default reason is picked, in the order of DEFAULT_REASONS. */
const REASON_WEIGHTS = [26, 18, 12, 16, 8, 4, 7, 4, 5];

const COMMENTS: Record<string, string[]> = {
  en: [
    "We only used it a couple of times a month, hard to justify the price.",
    "Our budget got cut this quarter.",
    "Needed a Salesforce integration, it never came.",
    "Moved to a tool our parent company already pays for.",
    "The export kept timing out on large reports.",
    "Waited three days for a support reply.",
    "We'll be back after the busy season.",
    "We are shutting the business down, thanks for everything!",
    "Great product, just not for us right now.",
    "Too many features we didn't need.",
  ],
  de: [
    "Leider zu teuer für unser kleines Team.",
    "Uns fehlt eine DATEV-Anbindung.",
    "Wir sind zu einem Mitbewerber gewechselt.",
  ],
  fr: [
    "Trop cher pour l'usage que nous en avons.",
    "Il manque l'export vers notre comptabilité.",
    "Nous reviendrons à la rentrée.",
  ],
  es: [
    "Demasiado caro para nosotros.",
    "Nos cambiamos a otra herramienta.",
    "Cerramos la empresa.",
  ],
};

const PLANS = [
  { name: "Starter", amount: 2900, weight: 50 },
  { name: "Growth", amount: 7900, weight: 32 },
  { name: "Business", amount: 19900, weight: 14 },
  { name: "Enterprise", amount: 49900, weight: 4 },
];

/** Small seeded PRNG (mulberry32): the same seed gives the same demo history. */
export function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pickWeighted<T>(
  random: () => number,
  items: readonly T[],
  weights: readonly number[],
): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let roll = random() * total;
  for (let i = 0; i < items.length; i++) {
    roll -= weights[i] ?? 0;
    if (roll < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}

/** A date in the last year, busier in January and on weekdays, as SaaS churn tends to be. */
function churnDate(random: () => number, now: number): Date {
  for (;;) {
    const date = new Date(now - random() * 365 * 86_400_000);
    const seasonal = date.getUTCMonth() === 0 ? 1 : date.getUTCMonth() === 7 ? 0.55 : 0.7;
    const weekday = date.getUTCDay() === 0 || date.getUTCDay() === 6 ? 0.5 : 1;
    if (random() < seasonal * weekday) return date;
  }
}

/** Whom a demo answer is about, when billing knows them (the demo's fake Stripe). */
export interface DemoSubject {
  customerOid: string;
  subscriptionOid: string;
  at: Date;
}

/**
 * Fills an account with `count` believable past events (answers, some dismissals). With
 * `subjects`, one answer or skip about each instead, without MRR or plan: the billing sync
 * fills those in from the provider, as it does for real answers.
 */
export async function seedDemoEvents(
  db: Database,
  accountId: string,
  count: number,
  seed = 42,
  subjects?: readonly DemoSubject[],
): Promise<void> {
  const random = prng(seed);
  const reasons = await createReasonsRepository(db).list(accountId);
  const locales = Object.keys(COMMENTS);
  const now = Date.now();
  const batch: NewEvent[] = [];
  const total = subjects?.length ?? count;
  for (let i = 0; i < total; i++) {
    const subject = subjects?.[i];
    const plan = subject
      ? null
      : pickWeighted(
          random,
          PLANS,
          PLANS.map((p) => p.weight),
        );
    const roll = random();
    // Most answer; some skip the question and cancel; a few close the dialog and stay (not
    // those whose subscription we know ended).
    const kind = roll < 0.06 && !subject ? "dismissal" : roll < 0.16 ? "skip" : "answer";
    const reason = kind === "answer" ? pickWeighted(random, reasons, REASON_WEIGHTS) : null;
    const locale = pickWeighted(random, locales, [80, 8, 7, 5]);
    const comments = COMMENTS[locale] ?? [];
    const comment =
      reason && random() < 0.55 ? comments[Math.floor(random() * comments.length)] : null;
    const customer = subject?.customerOid ?? `cus_demo_${Math.floor(random() * count * 3)}`;
    batch.push({
      account_id: accountId,
      id: newId("evt"),
      kind,
      source: "widget",
      reason_id: reason?.id ?? null,
      reason_text: reason?.text ?? null,
      comment: comment ?? null,
      customer_oid: customer,
      subscription_oids: [subject?.subscriptionOid ?? `sub_${customer.slice(4)}`],
      test_mode: false,
      idempotency_key: null,
      locale,
      mrr_amount: plan?.amount ?? null,
      mrr_currency: plan ? "usd" : null,
      plan: plan?.name ?? null,
      created_at: subject?.at ?? churnDate(random, now),
    });
    if (batch.length === 1000 || i === total - 1) {
      await db.insertInto("events").values(batch.splice(0)).execute();
    }
  }
}

export interface DemoAccount {
  accountId: string;
  accessTokenId: string;
  created: boolean;
}

/**
 * The demo account and its first active token, if there is one (src/demo makes it). Never any
 * other account: the public /demo page writes into it.
 */
export async function findDemoAccount(
  db: Database,
  secrets: Keyring,
): Promise<Omit<DemoAccount, "created"> | null> {
  const demo = await createAccountsRepository(db, { secrets }).findDemo();
  if (!demo) return null;
  const [token] = await createEmbedTokensRepository(db).listActive(demo.id);
  return token ? { accountId: demo.id, accessTokenId: token } : null;
}
