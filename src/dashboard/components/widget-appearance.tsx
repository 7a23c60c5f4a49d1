import { type FormEvent, useEffect, useMemo, useState } from "react";
import { errorMessage } from "../api/client.js";
import type { AccountApi } from "../api/endpoints.js";
import type { WidgetSettings } from "../api/types.js";
import { useAsync } from "../lib/use-async.js";
import { languageName, textLabel, widgetTexts } from "../lib/widget-words.js";
import { LogoPicker } from "./logo-picker.js";
import { ErrorNotice, Loading } from "./states.js";
import { WidgetPreview } from "./widget-preview.js";
import "./widget-appearance.css";

type Texts = WidgetSettings["texts"];

const HEX = /^#[0-9a-f]{6}$/i;

/**
 * Language, brand colour, logo and the widget's words, beside a preview that follows every
 * edit. The logo is saved as soon as it is picked; the rest with the form's button.
 */
export function WidgetAppearance({ client, owner }: { client: AccountApi; owner: boolean }) {
  const loaded = useAsync(() => client.widgetSettings(), [client]);
  const reasons = useAsync(() => client.reasons(), [client]);
  const settings = loaded.data?.settings;

  if (loaded.error !== undefined && !settings) {
    return <ErrorNotice error={loaded.error} retry={loaded.reload} />;
  }
  if (!settings) return <Loading />;
  return (
    <AppearanceForm
      key={client.base}
      settings={settings}
      owner={owner}
      reasons={(reasons.data?.reasons ?? []).filter((r) => !r.archived)}
      onSave={async (changes) => {
        const saved = await client.updateWidgetSettings(changes);
        loaded.setData(() => saved);
      }}
      onLogo={async (file) => {
        const { logo } = file ? await client.uploadLogo(file) : await client.removeLogo();
        loaded.setData((d) => (d ? { settings: { ...d.settings, logo } } : d));
      }}
    />
  );
}

function AppearanceForm({
  settings,
  owner,
  reasons,
  onSave,
  onLogo,
}: {
  settings: WidgetSettings;
  owner: boolean;
  reasons: { id: string; text: string }[];
  onSave(changes: Partial<WidgetSettings>): Promise<void>;
  /** Uploads a new logo, or removes it (null). */
  onLogo(file: File | null): Promise<void>;
}) {
  const [locale, setLocale] = useState(settings.locale ?? "");
  const [color, setColor] = useState(settings.brand_color);
  const [colorText, setColorText] = useState(settings.brand_color);
  const [texts, setTexts] = useState<Texts>(settings.texts);
  const [editing, setEditing] = useState(settings.locale ?? "en");
  const [status, setStatus] = useState<{ saved?: boolean; error?: string }>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (HEX.test(colorText)) setColor(colorText.toLowerCase());
  }, [colorText]);

  const defaults = useMemo(() => widgetTexts(editing).texts, [editing]);
  const preview = widgetTexts(editing, texts).texts;
  const setText = (key: string, value: string) =>
    setTexts((all) => ({ ...all, [editing]: { ...(all[editing] ?? {}), [key]: value } }));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!HEX.test(colorText)) {
      setStatus({ error: "The brand colour is a hex colour like #4f46e5." });
      return;
    }
    setBusy(true);
    setStatus({});
    try {
      await onSave({ locale: locale || null, brand_color: color, texts });
      setStatus({ saved: true });
    } catch (error) {
      setStatus({ error: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="split">
      <form className="split-main" onSubmit={save}>
        <fieldset className="plain" disabled={!owner}>
          <legend className="visually-hidden">Widget appearance</legend>
          <div className="form-grid">
            <div className="control">
              <label htmlFor="widget-locale">Language</label>
              <select
                id="widget-locale"
                value={locale}
                onChange={(e) => {
                  setLocale(e.target.value);
                  if (e.target.value) setEditing(e.target.value);
                }}
              >
                <option value="">The customer's (page or browser)</option>
                {settings.available_locales.map((code) => (
                  <option key={code} value={code}>
                    {languageName(code)}
                  </option>
                ))}
              </select>
            </div>
            <div className="control">
              <label htmlFor="brand-color">Brand colour</label>
              <div className="color-row">
                <input
                  type="color"
                  aria-label="Pick the brand colour"
                  value={color}
                  onChange={(e) => {
                    setColor(e.target.value);
                    setColorText(e.target.value);
                  }}
                />
                <input
                  id="brand-color"
                  value={colorText}
                  maxLength={7}
                  size={8}
                  aria-invalid={HEX.test(colorText) ? undefined : true}
                  onChange={(e) => setColorText(e.target.value.trim())}
                />
              </div>
            </div>
          </div>
          <LogoPicker
            logo={settings.logo}
            owner={owner}
            onUpload={onLogo}
            onRemove={() => onLogo(null)}
          />
          <div className="control">
            <label htmlFor="words-locale">Words in</label>
            <select
              id="words-locale"
              className="narrow"
              value={editing}
              onChange={(e) => setEditing(e.target.value)}
            >
              {settings.available_locales.map((code) => (
                <option key={code} value={code}>
                  {languageName(code)}
                </option>
              ))}
            </select>
            <p className="hint">Leave a field empty to keep our words (shown greyed out).</p>
          </div>
          <div className="texts-grid">
            {settings.text_keys.map((key) => (
              <div className="control" key={`${editing}-${key}`}>
                <label htmlFor={`text-${key}`}>{textLabel(key)}</label>
                <input
                  id={`text-${key}`}
                  value={texts[editing]?.[key] ?? ""}
                  placeholder={defaults[key as keyof typeof defaults]}
                  maxLength={300}
                  onChange={(e) => setText(key, e.target.value)}
                />
              </div>
            ))}
          </div>
          {owner && (
            <div className="button-row">
              <button type="submit" className="button button-primary" disabled={busy}>
                {busy ? "Saving…" : "Save widget settings"}
              </button>
              <span className="copy-status" role="status">
                {status.saved ? "Saved" : ""}
              </span>
            </div>
          )}
          {status.error && (
            <p className="notice notice-error" role="alert">
              {status.error}
            </p>
          )}
        </fieldset>
      </form>
      <div className="split-side">
        <p className="hint">Preview in {languageName(editing)}</p>
        <WidgetPreview
          texts={preview}
          reasons={reasons}
          color={HEX.test(color) ? color : "#4f46e5"}
          logoUrl={settings.logo?.url}
        />
      </div>
    </div>
  );
}
