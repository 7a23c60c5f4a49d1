import type { ChangeEvent } from "react";
import type { WidgetLogo } from "../api/types.js";
import { useAction } from "../lib/use-action.js";
import { ConfirmButton } from "./confirm-button.js";
import "./logo-picker.css";

/**
 * The widget's logo: shown to everyone, changed by owners. A picked file is uploaded at
 * once (the server checks what it really is); removing asks once more.
 */
export function LogoPicker({
  logo,
  owner,
  onUpload,
  onRemove,
}: {
  logo: WidgetLogo | null;
  owner: boolean;
  onUpload(file: File): Promise<void>;
  onRemove(): Promise<void>;
}) {
  const { run, busy, notice } = useAction();

  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.target;
    const file = input.files?.[0];
    // Cleared, so picking the same file again (after fixing it) uploads it again.
    input.value = "";
    if (file) void run(() => onUpload(file));
  };

  return (
    <div className="control logo-picker">
      <span className="control-label">Logo</span>
      <div className="logo-row">
        {logo ? (
          <img className="logo-thumb" src={logo.url} alt="Your logo" />
        ) : (
          <span className="logo-none">No logo</span>
        )}
        {owner && (
          <>
            <label className={`button button-small file-button${busy ? " is-busy" : ""}`}>
              {busy ? "Uploading…" : logo ? "Replace logo" : "Upload logo"}
              <input
                type="file"
                className="visually-hidden"
                accept="image/png,image/jpeg,image/webp"
                disabled={busy}
                aria-describedby="logo-hint"
                onChange={picked}
              />
            </label>
            {logo && (
              <ConfirmButton
                label="Remove logo"
                confirmLabel="Really remove the logo?"
                onConfirm={() => void run(onRemove)}
              />
            )}
          </>
        )}
      </div>
      <p className="hint" id="logo-hint">
        In the widget's header, 32 px high. PNG, JPEG or WebP up to 256 KB; for sharp screens, make
        it 64 px high.
      </p>
      {notice}
    </div>
  );
}
