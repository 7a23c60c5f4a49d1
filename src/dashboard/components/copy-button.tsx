import { useEffect, useState } from "react";
import "./copy-button.css";

/** Copies `text` to the clipboard and says so where screen readers hear it. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };

  return (
    <span className="copy">
      <button type="button" className="button" onClick={copy}>
        {label}
      </button>
      <span className="copy-status" role="status">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed: select and copy" : ""}
      </span>
    </span>
  );
}
