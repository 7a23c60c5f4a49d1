import type { ReactNode } from "react";
import { errorMessage } from "../api/client.js";
import type { AsyncState } from "../lib/use-async.js";
import "./states.css";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="notice notice-error" role="alert">
      <p>{errorMessage(error)}</p>
      {retry && (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

/**
 * What an async request has: its data once there is some; before that, its error (with a
 * retry) or a loading line. Data shown stays shown while a reload runs or fails.
 */
export function Loaded<T>({
  state,
  label,
  retry = state.reload,
  children,
}: {
  state: Pick<AsyncState<T>, "data" | "error" | "reload">;
  label?: string;
  retry?: () => void;
  children: (data: T) => ReactNode;
}) {
  if (state.data !== undefined) return <>{children(state.data)}</>;
  if (state.error !== undefined) return <ErrorNotice error={state.error} retry={retry} />;
  return <Loading label={label} />;
}
