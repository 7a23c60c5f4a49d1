import type { AccountApi } from "../api/endpoints.js";
import type { UnmatchedAnswers as Unmatched } from "../api/types.js";
import { formatCount } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { Link } from "../router.js";
import { customerPath } from "../session.js";

type Mode = NonNullable<Unmatched["live"]>;

/**
 * Answers whose customer_oid no connected billing account knows: usually a site sending its
 * own user ids. They are kept and counted as answers; they only lack revenue and links.
 * Shown once a billing provider is connected (without one there is nothing to match).
 */
export function UnmatchedAnswers({ client, accountId }: { client: AccountApi; accountId: string }) {
  const state = useAsync(() => client.unmatchedAnswers(), [client]);
  const data = state.data;
  if (!data || (data.live === null && data.test === null)) return null;
  const modes = [
    ["live", data.live],
    ["test", data.test],
  ] as const;
  const problems = modes.filter((m): m is readonly ["live" | "test", Mode] => !!m[1]?.total);
  return (
    <section className="card" aria-labelledby="unmatched-heading" data-testid="unmatched-answers">
      <h2 id="unmatched-heading">Answers and billing customers</h2>
      {problems.length === 0 ? (
        <p>Every answer names a customer your billing provider knows.</p>
      ) : (
        <>
          {problems.map(([mode, found]) => (
            <div key={mode} className="notice notice-warn">
              <p>
                <strong>
                  {formatCount(found.total)} {mode === "test" ? "test " : ""}answer
                  {found.total === 1 ? "" : "s"}
                </strong>{" "}
                name{found.total === 1 ? "s" : ""} a customer Stripe does not know
                {mode === "test" ? " in test mode" : ""}, e.g.{" "}
                {found.customer_oids.map((oid, i) => (
                  <span key={oid}>
                    {i > 0 && ", "}
                    <Link to={customerPath(accountId, oid)}>
                      <code>{oid}</code>
                    </Link>
                  </span>
                ))}
                .
              </p>
            </div>
          ))}
          <p className="hint">
            <code>customer_oid</code> must be the provider's customer id, e.g. <code>cus_...</code>{" "}
            for Stripe, not your own user id. These answers are kept and counted; they only lack the
            customer's revenue until the ids match. A customer created moments ago shows here until
            the next sync.
          </p>
        </>
      )}
    </section>
  );
}
