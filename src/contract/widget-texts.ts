/** The widget's words, per language. Accounts will be able to override them. */
export interface WidgetTexts {
  title: string;
  subtitle: string;
  reasons_label: string;
  comment_label: string;
  comment_placeholder: string;
  submit: string;
  skip: string;
  close: string;
  reason_required: string;
  comment_required: string;
  sending: string;
}

const TEXTS: Record<string, WidgetTexts> = {
  en: {
    title: "Before you go…",
    subtitle: "Why are you cancelling? Your answer helps us improve.",
    reasons_label: "Main reason for cancelling",
    comment_label: "Anything else you'd like to tell us?",
    comment_placeholder: "Optional",
    submit: "Continue cancelling",
    skip: "Skip and cancel",
    close: "Close",
    reason_required: "Please choose a reason.",
    comment_required: "Please tell us a bit more.",
    sending: "Sending…",
  },
  de: {
    title: "Bevor Sie gehen…",
    subtitle: "Warum kündigen Sie? Ihre Antwort hilft uns, besser zu werden.",
    reasons_label: "Hauptgrund für die Kündigung",
    comment_label: "Möchten Sie uns noch etwas sagen?",
    comment_placeholder: "Optional",
    submit: "Weiter kündigen",
    skip: "Überspringen und kündigen",
    close: "Schließen",
    reason_required: "Bitte wählen Sie einen Grund.",
    comment_required: "Bitte erzählen Sie uns etwas mehr.",
    sending: "Wird gesendet…",
  },
  fr: {
    title: "Avant de partir…",
    subtitle: "Pourquoi résiliez-vous ? Votre réponse nous aide à nous améliorer.",
    reasons_label: "Raison principale de la résiliation",
    comment_label: "Autre chose à nous dire ?",
    comment_placeholder: "Facultatif",
    submit: "Continuer la résiliation",
    skip: "Passer et résilier",
    close: "Fermer",
    reason_required: "Veuillez choisir une raison.",
    comment_required: "Dites-nous en un peu plus, s'il vous plaît.",
    sending: "Envoi…",
  },
  es: {
    title: "Antes de irte…",
    subtitle: "¿Por qué cancelas? Tu respuesta nos ayuda a mejorar.",
    reasons_label: "Motivo principal de la cancelación",
    comment_label: "¿Algo más que quieras contarnos?",
    comment_placeholder: "Opcional",
    submit: "Continuar con la cancelación",
    skip: "Omitir y cancelar",
    close: "Cerrar",
    reason_required: "Elige un motivo, por favor.",
    comment_required: "Cuéntanos un poco más, por favor.",
    sending: "Enviando…",
  },
};

export const WIDGET_LOCALES = Object.keys(TEXTS);
export const WIDGET_TEXT_KEYS = Object.keys(TEXTS.en as WidgetTexts) as Array<keyof WidgetTexts>;

/**
 * The texts in the closest language we have (`pt-BR` falls back to `pt`, then to English),
 * with the account owner's own words for that language over ours.
 */
export function widgetTexts(
  locale: string | undefined,
  overrides: Record<string, Record<string, string>> = {},
): { locale: string; texts: WidgetTexts } {
  const wanted = (locale ?? "en").toLowerCase();
  const base = wanted.split(/[-_]/)[0] ?? "en";
  const found = TEXTS[wanted] ? wanted : TEXTS[base] ? base : "en";
  const own = overrides[found] ?? {};
  const texts = { ...(TEXTS[found] as WidgetTexts) };
  for (const key of WIDGET_TEXT_KEYS) if (own[key]) texts[key] = own[key];
  return { locale: found, texts };
}
