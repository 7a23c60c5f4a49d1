import { type ReactNode, useEffect, useRef } from "react";
import { Link, navigate, useLocation } from "../router.js";
import { accountPath, useSession } from "../session.js";
import "./shell.css";

const SECTIONS = [
  { page: "insights", label: "Insights" },
  { page: "comments", label: "Comments" },
  { page: "reasons", label: "Reasons" },
  { page: "offers", label: "Offers" },
  { page: "setup", label: "Setup" },
  { page: "export", label: "Export" },
  { page: "webhooks", label: "Webhooks" },
  { page: "emails", label: "Emails" },
  { page: "campaigns", label: "Campaigns" },
  { page: "settings", label: "Settings" },
] as const;

/** The frame of every signed-in page: account switcher, sections, sign out. */
export function Shell({ page, children }: { page: string; children: ReactNode }) {
  const { session, account, signOut } = useSession();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const nav = useRef<HTMLElement>(null);
  const firstPath = useRef(location.path);

  // After moving to another page, focus goes to its content, as a page load would put it.
  useEffect(() => {
    if (location.path === firstPath.current) return;
    firstPath.current = location.path;
    main.current?.focus({ preventScroll: true });
  }, [location.path]);

  const current = page === "customers" ? "comments" : page;

  // On a narrow screen the sections scroll sideways: keep the current one in view.
  useEffect(() => {
    const bar = nav.current;
    const link = bar?.querySelector<HTMLElement>(`[data-section="${current}"]`);
    if (!bar || !link) return;
    if (
      link.offsetLeft + link.offsetWidth > bar.scrollLeft + bar.clientWidth ||
      link.offsetLeft < bar.scrollLeft
    ) {
      bar.scrollLeft = link.offsetLeft - 16;
    }
  }, [current]);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={accountPath(account.id)} className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Cancel Insights
        </Link>
        <div className="account-switch">
          <label htmlFor="account-switch">Account</label>
          {session.accounts.length > 1 ? (
            <select
              id="account-switch"
              value={account.id}
              onChange={(e) => navigate(accountPath(e.target.value, current || "insights"))}
            >
              {session.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          ) : (
            <output id="account-switch" className="account-name">
              {account.name}
            </output>
          )}
        </div>
        <div className="user">
          <span className="user-email" title={session.user.email}>
            {session.user.email}
          </span>
          <button type="button" className="button button-quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sections" aria-label="Sections" ref={nav}>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.page}>
              <Link
                to={accountPath(account.id, s.page)}
                data-section={s.page}
                aria-current={current === s.page ? "page" : undefined}
              >
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
