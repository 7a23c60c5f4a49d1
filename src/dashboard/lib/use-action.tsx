import { useState } from "react";
import { errorMessage } from "../api/client.js";

/** Runs an action, keeping its error for the section to show (`notice`, an alert). */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const notice = error && (
    <p className="notice notice-error" role="alert">
      {error}
    </p>
  );
  return { run, busy, notice };
}
