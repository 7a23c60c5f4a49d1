import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, onUnauthorized, setCsrfToken } from "./api/client.js";
import { auth } from "./api/endpoints.js";
import type { Session } from "./api/types.js";
import { Shell } from "./components/shell.js";
import { ErrorNotice, Loading } from "./components/states.js";
import { AuthPage } from "./pages/auth.js";
import { InvitePage } from "./pages/invite.js";
import { NoAccountPage } from "./pages/no-account.js";
import { NotFoundPage } from "./pages/not-found.js";
import { matchPath, navigate, useLocation } from "./router.js";
import { accountPath, customerPath, SessionContext, type SessionValue } from "./session.js";

const InsightsPage = lazy(() => import("./pages/insights.js"));
const CommentsPage = lazy(() => import("./pages/comments.js"));
const ReasonsPage = lazy(() => import("./pages/reasons.js"));
const SetupPage = lazy(() => import("./pages/setup.js"));
const ExportPage = lazy(() => import("./pages/export.js"));
const SettingsPage = lazy(() => import("./pages/settings/settings-page.js"));
const WebhooksPage = lazy(() => import("./pages/webhooks.js"));
const EmailsPage = lazy(() => import("./pages/emails.js"));
const CampaignsPage = lazy(() => import("./pages/campaigns.js"));
const OffersPage = lazy(() => import("./pages/offers.js"));

type State =
  | { status: "loading" }
  | { status: "failed"; error: unknown }
  | { status: "signed-out"; needsFirstUser: boolean }
  | { status: "signed-in"; session: Session };

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** A path we send people back to after signing in: only our own pages. */
function safeNext(value: string | null): string | null {
  return value?.startsWith("/") && !value.startsWith("//") ? value : null;
}

export function App() {
  const [state, setState] = useState<State>({ status: "loading" });
  const location = useLocation();

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrf_token);
    setState({ status: "signed-in", session });
  }, []);

  const signedOut = useCallback(async () => {
    setCsrfToken("");
    try {
      const status = await auth.setupStatus();
      setState({ status: "signed-out", needsFirstUser: status.needs_first_user });
    } catch (error) {
      setState({ status: "failed", error });
    }
  }, []);

  const load = useCallback(async () => {
    try {
      signedIn(await auth.session());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) await signedOut();
      else setState({ status: "failed", error });
    }
  }, [signedIn, signedOut]);

  useEffect(() => {
    onUnauthorized(() => void signedOut());
    void load();
  }, [load, signedOut]);

  if (state.status === "loading") {
    return (
      <main className="centered" id="main">
        <Loading />
      </main>
    );
  }
  if (state.status === "failed") {
    return (
      <main className="centered" id="main">
        <h1 className="visually-hidden">Cancel Insights</h1>
        <ErrorNotice error={state.error} retry={() => void load()} />
      </main>
    );
  }

  const invite = matchPath("/invite/:token", location.path);
  if (invite?.token) {
    return (
      <InvitePage
        token={invite.token}
        session={state.status === "signed-in" ? state.session : null}
        onJoined={(session, accountId) => {
          signedIn(session);
          navigate(accountPath(accountId));
        }}
      />
    );
  }

  if (state.status === "signed-out") {
    const next = location.path === "/" || location.path === "/login" ? null : location.href;
    if (state.needsFirstUser) {
      if (location.path !== "/setup") return <Redirect to="/setup" />;
      return <AuthPage mode="sign-up" onSignedIn={signedIn} />;
    }
    if (location.path !== "/login") {
      return <Redirect to={`/login${next ? `?next=${encodeURIComponent(next)}` : ""}`} />;
    }
    return <AuthPage mode="sign-in" onSignedIn={signedIn} />;
  }

  return <SignedIn session={state.session} onSignedIn={signedIn} onSignedOut={signedOut} />;
}

function SignedIn({
  session,
  onSignedIn,
  onSignedOut,
}: {
  session: Session;
  onSignedIn(session: Session): void;
  onSignedOut(): Promise<void>;
}) {
  const location = useLocation();
  const first = session.accounts[0];
  const route = matchPath("/accounts/:accountId/*", location.path);
  const account = session.accounts.find((a) => a.id === route?.accountId);

  const value = useMemo<SessionValue | null>(
    () =>
      account
        ? {
            session,
            account,
            async signOut(options) {
              // Ending the other sessions must not fail unseen; this one ends on sign-in anyway.
              if (options?.everywhere) await auth.logoutEverywhere();
              else await auth.logout().catch(() => undefined);
              navigate("/login");
              await onSignedOut();
            },
            async refresh() {
              onSignedIn(await auth.session());
            },
          }
        : null,
    [session, account, onSignedIn, onSignedOut],
  );

  if (!first) {
    return (
      <NoAccountPage
        session={session}
        onCreated={async (accountId) => {
          onSignedIn(await auth.session());
          navigate(accountPath(accountId, "setup"));
        }}
        onSignedOut={onSignedOut}
      />
    );
  }
  if (!route) {
    if (["/", "/login", "/setup"].includes(location.path)) {
      const next = safeNext(location.query.get("next"));
      return <Redirect to={next ?? accountPath(first.id)} />;
    }
    return <NotFoundPage home={accountPath(first.id)} />;
  }
  if (!value) return <NotFoundPage home={accountPath(first.id)} />;

  const [page = "", ...rest] = (route["*"] ?? "").split("/");
  const customerOid = location.query.get("oid");
  // Where a customer's page was before: Slack messages sent then still link there.
  const oldCustomerPath = matchPath("customers/:customerOid", route["*"] ?? "");
  let content: ReactNode;
  if (page === "insights" && rest.length === 0) content = <InsightsPage />;
  else if (page === "comments" && rest.length === 0) content = <CommentsPage />;
  else if (page === "customers" && rest.length === 0 && customerOid)
    content = <CommentsPage customerOid={customerOid} />;
  else if (oldCustomerPath?.customerOid)
    return <Redirect to={customerPath(value.account.id, oldCustomerPath.customerOid)} />;
  else if (page === "reasons" && rest.length === 0) content = <ReasonsPage />;
  else if (page === "setup" && rest.length === 0) content = <SetupPage />;
  else if (page === "export" && rest.length === 0) content = <ExportPage />;
  else if (page === "webhooks" && rest.length === 0) content = <WebhooksPage />;
  else if (page === "emails" && rest.length === 0) content = <EmailsPage />;
  else if (page === "campaigns" && rest.length === 0) content = <CampaignsPage />;
  else if (page === "offers" && rest.length === 0) content = <OffersPage />;
  else if (page === "settings" && rest.length === 0) content = <SettingsPage />;
  else if (page === "" && rest.length === 0) return <Redirect to={accountPath(value.account.id)} />;

  return (
    <SessionContext.Provider value={value}>
      <Shell page={page}>
        {content ? (
          <Suspense fallback={<Loading />}>{content}</Suspense>
        ) : (
          <NotFoundPage home={accountPath(value.account.id)} inShell />
        )}
      </Shell>
    </SessionContext.Provider>
  );
}
