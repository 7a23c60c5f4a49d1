import { base, call, STORE_TIMEOUT, type StoredEvent } from "./api.js";
import type { WidgetError } from "./report.js";

/** An answer or a dismissal as the server takes it; its key makes a resend harmless. */
export interface EventBody {
  idempotency_key: string;
  [field: string]: unknown;
}

interface Kept {
  at: number;
  body: EventBody;
}

// The server takes answered_ms_ago up to 7 days (ANSWER_MAX_AGE_MS of its widget schema).
const MAX_AGE = 6048e5;
const MAX_KEPT = 10;
// A resend is in no hurry, but a server that hangs must not hold the others up for good.
const RESEND_TIMEOUT = 1e4;

// One item per server: an answer only ever goes back to the server it was given for, and
// its body names its own token.
const slot = () => `barecancel:${base}`;

// Storage throws when it is off (Safari private mode, sandboxed iframes, blocked cookies)
// or full: then nothing is kept, and the widget works as it did before it kept anything.
function read(): Kept[] {
  try {
    const now = Date.now();
    return JSON.parse(localStorage.getItem(slot()) || "[]").filter(
      (k: Kept) => now - k.at < MAX_AGE && k.body.idempotency_key,
    );
  } catch {
    return [];
  }
}

function write(kept: Kept[]): void {
  try {
    if (kept[0]) localStorage.setItem(slot(), JSON.stringify(kept));
    else localStorage.removeItem(slot());
  } catch {}
}

function forget(body: EventBody): void {
  write(read().filter((k) => k.body.idempotency_key !== body.idempotency_key));
}

const status = (e: unknown) => ((e as WidgetError).details?.status as number) || 0;
/** The server's final word: any 4xx but 429 would be the same answer every time. */
const refused = (e: unknown) => status(e) >= 400 && status(e) < 500 && status(e) !== 429;
/** Worth a second try at once: the request never arrived, or the server stumbled. */
const retryable = (e: unknown) => !!(e as WidgetError).details?.network || status(e) >= 500;

function post(body: EventBody, ms: number): Promise<StoredEvent> {
  // A string body goes out as text/plain: a "simple" request, so no CORS preflight.
  // keepalive: the page may navigate away (the cancel goes on) with the request under way.
  const init = { method: "POST", body: JSON.stringify(body), keepalive: true };
  return call("/api/widget/events", init, ms, "store_failed").then((reply) => reply.event);
}

/**
 * Stores an answer or a dismissal. Until the server has it, or has refused it for good, it
 * is kept in the host page's localStorage and sent again on a later page (resendKept).
 */
export async function storeEvent(body: EventBody): Promise<StoredEvent> {
  // Kept before it is sent, so a tab closed mid-request loses nothing either.
  write([...read().slice(1 - MAX_KEPT), { at: Date.now(), body }]);
  const until = Date.now() + STORE_TIMEOUT;
  for (let attempt = 0; ; attempt++) {
    try {
      const event = await post(body, until - Date.now());
      forget(body);
      return event;
    } catch (e) {
      if (refused(e)) forget(body);
      if (attempt || !retryable(e) || until - Date.now() < 800) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Sends what earlier pages kept, oldest first and one at a time (keepalive requests share
 * 64 KB in flight), without a word to the site: its callbacks belong to its own cancels.
 * Two tabs may send the same answer at once; its idempotency key stores it once.
 */
export async function resendKept(): Promise<void> {
  for (const { at, body } of read()) {
    try {
      await post({ ...body, answered_ms_ago: Math.max(0, Date.now() - at) }, RESEND_TIMEOUT);
    } catch (e) {
      // The server is still away: the rest waits for another page.
      if (!refused(e)) return;
    }
    forget(body);
  }
}
