/** What `callback_error` receives. */
export interface WidgetError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface ErrorSink {
  callback_error?: unknown;
}

export function fail(code: string, message: string, details: Record<string, unknown> = {}) {
  return { code, message, details } as WidgetError;
}

/** Anything thrown inside the widget, as the shape promised to `callback_error`. */
export function toWidgetError(e: unknown): WidgetError {
  // Ours carry details; anything else (a DOMException, a TypeError) is a surprise.
  return (e as WidgetError)?.details
    ? (e as WidgetError)
    : fail("unexpected", String((e as Error)?.message || e));
}

/** Hands an error to the site; neither the error nor the site's callback may escape. */
export function report(sink: ErrorSink | null | undefined, e: unknown): void {
  const err = toWidgetError(e);
  try {
    const cb = sink?.callback_error;
    if (typeof cb === "function") cb(err);
    // Without a callback the console is the only place a developer will look.
    else console.warn("barecancel:", err.code, err.message);
  } catch {}
}
