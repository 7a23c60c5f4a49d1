// The widget's own words, from the same module the server answers with: the preview shows
// exactly what customers will read.
import { type WidgetTexts, widgetTexts } from "../../contract/widget-texts.js";
import { LOCALE } from "./format.js";

export type { WidgetTexts };
export { widgetTexts };

const names = (() => {
  try {
    return new Intl.DisplayNames([LOCALE], { type: "language" });
  } catch {
    return null;
  }
})();

/** "de" → "German" in the reader's language; the code itself when Intl cannot tell. */
export function languageName(code: string): string {
  return names?.of(code) ?? code;
}

const TEXT_LABELS: Record<keyof WidgetTexts, string> = {
  title: "Title",
  subtitle: "Question under the title",
  reasons_label: "Label of the reasons",
  comment_label: "Label of the comment box",
  comment_placeholder: "Placeholder in the comment box",
  submit: "Answer button",
  skip: "Skip button",
  close: "Close button (for screen readers)",
  reason_required: "When no reason is picked",
  comment_required: "When a comment is required but empty",
  sending: "While sending",
  offer_accept: "Offer: accept button",
  offer_contact: "Offer: talk-to-us link",
  offer_decline: "Offer: decline and cancel button",
  offer_saved: "Offer: thanks after accepting",
  offer_failed: "Offer: when it could not be applied",
};

export function textLabel(key: string): string {
  return TEXT_LABELS[key as keyof WidgetTexts] ?? key;
}
