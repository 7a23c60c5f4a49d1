import { type FormEvent, useEffect, useState } from "react";
import { auth } from "../api/endpoints.js";
import type { Session } from "../api/types.js";
import { Field } from "../components/field.js";
import { type FormErrors, formErrors, NO_ERRORS } from "../lib/form-errors.js";
import "./auth.css";

/** `/invite/:token`: join an account, signed in already or with an email and password. */
export function InvitePage({
  token,
  session,
  onJoined,
}: {
  token: string;
  session: Session | null;
  onJoined(session: Session, accountId: string): void;
}) {
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = "Join an account · Cancel Insights";
  }, []);

  const accept = async (body: { email?: string; password?: string }) => {
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const joined = await auth.acceptInvite(token, body);
      onJoined(joined, joined.account_id);
    } catch (error) {
      setErrors(formErrors(error, ["email", "password"]));
      setBusy(false);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (session) return void accept({});
    const data = new FormData(event.currentTarget);
    void accept({
      email: String(data.get("email") ?? "").trim(),
      password: String(data.get("password") ?? ""),
    });
  };

  return (
    <div className="auth">
      <main id="main" className="auth-card">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Cancel Insights
        </p>
        <h1>Join an account</h1>
        <p className="lead">
          {session
            ? `You are signed in as ${session.user.email}. Accept the invite to add the account to yours.`
            : "Sign in with your email and password to accept, or choose a password to create your user."}
        </p>
        {errors.form && (
          <p className="notice notice-error" role="alert">
            {errors.form}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          {!session && (
            <>
              <Field
                label="Email"
                name="email"
                type="email"
                autoComplete="username"
                error={errors.fields.email}
              />
              <Field
                label="Password"
                name="password"
                type="password"
                autoComplete="current-password"
                hint="New here? At least 10 characters."
                error={errors.fields.password}
              />
            </>
          )}
          <button type="submit" className="button button-primary button-wide" disabled={busy}>
            {busy ? "Joining…" : "Accept invite"}
          </button>
        </form>
      </main>
    </div>
  );
}
