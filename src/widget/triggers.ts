import { loadConfig } from "./api.js";
import { callSend } from "./callbacks.js";
import { runFlow } from "./flow.js";
import { HOST_TAG } from "./modal.js";
import { type Params, type RawParams, rawParams, readParams, triggerSelector } from "./params.js";
import { report } from "./report.js";

// Set while we replay the customer's own action, so our listeners let it through once.
let replaying = false;
// One cancel at a time: a second trigger while the modal is up is swallowed.
let busy = false;

function replay(action: () => void): void {
  replaying = true;
  try {
    action();
  } finally {
    replaying = false;
  }
}

/** Goes on with a form submission the way the browser would have. */
function submitForm(form: HTMLFormElement, submitter: HTMLButtonElement | null): void {
  try {
    // requestSubmit fires "submit" again, so the site's own submit handlers still run.
    form.requestSubmit(submitter?.form === form ? submitter : null);
  } catch {
    form.submit();
  }
}

function matching(e: Event, raw: RawParams | undefined): Element | null {
  const target = e.target;
  if (!(target instanceof Element) || target.localName === HOST_TAG) return null;
  const selector = triggerSelector(raw);
  if (e.type === "submit") {
    const submitter = (e as SubmitEvent).submitter;
    return target.closest(selector) || submitter?.closest(selector) || null;
  }
  // The click's own path rather than target.closest: the path goes on through open shadow
  // roots, so a trigger inside a page's web component is found too.
  for (const node of e.composedPath()) {
    if (!(node instanceof Element) || !node.matches(selector)) continue;
    // A form trigger is caught by its "submit", not by clicks on its fields and buttons.
    return node.localName !== "form" ? node : null;
  }
  return null;
}

function intercept(e: Event): void {
  if (replaying) return;
  let raw: RawParams | undefined;
  try {
    raw = rawParams();
    const trigger = matching(e, raw);
    if (!trigger) return;
    if (busy) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    let params: Params;
    try {
      params = readParams(raw);
    } catch (err) {
      // Bad params must not cost the customer the cancel: the action goes on untouched.
      report(raw, err);
      // Sites without a link or form cancel in callback_send, so it still gets called.
      if (raw) callSend(raw as unknown as Params, null, null);
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
    busy = true;
    let proceed: () => void;
    let focusTarget: Element = trigger;
    if (e.type === "submit") {
      const form = e.target as HTMLFormElement;
      const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
      focusTarget = submitter || form;
      proceed = () => replay(() => submitForm(form, submitter));
    } else {
      // The innermost element, so a click inside a page's own web component replays there.
      const origin = e.composedPath()[0] || trigger;
      // The customer's own click serves as the init dictionary: the replay bubbles like it
      // and keeps its modifier keys, so a Ctrl/Cmd-click on a link still opens a new tab.
      proceed = () => replay(() => origin.dispatchEvent(new MouseEvent("click", e)));
    }
    runFlow(params, focusTarget, proceed)
      .catch((err) => report(params, err))
      .finally(() => {
        busy = false;
      });
  } catch (err) {
    report(raw, err);
  }
}

/** Loads the config ahead of the click, so the modal can open without waiting. */
export function prefetch(): void {
  try {
    loadConfig(readParams()).catch(() => {});
  } catch {}
}

function warmUp(e: Event): void {
  try {
    if (matching(e, rawParams())) prefetch();
  } catch {}
}

export function bindTriggers(): void {
  // Capture on document: runs before the site's handlers and sees elements added later.
  document.addEventListener("click", intercept, true);
  document.addEventListener("submit", intercept, true);
  document.addEventListener("pointerover", warmUp, true);
  document.addEventListener("focusin", warmUp, true);
}
