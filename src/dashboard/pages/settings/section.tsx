import type { ReactNode } from "react";
import type { AccountApi } from "../../api/endpoints.js";

/** What every section of Settings about the account is given: the API, and who may change. */
export interface AccountSectionProps {
  client: AccountApi;
  owner: boolean;
}

/** One card of the Settings page, named by its heading. */
export function Section({
  id,
  title,
  intro,
  children,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {intro && <p className="hint">{intro}</p>}
      {children}
    </section>
  );
}
