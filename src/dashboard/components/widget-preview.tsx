import type { CSSProperties } from "react";
import type { WidgetTexts } from "../api/types.js";

/** The widget's words in English, for when the account has no active embed token to ask with. */
export const DEFAULT_TEXTS: WidgetTexts = {
  title: "Before you go…",
  subtitle: "Why are you cancelling? Your answer helps us improve.",
  reasons_label: "Main reason for cancelling",
  comment_label: "Anything else you'd like to tell us?",
  comment_placeholder: "Optional",
  submit: "Continue cancelling",
  skip: "Skip and cancel",
  close: "Close",
  reason_required: "Please choose a reason.",
  comment_required: "Please tell us a bit more.",
  sending: "Sending…",
};

/**
 * A still picture of the widget's dialog (src/widget/modal.ts and styles.ts), drawn with
 * the same texts, reasons and brand colour. Nothing in it is a control: it only shows.
 */
export function WidgetPreview({
  texts,
  reasons,
  color,
}: {
  texts: WidgetTexts;
  reasons: { id: string; text: string }[];
  color: string;
}) {
  const vars = { "--c": color } as CSSProperties;
  return (
    <div className="wp-backdrop">
      <div className="wp-dialog" style={vars}>
        <span className="wp-close" aria-hidden="true" title={texts.close}>
          ×
        </span>
        <p className="wp-title">{texts.title}</p>
        <p className="wp-subtitle">{texts.subtitle}</p>
        <p className="wp-label">{texts.reasons_label}</p>
        <ul className="wp-reasons">
          {reasons.map((r) => (
            <li key={r.id} className="wp-reason">
              <span className="wp-radio" aria-hidden="true" />
              <span>{r.text}</span>
            </li>
          ))}
          {reasons.length === 0 && <li className="wp-empty">No active reasons: add one.</li>}
        </ul>
        <p className="wp-label wp-label-comment">{texts.comment_label}</p>
        <div className="wp-textarea">{texts.comment_placeholder}</div>
        <div className="wp-actions">
          <span className="wp-button">{texts.skip}</span>
          <span className="wp-button wp-primary">{texts.submit}</span>
        </div>
      </div>
    </div>
  );
}
