import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { errorMessage } from "../api/client.js";
import { accountApi } from "../api/endpoints.js";
import type { Reason } from "../api/types.js";
import { Loaded } from "../components/states.js";
import { WidgetPreview } from "../components/widget-preview.js";
import { formatCount } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { languageName, widgetTexts } from "../lib/widget-words.js";
import { Link } from "../router.js";
import { accountPath, useSession } from "../session.js";
import "./reasons.css";

/** Add, rename, reorder, archive and restore reasons, beside a live preview of the widget. */
export default function ReasonsPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const list = useAsync(() => client.reasons(), [client]);
  const widget = useAsync(() => client.widgetSettings(), [client]);
  const settings = widget.data?.settings;
  const [pickedLocale, setLocale] = useState<string | null>(null);
  // A language set for the account is the one customers see; otherwise theirs.
  const locale = settings?.locale ?? pickedLocale ?? "en";
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [announcement, setAnnouncement] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = `Reasons · ${account.name} · Cancel Insights`;
  }, [account.name]);

  const reasons = list.data?.reasons ?? [];
  const active = reasons.filter((r) => !r.archived);
  const archived = reasons.filter((r) => r.archived);
  const setReasons = (update: (current: Reason[]) => Reason[]) =>
    list.setData((data) => ({ reasons: update(data?.reasons ?? []) }));

  const run = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorMessage(err));
      list.reload();
    }
  };

  const add = (text: string) =>
    run(async () => {
      const { reason } = await client.addReason(text);
      setReasons((current) => [
        ...current.filter((r) => !r.archived),
        reason,
        ...current.filter((r) => r.archived),
      ]);
      setAnnouncement(`Added “${reason.text}”.`);
    });

  const rename = (reason: Reason, text: string) =>
    run(async () => {
      const { reason: updated } = await client.updateReason(reason.id, { text });
      setReasons((current) => current.map((r) => (r.id === updated.id ? { ...r, ...updated } : r)));
      setAnnouncement(`Renamed to “${updated.text}”.`);
    });

  const setArchived = (reason: Reason, archive: boolean) =>
    run(async () => {
      const { reason: updated } = await client.updateReason(reason.id, { archived: archive });
      setReasons((current) => current.map((r) => (r.id === updated.id ? { ...r, ...updated } : r)));
      setAnnouncement(archive ? `Archived “${reason.text}”.` : `Restored “${reason.text}”.`);
      // Where a restored reason goes in the order is the server's call.
      list.reload();
    });

  const move = (reason: Reason, by: -1 | 1) =>
    run(async () => {
      const ids = active.map((r) => r.id);
      const from = ids.indexOf(reason.id);
      const to = from + by;
      if (from < 0 || to < 0 || to >= ids.length) return;
      ids.splice(from, 1);
      ids.splice(to, 0, reason.id);
      // Shown at once; the server's order replaces it when it answers.
      const byId = new Map(reasons.map((r) => [r.id, r]));
      setReasons(() => [...ids.map((id) => byId.get(id) as Reason), ...archived]);
      setAnnouncement(`Moved “${reason.text}” to position ${to + 1} of ${ids.length}.`);
      const { reasons: ordered } = await client.orderReasons(ids);
      setReasons((current) => [
        ...ordered.filter((r) => !r.archived),
        ...current.filter((r) => r.archived),
      ]);
    });

  const previewReasons = active.map((r) => ({ id: r.id, text: drafts[r.id] ?? r.text }));

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Reasons</h1>
          <p className="lead">
            The choices customers see when they cancel. Renaming keeps the history: past answers
            keep the text they were given under. Archived reasons leave the widget but keep their
            data.
          </p>
        </div>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <div className="split">
        <div className="split-main">
          <Loaded state={list} label="Loading reasons…">
            {() => (
              <>
                <section className="card" aria-labelledby="active-heading">
                  <h2 id="active-heading">Shown in the widget</h2>
                  <AddReason onAdd={add} />
                  {active.length === 0 ? (
                    <p className="hint">
                      No active reasons: the widget shows only the comment box. Add one above.
                    </p>
                  ) : (
                    <ol className="reasons">
                      {active.map((reason, index) => (
                        <ReasonRow
                          key={reason.id}
                          reason={reason}
                          first={index === 0}
                          last={index === active.length - 1}
                          onDraft={(text) =>
                            setDrafts((d) => {
                              const { [reason.id]: _, ...rest } = d;
                              return text === null ? rest : { ...rest, [reason.id]: text };
                            })
                          }
                          onRename={(text) => rename(reason, text)}
                          onMove={(by) => move(reason, by)}
                          onArchive={() => setArchived(reason, true)}
                        />
                      ))}
                    </ol>
                  )}
                </section>
                <section className="card" aria-labelledby="archived-heading">
                  <h2 id="archived-heading">Archived</h2>
                  {archived.length === 0 ? (
                    <p className="hint">
                      Nothing archived. Archive a reason to take it out of the widget; its answers
                      stay in your numbers.
                    </p>
                  ) : (
                    <ul className="reasons">
                      {archived.map((reason) => (
                        <li key={reason.id} className="reason-row is-archived">
                          <span className="reason-text">{reason.text}</span>
                          <span className="reason-count">
                            {formatCount(reason.answers_total)} answers
                          </span>
                          <div className="reason-actions">
                            <button
                              type="button"
                              className="button button-small"
                              onClick={() => void setArchived(reason, false)}
                            >
                              Restore<span className="visually-hidden"> “{reason.text}”</span>
                            </button>
                          </div>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              </>
            )}
          </Loaded>
        </div>
        <aside className="split-side" aria-labelledby="preview-heading">
          <div className="card preview-card">
            <div className="card-head">
              <h2 id="preview-heading">Preview</h2>
              {settings?.locale ? (
                <p className="hint">
                  In {languageName(settings.locale)}, as set in{" "}
                  <Link to={accountPath(account.id, "settings")}>Settings</Link>
                </p>
              ) : (
                <div className="control control-inline">
                  <label htmlFor="preview-locale">Language</label>
                  <select
                    id="preview-locale"
                    value={locale}
                    onChange={(e) => setLocale(e.target.value)}
                  >
                    {(settings?.available_locales ?? ["en"]).map((code) => (
                      <option key={code} value={code}>
                        {languageName(code)}
                      </option>
                    ))}
                  </select>
                </div>
              )}
            </div>
            <p className="hint">What customers see when they click your cancel button.</p>
            <WidgetPreview
              texts={widgetTexts(locale, settings?.texts).texts}
              reasons={previewReasons}
              color={settings?.brand_color ?? "#4f46e5"}
              logoUrl={settings?.logo?.url}
            />
          </div>
        </aside>
      </div>
    </div>
  );
}

function AddReason({ onAdd }: { onAdd(text: string): Promise<void> }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim();
    if (!value) {
      setError("Type the reason first.");
      return;
    }
    setBusy(true);
    setError(null);
    await onAdd(value);
    setText("");
    setBusy(false);
  };
  return (
    <form className="add-reason" onSubmit={submit} noValidate>
      <label htmlFor="new-reason" className="label">
        New reason
      </label>
      <div className="search-row">
        <input
          id="new-reason"
          value={text}
          maxLength={200}
          placeholder="e.g. Missing an integration"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "new-reason-error" : undefined}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={busy}>
          Add reason
        </button>
      </div>
      {error && (
        <p className="field-error" id="new-reason-error">
          {error}
        </p>
      )}
    </form>
  );
}

function ReasonRow({
  reason,
  first,
  last,
  onDraft,
  onRename,
  onMove,
  onArchive,
}: {
  reason: Reason;
  first: boolean;
  last: boolean;
  onDraft(text: string | null): void;
  onRename(text: string): Promise<void>;
  onMove(by: -1 | 1): Promise<void>;
  onArchive(): Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(reason.text);
  const input = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const up = useRef<HTMLButtonElement>(null);
  const down = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  useEffect(() => {
    if (editing) input.current?.focus();
    else if (wasEditing.current) renameButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const stop = () => {
    setEditing(false);
    setText(reason.text);
    onDraft(null);
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim();
    if (!value || value === reason.text) return stop();
    await onRename(value);
    setEditing(false);
    onDraft(null);
  };
  // After a move the row is rendered anew in its place; keep focus on the button pressed,
  // or on its twin when it has just become disabled at the end of the list.
  const moveAndKeepFocus = async (by: -1 | 1) => {
    const pressed = by === -1 ? up : down;
    const other = by === -1 ? down : up;
    const move = onMove(by);
    requestAnimationFrame(() => {
      if (pressed.current?.disabled) other.current?.focus();
      else pressed.current?.focus();
    });
    await move;
  };

  return (
    <li className="reason-row">
      {editing ? (
        <form className="reason-edit" onSubmit={save}>
          <label className="visually-hidden" htmlFor={`rename-${reason.id}`}>
            New text for “{reason.text}”
          </label>
          <input
            id={`rename-${reason.id}`}
            ref={input}
            value={text}
            maxLength={200}
            onChange={(e) => {
              setText(e.target.value);
              onDraft(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.preventDefault();
                stop();
              }
            }}
          />
          <button type="submit" className="button button-primary button-small">
            Save
          </button>
          <button type="button" className="button button-small" onClick={stop}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <span className="reason-text">{reason.text}</span>
          <span className="reason-count">{formatCount(reason.answers_total)} answers</span>
          <div className="reason-actions">
            <button
              type="button"
              ref={renameButton}
              className="button button-small"
              onClick={() => setEditing(true)}
            >
              Rename<span className="visually-hidden"> “{reason.text}”</span>
            </button>
            <button
              type="button"
              ref={up}
              className="button button-small button-icon"
              disabled={first}
              aria-label={`Move “${reason.text}” up`}
              onClick={() => void moveAndKeepFocus(-1)}
            >
              ↑
            </button>
            <button
              type="button"
              ref={down}
              className="button button-small button-icon"
              disabled={last}
              aria-label={`Move “${reason.text}” down`}
              onClick={() => void moveAndKeepFocus(1)}
            >
              ↓
            </button>
            <button type="button" className="button button-small" onClick={() => void onArchive()}>
              Archive<span className="visually-hidden"> “{reason.text}”</span>
            </button>
          </div>
        </>
      )}
    </li>
  );
}
