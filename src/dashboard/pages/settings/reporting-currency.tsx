import { type FormEvent, useEffect, useState } from "react";
import { ConfirmButton } from "../../components/confirm-button.js";
import { Field } from "../../components/field.js";
import { Loaded } from "../../components/states.js";
import { formatDateTime } from "../../lib/format.js";
import { useAction } from "../../lib/use-action.js";
import { useAsync } from "../../lib/use-async.js";
import { type AccountSectionProps, Section } from "./section.js";

/**
 * The reporting currency and the owner's rates into it: the Insights page adds a total in
 * it when every currency of the losses has a rate. Nothing is fetched from elsewhere.
 */
export function ReportingCurrency({ client, owner }: AccountSectionProps) {
  const setting = useAsync(() => client.reportingCurrency(), [client]);
  const { run, busy, notice } = useAction();
  const [currency, setCurrency] = useState("");
  const [rateCurrency, setRateCurrency] = useState("");
  const [rate, setRate] = useState("");
  const saved = setting.data?.reporting_currency ?? null;
  useEffect(() => setCurrency(saved?.toUpperCase() ?? ""), [saved]);

  const saveCurrency = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await client.setReportingCurrency(currency.trim() || null);
      setting.reload();
    });
  };
  const saveRate = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await client.setExchangeRate(rateCurrency.trim(), Number(rate));
      setRateCurrency("");
      setRate("");
      setting.reload();
    });
  };

  return (
    <Section
      id="reporting-currency-heading"
      title="Reporting currency"
      intro="Totals stay per currency. With a reporting currency and your rates into it, Insights also shows the lost MRR in it; a currency without a rate is named, never guessed."
    >
      {notice}
      <Loaded state={setting} label="Loading the reporting currency…">
        {(data) => (
          <>
            {owner ? (
              <form className="inline-form" onSubmit={saveCurrency}>
                <Field
                  label="Reporting currency"
                  hint="An ISO 4217 code, e.g. USD; empty: none."
                  value={currency}
                  maxLength={3}
                  onChange={(e) => setCurrency(e.target.value)}
                />
                <button type="submit" className="button" disabled={busy}>
                  Save
                </button>
              </form>
            ) : (
              <p>{data.reporting_currency?.toUpperCase() ?? "None: totals per currency only."}</p>
            )}
            {data.reporting_currency && (
              <>
                <table className="table">
                  <caption className="visually-hidden">Exchange rates</caption>
                  <thead>
                    <tr>
                      <th scope="col">Currency</th>
                      <th scope="col">Rate (1 unit in {data.reporting_currency.toUpperCase()})</th>
                      <th scope="col">Updated</th>
                      {owner && <th scope="col" />}
                    </tr>
                  </thead>
                  <tbody>
                    {data.rates.map((r) => (
                      <tr key={r.currency}>
                        <td>{r.currency.toUpperCase()}</td>
                        <td className="num">{r.rate}</td>
                        <td>{formatDateTime(r.updated_at)}</td>
                        {owner && (
                          <td>
                            <ConfirmButton
                              label="Remove"
                              confirmLabel="Really remove?"
                              srLabel={`the ${r.currency.toUpperCase()} rate`}
                              onConfirm={() =>
                                void run(async () => {
                                  await client.deleteExchangeRate(r.currency);
                                  setting.reload();
                                })
                              }
                            />
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
                {owner && (
                  <form className="inline-form" onSubmit={saveRate}>
                    <Field
                      label="Currency"
                      placeholder="EUR"
                      value={rateCurrency}
                      maxLength={3}
                      required
                      onChange={(e) => setRateCurrency(e.target.value)}
                    />
                    <Field
                      label={`Rate in ${data.reporting_currency.toUpperCase()}`}
                      type="number"
                      step="any"
                      min="0"
                      placeholder="1.08"
                      value={rate}
                      required
                      onChange={(e) => setRate(e.target.value)}
                    />
                    <button type="submit" className="button" disabled={busy}>
                      Set rate
                    </button>
                  </form>
                )}
              </>
            )}
          </>
        )}
      </Loaded>
    </Section>
  );
}
