import { CopyButton } from "../../components/copy-button.js";
import "./secret-once.css";

/** A new API key or invite link: shown until "Done", and never again. */
export function SecretOnce({
  secret,
  what,
  onDone,
}: {
  secret: string;
  what: string;
  onDone(): void;
}) {
  return (
    <div className="notice notice-secret" role="status">
      <p>
        <strong>Copy the {what} now:</strong> it is shown only this once.
      </p>
      <div className="secret-row">
        <code className="secret">{secret}</code>
        <CopyButton text={secret} />
        <button type="button" className="button button-quiet" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
