import type { WidgetTexts } from "../contract/widget-texts.js";
import { escapeHtml } from "../escape-html.js";

/**
 * The hosted reason form and its answers (thanks, refusals) as whole HTML pages: no script,
 * one inline style, readable by a screen reader (a fieldset with its legend, labels, the error
 * announced and tied to the field it is about).
 */

/** Only a plain colour reaches the style sheet (it is the owner's, but checked anyway). */
const safeColor = (color: string) => (/^#[0-9a-fA-F]{3,8}$/.test(color) ? color : "#4f46e5");

/** What the page sends with it: no script, no framing, no referrer (the token is in the URL). */
export const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-robots-tag": "noindex",
} as const;

function page(lang: string, title: string, color: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;background:#f6f7f9;color:#1f2937}
main{max-width:34rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.5rem}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:600;margin-bottom:.5rem}
label{display:block;margin:.25rem 0}
textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit}
button{background:${safeColor(color)};color:#fff;border:0;border-radius:.375rem;padding:.6rem 1.2rem;font:inherit}
button:focus,input:focus,textarea:focus{outline:3px solid #2563eb;outline-offset:2px}
.error{color:#b91c1c;font-weight:600}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface ReasonFormView {
  lang: string;
  accountName: string;
  brandColor: string;
  texts: WidgetTexts;
  reasons: ReadonlyArray<{ id: string; text: string }>;
  commentMaxLength: number;
  /** What the customer sent, shown again with the error. */
  chosen?: string | undefined;
  comment?: string | undefined;
  error?: { field: string; message: string } | undefined;
}

export function reasonFormPage(view: ReasonFormView): string {
  const { texts, error } = view;
  const reasonError = error?.field === "reason_id" ? error.message : null;
  const commentError = error && error.field !== "reason_id" ? error.message : null;
  const options = view.reasons
    .map(
      (r) =>
        `<label><input type="radio" name="reason_id" value="${escapeHtml(r.id)}" required${
          r.id === view.chosen ? " checked" : ""
        }> ${escapeHtml(r.text)}</label>`,
    )
    .join("\n");
  const body = `<h1>${escapeHtml(`Why did you cancel ${view.accountName}?`)}</h1>
<p>${escapeHtml(texts.subtitle)}</p>
<form method="post">
<fieldset${reasonError ? ' aria-describedby="reason-error" aria-invalid="true"' : ""}>
<legend>${escapeHtml(texts.reasons_label)}</legend>
${reasonError ? `<p id="reason-error" class="error" role="alert">${escapeHtml(reasonError)}</p>` : ""}
${options}
</fieldset>
<label for="comment">${escapeHtml(texts.comment_label)}</label>
${commentError ? `<p id="comment-error" class="error" role="alert">${escapeHtml(commentError)}</p>` : ""}
<textarea id="comment" name="comment" maxlength="${view.commentMaxLength}" placeholder="${escapeHtml(
    texts.comment_placeholder,
  )}"${commentError ? ' aria-describedby="comment-error" aria-invalid="true"' : ""}>${escapeHtml(
    view.comment ?? "",
  )}</textarea>
<p><button type="submit">Send</button></p>
</form>`;
  return page(view.lang, `${view.accountName}: why did you cancel?`, view.brandColor, body);
}

/** A page with one heading and one message: thanks, or why the link does not work. */
export function messagePage(title: string, message: string, role: "status" | "alert"): string {
  return page(
    "en",
    title,
    "#4f46e5",
    `<h1>${escapeHtml(title)}</h1>\n<p role="${role}">${escapeHtml(message)}</p>`,
  );
}

/**
 * A question with one button that posts back to the page's own address: what a link that
 * changes something (an unsubscribe) shows first, since mail scanners open links.
 */
export function confirmPage(title: string, message: string, button: string): string {
  return page(
    "en",
    title,
    "#4f46e5",
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${escapeHtml(button)}</button></form>`,
  );
}
