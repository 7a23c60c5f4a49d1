import type { ApiEvent, EventKind } from "../api/types.js";
import { formatDateTime, formatMoney } from "../lib/format.js";
import { Link } from "../router.js";
import { accountPath } from "../session.js";

const KIND_LABEL: Record<EventKind, string> = {
  answer: "Answered",
  skip: "Skipped the question",
  dismissal: "Closed the dialog (stayed)",
};

/** Events, newest first. Comments are customer text: rendered as text, never as HTML. */
export function EventList({
  events,
  accountId,
  linkCustomers = true,
}: {
  events: ApiEvent[];
  accountId: string;
  linkCustomers?: boolean;
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
              {event.comment}
            </blockquote>
          ) : (
            <p className="no-comment">No comment</p>
          )}
          <p className="event-meta">
            {linkCustomers ? (
              <Link
                to={accountPath(accountId, `customers/${encodeURIComponent(event.customer_oid)}`)}
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
