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
  /** The offer step (src/widget/offer-step.ts), shown only to accounts with offers. */
  offer_accept: string;
  offer_contact: string;
  offer_decline: string;
  offer_saved: string;
  offer_failed: string;
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
    offer_accept: "Accept offer",
    offer_contact: "Talk to us",
    offer_decline: "No thanks, cancel",
    offer_saved: "Thank you for staying!",
    offer_failed: "Sorry, we couldn't apply this offer. You can still cancel.",
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
    offer_accept: "Angebot annehmen",
    offer_contact: "Mit uns sprechen",
    offer_decline: "Nein danke, kündigen",
    offer_saved: "Danke, dass Sie bleiben!",
    offer_failed:
      "Das Angebot konnte leider nicht angewendet werden. Sie können trotzdem kündigen.",
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
    offer_accept: "Accepter l'offre",
    offer_contact: "Nous parler",
    offer_decline: "Non merci, résilier",
    offer_saved: "Merci de rester avec nous !",
    offer_failed: "Désolé, l'offre n'a pas pu être appliquée. Vous pouvez tout de même résilier.",
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
    offer_accept: "Aceptar la oferta",
    offer_contact: "Hablar con nosotros",
    offer_decline: "No, gracias, cancelar",
    offer_saved: "¡Gracias por quedarte!",
    offer_failed: "Lo sentimos, no pudimos aplicar la oferta. Aún puedes cancelar.",
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
