import { type FormEvent, useEffect, useState } from "react";
import { auth } from "../api/endpoints.js";
import type { Session } from "../api/types.js";
import { Field } from "../components/field.js";
import { type FormErrors, formErrors, NO_ERRORS } from "../lib/form-errors.js";
import { navigate } from "../router.js";
import { accountPath } from "../session.js";
import "./auth.css";

/** First run (create the first user and account) or sign in. */
export function AuthPage({
  mode,
  onSignedIn,
}: {
  mode: "sign-up" | "sign-in";
  onSignedIn(session: Session): void;
}) {
  const signUp = mode === "sign-up";
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const title = signUp ? "Create your account" : "Sign in";

  useEffect(() => {
    document.title = `${title} · Cancel Insights`;
  }, [title]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    const accountName = String(data.get("account_name") ?? "").trim();
    const missing: Record<string, string> = {};
    if (!email) missing.email = "Enter your email address.";
    if (!password) missing.password = "Enter a password.";
    if (signUp && !accountName)
      missing.account_name = "Name the product whose cancellations you want to understand.";
    if (Object.keys(missing).length) {
      setErrors({ fields: missing, form: null });
      focusFirstError(form);
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const session = signUp
        ? await auth.firstUser({ email, password, account_name: accountName })
        : await auth.login({ email, password });
      onSignedIn(session);
      // A new owner starts where the product starts: installing the widget on their site.
      const created = signUp ? session.accounts.find((a) => a.name === accountName) : undefined;
      if (created) navigate(accountPath(created.id, "setup"));
    } catch (error) {
      setErrors(formErrors(error, ["email", "password", "account_name"]));
      setBusy(false);
      focusFirstError(form);
    }
  };

  return (
    <div className="auth">
      <main id="main" className="auth-card">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Cancel Insights
        </p>
        <h1>{title}</h1>
        <p className="lead">
          {signUp
            ? "Welcome! Create the first user of this server. You will own every account on it."
            : "See why your customers cancel, and what each reason costs."}
        </p>
        {errors.form && (
          <p className="notice notice-error" role="alert">
            {errors.form}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete={signUp ? "email" : "username"}
            required
            error={errors.fields.email}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete={signUp ? "new-password" : "current-password"}
            required
            hint={signUp ? "At least 10 characters." : undefined}
            error={errors.fields.password}
          />
          {signUp && (
            <Field
              label="Account name"
              name="account_name"
              required
              hint="Your product's name, e.g. Acme Analytics."
              error={errors.fields.account_name}
            />
          )}
          <button type="submit" className="button button-primary button-wide" disabled={busy}>
            {busy ? "Please wait…" : signUp ? "Create account" : "Sign in"}
          </button>
        </form>
      </main>
    </div>
  );
}

function focusFirstError(form: HTMLFormElement): void {
  requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
}
