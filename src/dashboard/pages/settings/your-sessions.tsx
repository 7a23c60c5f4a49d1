import { ConfirmButton } from "../../components/confirm-button.js";
import { useAction } from "../../lib/use-action.js";
import { useSession } from "../../session.js";
import { Section } from "./section.js";

/** About the person, not the account: every session of theirs, on any device. */
export function YourSessions() {
  const { session, signOut } = useSession();
  const { run, notice } = useAction();
  return (
    <Section
      id="sessions-heading"
      title="Your sign-in"
      intro={
        <>
          Signed in as <strong>{session.user.email}</strong>. Signing out everywhere ends all your
          sessions, in every browser and on every device, this one included: use it after signing in
          on a computer that is not yours, or when a device goes missing.
        </>
      }
    >
      {notice}
      <ConfirmButton
        label="Sign out everywhere"
        confirmLabel="Really sign out everywhere?"
        onConfirm={() => void run(() => signOut({ everywhere: true }))}
      />
    </Section>
  );
}
