import { base, call, type Texts, withTimeout } from "./api.js";
import { h } from "./dom.js";
import type { Modal } from "./modal.js";
import type { Params } from "./params.js";
import { fail, report } from "./report.js";

/** Where the offer step's script leaves its entry point for the base script. */
export const OFFER_HOOK = Symbol.for("barecancel.offer");

/**
 * What the base script lends the offer step. Kept small, as every byte of it is in the
 * base: the step brings the rest (the callback, its error reports) in its own script.
 */
export interface OfferContext {
  /** The base's, which knows the server's address. */
  call: typeof call;
  p: Params;
  reason_id: string;
  texts: Texts;
  show: Modal["show"];
  /** What is left of the time the cancel may wait for an offer, in milliseconds. */
  ms: number;
  /**
   * "No thanks, cancel", on screen while the offer loads; the step shows it beside the
   * offer. Its click is the cancel: the base stops waiting for the step then, and disables
   * it, which is how the step knows.
   */
  no: HTMLButtonElement;
}

/**
 * Settles with true once the customer took the offer and is done with the thanks, with
 * false when there is no offer; a click on `no` settles the cancel without it.
 */
export type OfferStep = (ctx: OfferContext) => Promise<boolean>;

// The longest the cancel waits for an offer, the step's script included (usually loaded
// long before: fetching starts when the modal opens). No offer is better than a slow one.
const OFFER_TIMEOUT = 3000;

let step: Promise<OfferStep> | undefined;

/** Adds the offer step's script to the page once; a failed load is tried again next time. */
export function loadOfferStep(): Promise<OfferStep> {
  if (!step) {
    step = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = `${base}/barecancel-offer.js`;
      // Loaded or not, the hook tells: a script that failed or did not run left none.
      script.onload = script.onerror = () => {
        const hook = (window as unknown as Record<symbol, OfferStep | undefined>)[OFFER_HOOK];
        hook ? resolve(hook) : reject(fail("offer_failed", "the offer step did not load"));
      };
      document.head.append(script);
    });
    step.catch(() => {
      step = undefined;
    });
  }
  return step;
}

/**
 * Shows the offer for the reason the customer gave, if there is one. Anything that goes
 * wrong before the offer is on screen reads as "no offer": the cancel goes on.
 */
export function offerStep(p: Params, modal: Modal, texts: Texts, reason_id: string) {
  const until = Date.now() + OFFER_TIMEOUT;
  return new Promise<boolean>((resolve) => {
    // "No thanks, cancel" is there from the first moment, not only once an offer is: one
    // click goes on with the cancel at once, whatever the wait would have brought. Esc,
    // the close button and the backdrop click it too.
    const no = h("button", { type: "button" }, texts.offer_decline);
    no.onclick = () => {
      // Disabled, it tells the step too, whenever that arrives, that the customer left.
      no.disabled = true;
      resolve(false);
    };
    modal.show(
      () => no.click(),
      h("h2", { id: "t", tabindex: -1 }, texts.sending),
      h("div", { class: "a" }, no),
    );
    withTimeout(loadOfferStep(), OFFER_TIMEOUT, "offer")
      .then((run) =>
        run({ call, p, reason_id, texts, show: modal.show, ms: until - Date.now(), no }),
      )
      .then(resolve, (e) => {
        report(p, e);
        resolve(false);
      });
  });
}
