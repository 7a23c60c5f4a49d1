// The offer step: a second script the base loads only for accounts with offers (see
// offer.ts), so sites without them never download it.
import { callSite } from "./callbacks.js";
import { h } from "./dom.js";
import { OFFER_HOOK, type OfferContext } from "./offer.js";
import { report } from "./report.js";

// The provider is called while this runs; "No thanks, cancel" stays clickable meanwhile.
const ACCEPT_TIMEOUT = 10_000;

/** What the step uses of the server's offer (src/contract/offers.ts). */
interface Offer {
  title: string;
  description: string | null;
  url: string | null;
  offer_token: string;
}

const post = (body: Record<string, unknown>) => ({ method: "POST", body: JSON.stringify(body) });

async function run(ctx: OfferContext): Promise<boolean> {
  const { texts: t, p, no } = ctx;
  // The customer left (`no` disabled) while this script loaded: no offer is asked for.
  if (no.disabled) return false;
  const who = {
    access_token_id: p.access_token_id,
    customer_oid: p.customer_oid,
    customer_oid_hash: p.customer_oid_hash,
    test_mode: p.test_mode,
  };
  const { offer } = (await ctx.call(
    "/api/widget/offer",
    post({ ...who, reason_id: ctx.reason_id }),
    ctx.ms,
    "offer_failed",
  )) as { offer: Offer | null };
  // Once the customer chose to cancel (`no` disabled), nothing this step waited for shows.
  if (!offer || no.disabled) return false;

  return new Promise((resolve) => {
    const problem = h("p", { class: "e", role: "alert", hidden: "" });
    // Equal buttons side by side: leaving must be as plain to see as staying. `no` is the
    // base's, already on screen while the offer loaded; its click is the cancel.
    const yes = offer.url
      ? h("a", { href: offer.url, target: "_blank", rel: "noopener", class: "b" }, t.offer_contact)
      : h("button", { type: "button" }, t.offer_accept);
    ctx.show(
      () => no.click(),
      h("h2", { id: "t", tabindex: -1 }, offer.title),
      ...(offer.description ? [h("p", { id: "s" }, offer.description)] : []),
      problem,
      h("div", { class: "a" }, no, yes),
    );

    let sent = false;
    yes.addEventListener("click", async () => {
      if (sent) return;
      sent = true;
      yes.setAttribute("aria-disabled", "true");
      // The talk-to-us link keeps its words: it opens in a new tab while this records it.
      if (!offer.url) yes.textContent = t.sending;
      try {
        const reply = (await ctx.call(
          "/api/widget/offer/accept",
          post({ ...who, offer_token: offer.offer_token }),
          ACCEPT_TIMEOUT,
          "offer_failed",
        )) as { accepted: unknown };
        // Declined meanwhile: the customer's choice wins, the cancel is under way and the
        // site hears of that alone (docs/offers.md, "Accept and decline").
        if (no.disabled) return;
        callSite(p, p.callback_saved, reply.accepted, "callback_saved");
        // Closed by the customer (the close button, Esc): nothing here runs out on a timer.
        ctx.show(() => resolve(true), h("h2", { id: "t", tabindex: -1 }, t.offer_saved));
      } catch (e) {
        report(p, e);
        if (no.disabled) return;
        yes.remove();
        problem.textContent = t.offer_failed;
        problem.hidden = false;
        no.focus();
      }
    });
  });
}

(window as unknown as Record<symbol, unknown>)[OFFER_HOOK] = run;
