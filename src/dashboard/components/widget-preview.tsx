import type { CSSProperties } from "react";
import type { WidgetTexts } from "../../contract/widget-texts.js";
import "./widget-preview.css";

/**
 * A still picture of the widget's dialog (src/widget/modal.ts and styles.ts), drawn with
 * the same texts, reasons, brand colour and logo. Nothing in it is a control: it only shows.
 */
export function WidgetPreview({
  texts,
  reasons,
  color,
  logoUrl,
}: {
  texts: WidgetTexts;
  reasons: { id: string; text: string }[];
  color: string;
  logoUrl?: string | null | undefined;
}) {
  const vars = { "--c": color } as CSSProperties;
  return (
    <div className="wp-backdrop">
      <div className="wp-dialog" style={vars}>
        <span className="wp-close" aria-hidden="true" title={texts.close}>
          ×
        </span>
        {logoUrl && <img className="wp-logo" src={logoUrl} alt="" />}
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
