import { type FormEvent, useEffect, useMemo, useState } from "react";
import { errorMessage } from "../api/client.js";
import { accountApi, type EventFilter } from "../api/endpoints.js";
import type { ApiEvent, EventKind } from "../api/types.js";
import { CustomerBilling } from "../components/customer-billing.js";
import { EventList } from "../components/event-list.js";
import { EmptyState, ErrorNotice, Loading } from "../components/states.js";
import { formatMoney } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { Link, setQuery, useLocation } from "../router.js";
import { accountPath, useSession } from "../session.js";
import "./comments.css";

const KINDS: { value: EventKind | ""; label: string }[] = [
  { value: "", label: "All kinds" },
  { value: "answer", label: "Answers" },
  { value: "skip", label: "Skipped the question" },
  { value: "dismissal", label: "Closed the dialog" },
];

function isKind(value: string | null): value is EventKind {
  return value === "answer" || value === "skip" || value === "dismissal";
}

/** Comments and events: search, filter by reason, load more; or one customer's events. */
export default function CommentsPage({ customerOid }: { customerOid?: string | undefined }) {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const { query } = useLocation();
  const customer = customerOid ?? null;

  const filter: EventFilter = customer
    ? { customerOid: customer, includeTest: true, withComment: false }
    : {
        q: query.get("q") ?? "",
        reasonId: query.get("reason") ?? "",
        kind: isKind(query.get("kind")) ? (query.get("kind") as EventKind) : "",
        includeTest: query.get("test") === "1",
        withComment: query.get("all") !== "1",
      };
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    document.title = `${customer ? `Customer ${customer}` : "Comments"} · ${account.name} · Cancel Insights`;
  }, [account.name, customer]);

  const reasons = useAsync(() => client.reasons(), [client]);
  const [events, setEvents] = useState<ApiEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<"loading" | "idle" | "more" | "failed">("loading");
  const [error, setError] = useState<unknown>(undefined);
  const [version, setVersion] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for filter.
  useEffect(() => {
    let cancelled = false;
    setStatus("loading");
    client.events(filter).then(
      (page) => {
        if (cancelled) return;
        setEvents(page.events);
        setCursor(page.next_cursor);
        setStatus("idle");
      },
      (reason: unknown) => {
        if (cancelled) return;
        setError(reason);
        setStatus("failed");
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, filterKey, version]);

  const loadMore = async () => {
    if (!cursor) return;
    setStatus("more");
    try {
      const page = await client.events(filter, cursor);
      setEvents((current) => [...current, ...page.events]);
      setCursor(page.next_cursor);
      setStatus("idle");
    } catch (reason) {
      setError(reason);
      setStatus("idle");
    }
  };

  const filtered = !!(filter.q || filter.reasonId || filter.kind);

  return (
    <div className="page">
      {customer ? (
        <div className="page-head">
          <div>
            <p className="crumbs">
              <Link to={accountPath(account.id, "comments")}>Comments</Link>
            </p>
            <h1>
              Customer <span className="mono">{customer}</span>
            </h1>
            <CustomerSummary events={events} loading={status === "loading"} />
          </div>
        </div>
      ) : (
        <>
          <div className="page-head">
            <div>
              <h1>Comments</h1>
              <p className="lead">What customers told you when they cancelled, newest first.</p>
            </div>
            <a className="button" href={client.exportUrl("csv", filter)} download>
              Download CSV
            </a>
          </div>
          <Filters
            filter={filter}
            reasons={(reasons.data?.reasons ?? []).map((r) => ({
              value: r.id,
              label: r.archived ? `${r.text} (archived)` : r.text,
            }))}
          />
        </>
      )}

      {customer && (
        <CustomerBilling
          client={client}
          customerOid={customer}
          owner={account.role === "owner"}
          reasons={reasons.data?.reasons}
        />
      )}

      {status === "loading" ? (
        <Loading label="Loading events…" />
      ) : status === "failed" ? (
        <ErrorNotice error={error} retry={() => setVersion((v) => v + 1)} />
      ) : events.length === 0 && !cursor ? (
        filtered ? (
          <EmptyState title="Nothing matches">
            <p>
              No {filter.withComment ? "comments" : "events"} match these filters. Try other words
              or fewer filters.
            </p>
          </EmptyState>
        ) : customer ? (
          <EmptyState title="No events for this customer" />
        ) : (
          <EmptyState
            title={filter.withComment ? "No comments yet" : "No events yet"}
            action={
              <Link to={accountPath(account.id, "setup")} className="button button-primary">
                Go to Setup
              </Link>
            }
          >
            <p>
              Comments appear here as soon as customers answer in the widget. Install it from the
              Setup page if you have not yet.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <p className="result-count" role="status">
            Showing {events.length} {filter.withComment ? "comment" : "event"}
            {events.length === 1 ? "" : "s"}
            {cursor ? " (more available)" : ""}
          </p>
          <EventList
            events={events}
            accountId={account.id}
            linkCustomers={!customer}
            highlight={filter.q}
          />
          {error !== undefined && status === "idle" && cursor && (
            <p className="field-error" role="alert">
              {errorMessage(error)}
            </p>
          )}
          {cursor && (
            <button
              type="button"
              className="button button-wide"
              onClick={() => void loadMore()}
              disabled={status === "more"}
            >
              {status === "more" ? "Loading…" : "Load more"}
            </button>
          )}
        </>
      )}
    </div>
  );
}

function Filters({
  filter,
  reasons,
}: {
  filter: EventFilter;
  reasons: { value: string; label: string }[];
}) {
  const [q, setQ] = useState(filter.q ?? "");

  useEffect(() => setQ(filter.q ?? ""), [filter.q]);

  // Searching as one types, once the typing pauses.
  useEffect(() => {
    if (q === (filter.q ?? "")) return;
    const timer = setTimeout(() => setQuery({ q: q.trim() || null }), 350);
    return () => clearTimeout(timer);
  }, [q, filter.q]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ q: q.trim() || null });
  };

  return (
    <section className="toolbar" aria-label="Filters">
      <search className="search">
        <form onSubmit={submit}>
          <label htmlFor="comment-search" className="label">
            Search comments
          </label>
          <div className="search-row">
            <input
              id="comment-search"
              type="search"
              value={q}
              placeholder="e.g. price, integration"
              onChange={(e) => setQ(e.target.value)}
            />
            <button type="submit" className="button">
              Search
            </button>
          </div>
        </form>
      </search>
      <div className="toolbar-filters">
        <div className="control">
          <label htmlFor="filter-reason">Reason</label>
          <select
            id="filter-reason"
            value={filter.reasonId ?? ""}
            onChange={(e) => setQuery({ reason: e.target.value || null })}
          >
            <option value="">All reasons</option>
            {reasons.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="control">
          <label htmlFor="filter-kind">Kind</label>
          <select
            id="filter-kind"
            value={filter.kind ?? ""}
            onChange={(e) => setQuery({ kind: e.target.value || null })}
          >
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={filter.withComment}
            onChange={(e) => setQuery({ all: e.target.checked ? null : "1" })}
          />
          Only with a comment
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filter.includeTest ?? false}
            onChange={(e) => setQuery({ test: e.target.checked ? "1" : null })}
          />
          Include test data
        </label>
      </div>
    </section>
  );
}

function CustomerSummary({ events, loading }: { events: ApiEvent[]; loading: boolean }) {
  if (loading || events.length === 0) return null;
  const latest = events[0];
  const mrr = events.find((e) => e.mrr)?.mrr;
  return (
    <p className="lead">
      {events.length} event{events.length === 1 ? "" : "s"}
      {latest?.plan ? ` · ${latest.plan}` : ""}
      {mrr ? ` · ${formatMoney(mrr)}/mo` : ""}
    </p>
  );
}
