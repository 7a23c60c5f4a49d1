import { useEffect, useMemo } from "react";
import { accountApi } from "../../api/endpoints.js";
import { WidgetAppearance } from "../../components/widget-appearance.js";
import { useSession } from "../../session.js";
import { AccountName } from "./account-name.js";
import { ApiKeys } from "./api-keys.js";
import { Billing } from "./billing.js";
import { EmbedTokens } from "./embed-tokens.js";
import { Invites } from "./invites.js";
import { Members } from "./members.js";
import { ReportingCurrency } from "./reporting-currency.js";
import { Section } from "./section.js";
import { YourSessions } from "./your-sessions.js";

/**
 * Account name, the widget's looks, embed tokens, API keys, billing, members and invites (owners
 * change, members look), and signing out everywhere.
 */
export default function SettingsPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const owner = account.role === "owner";

  useEffect(() => {
    document.title = `Settings · ${account.name} · Cancel Insights`;
  }, [account.name]);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p className="lead">
            {owner
              ? "The widget's look and words, tokens, keys and people of this account."
              : "You are a member of this account: only owners can change these settings."}
          </p>
        </div>
      </div>
      <AccountName client={client} owner={owner} />
      <Section
        id="widget-heading"
        title="Widget"
        intro="How the question looks to your customers: its language, your brand colour and logo, and your own words."
      >
        <WidgetAppearance client={client} owner={owner} />
      </Section>
      <EmbedTokens client={client} owner={owner} />
      <ApiKeys client={client} owner={owner} />
      <Billing client={client} owner={owner} />
      <ReportingCurrency client={client} owner={owner} />
      <Members client={client} owner={owner} />
      {owner && <Invites client={client} />}
      <YourSessions />
    </div>
  );
}
