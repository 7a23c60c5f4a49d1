import { setBaseFromScript } from "./api.js";
import { resendKept } from "./outbox.js";
import { bindTriggers, prefetch } from "./triggers.js";

// Symbol.for is shared by every copy of this script in the page: the first copy binds,
// later copies only ask it to prefetch (their params may have been set in between).
const LOADED = Symbol.for("barecancel.widget");

(() => {
  const w = window as unknown as Record<symbol, (() => void) | undefined>;
  try {
    const first = w[LOADED];
    if (first) return first();
    // currentScript is null when the script runs as a module or from a bundle that moved
    // it; then the tag is found by the names the server publishes it under.
    const script = (document.currentScript ||
      document.querySelector(
        'script[src*="barecancel.js"],script[src*="/js/application.js"]',
      )) as HTMLScriptElement | null;
    setBaseFromScript(script?.src || location.href);
    w[LOADED] = prefetch;
    bindTriggers();
    prefetch();
    resendKept();
  } catch (e) {
    console.warn("barecancel:", e);
  }
})();
