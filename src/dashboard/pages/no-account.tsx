import { type FormEvent, useEffect, useState } from "react";
import { api } from "../api/client.js";
import type { Account, Session } from "../api/types.js";
import { Field } from "../components/field.js";
import { type FormErrors, formErrors, NO_ERRORS } from "../lib/form-errors.js";
import "./auth.css";

/** Signed in, but a member of no account (removed from the last one): make one. */
export function NoAccountPage({
  session,
  onCreated,
  onSignedOut,
}: {
  session: Session;
  onCreated(accountId: string): Promise<void>;
  onSignedOut(): Promise<void>;
}) {
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = "New account · Cancel Insights";
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (!name) return setErrors({ fields: { name: "Enter a name." }, form: null });
    setBusy(true);
    try {
      const created = await api.post<{ account: Account }>("/api/accounts", { name });
      await onCreated(created.account.id);
    } catch (error) {
      setErrors(formErrors(error, ["name"]));
      setBusy(false);
    }
  };

  return (
    <div className="auth">
      <main id="main" className="auth-card">
        <h1>Create an account</h1>
        <p className="lead">
          {session.user.email} is not a member of any account. Create one for your product, or ask
          an owner for an invite link.
        </p>
        {errors.form && (
          <p className="notice notice-error" role="alert">
            {errors.form}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <Field label="Account name" name="name" error={errors.fields.name} />
          <button type="submit" className="button button-primary button-wide" disabled={busy}>
            Create account
          </button>
        </form>
        <p>
          <button type="button" className="link-button" onClick={() => void onSignedOut()}>
            Sign out
          </button>
        </p>
      </main>
    </div>
  );
}
