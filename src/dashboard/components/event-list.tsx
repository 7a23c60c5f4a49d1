import type { ReactNode } from "react";
import type { ApiEvent, EventKind } from "../api/types.js";
import { formatDateTime, formatMoney } from "../lib/format.js";
import { Link } from "../router.js";
import { customerPath } from "../session.js";
import "./event-list.css";

const KIND_LABEL: Record<EventKind, string> = {
  answer: "Answered",
  skip: "Skipped the question",
  dismissal: "Closed the dialog (stayed)",
};

/**
 * The words that match a search (each search word as a prefix, as the server matches them),
 * wrapped in <mark>. Still text nodes only: the comment is never parsed as HTML.
 */
function highlighted(text: string, query: string | undefined): ReactNode {
  const words = query?.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words?.length) return text;
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join("|")})[\\p{L}\\p{N}]*`, "giu");
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    parts.push(text.slice(last, at), <mark key={at}>{match[0]}</mark>);
    last = at + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** Events, newest first. Comments are customer text: rendered as text, never as HTML. */
export function EventList({
  events,
  accountId,
  linkCustomers = true,
  highlight,
}: {
  events: ApiEvent[];
  accountId: string;
  linkCustomers?: boolean;
  /** The search, whose words are marked in the comments. */
  highlight?: string | undefined;
}) {
  return (
    <ol className="events">
      {events.map((event) => (
        <li key={event.id} className="event">
          <div className="event-head">
            {event.reason ? (
              <span className="reason-tag">{event.reason}</span>
            ) : (
              <span className="kind-tag">{KIND_LABEL[event.kind]}</span>
            )}
            {event.test_mode && <span className="badge">test</span>}
            {event.install_check && <span className="badge badge-good">install check</span>}
            <time dateTime={event.created_at}>{formatDateTime(event.created_at)}</time>
          </div>
          {event.comment ? (
            <blockquote className="comment" lang={event.locale ?? undefined}>
              {highlighted(event.comment, highlight)}
            </blockquote>
          ) : (
            <p className="no-comment">No comment</p>
          )}
          <p className="event-meta">
            {linkCustomers ? (
              <Link
                to={customerPath(accountId, event.customer_oid)}
                aria-label={`All events of customer ${event.customer_oid}`}
              >
                {event.customer_oid}
              </Link>
            ) : (
              <span>{event.customer_oid}</span>
            )}
            {event.plan && <span>{event.plan}</span>}
            {event.mrr && <span>{formatMoney(event.mrr)}/mo</span>}
            {event.locale && <span>{event.locale}</span>}
          </p>
        </li>
      ))}
    </ol>
  );
}
