import { AppError } from "../errors.js";
import { escapeHtml } from "../escape-html.js";

/** The variables a campaign's subject and body may use, as `{{name}}`. */
export const TEMPLATE_VARIABLES = ["name", "plan", "reason", "offer", "unsubscribe_url"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Record<TemplateVariable, string>;

type Part = { text: string } | { variable: TemplateVariable };

const isVariable = (name: string): name is TemplateVariable =>
  (TEMPLATE_VARIABLES as readonly string[]).includes(name);

/**
 * A template split into text and variables, or the problem that makes it unusable: a `{{`
 * never closed, a `}}` never opened, or a name that is no variable. Refused when written, so
 * a typo never reaches a customer as `{{nmae}}`.
 */
function parse(template: string): Part[] | { problem: string } {
  const parts: Part[] = [];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf("{{");
    const close = rest.indexOf("}}");
    if (close !== -1 && (open === -1 || close < open)) {
      return { problem: "has a }} with no {{ before it" };
    }
    if (open === -1) {
      parts.push({ text: rest });
      break;
    }
    const end = rest.indexOf("}}", open + 2);
    if (end === -1) return { problem: "has a {{ that is never closed with }}" };
    const name = rest.slice(open + 2, end).trim();
    if (name.includes("{{")) return { problem: "has a {{ that is never closed with }}" };
    if (!isVariable(name)) {
      return {
        problem: `uses {{${name}}}, which is not a variable (use ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(", ")})`,
      };
    }
    if (open > 0) parts.push({ text: rest.slice(0, open) });
    parts.push({ variable: name });
    rest = rest.slice(end + 2);
  }
  return parts;
}

/** The variables a template uses; throws `invalid_template` naming `field` when it is broken. */
export function checkTemplate(template: string, field: string): Set<TemplateVariable> {
  const parsed = parse(template);
  if ("problem" in parsed) {
    throw new AppError("invalid_template", `${field} ${parsed.problem}.`, { field });
  }
  return new Set(parsed.flatMap((part) => ("variable" in part ? [part.variable] : [])));
}

function partsOf(template: string): Part[] {
  const parsed = parse(template);
  // Templates are checked when stored: one that no longer parses is a fault of ours.
  if ("problem" in parsed) throw new Error(`A stored campaign template ${parsed.problem}.`);
  return parsed;
}

/** The template with its variables filled in, as plain text. */
export function renderText(template: string, values: TemplateValues): string {
  return partsOf(template)
    .map((part) => ("text" in part ? part.text : values[part.variable]))
    .join("");
}

/**
 * The template as HTML paragraphs: its own text and every value escaped (a customer's name
 * may hold `<`), blank lines between paragraphs, line breaks kept.
 */
export function renderHtml(template: string, values: TemplateValues): string {
  const escaped = partsOf(template)
    .map((part) => escapeHtml("text" in part ? part.text : values[part.variable]))
    .join("");
  return escaped
    .split(/\r?\n\s*\r?\n/)
    .filter((paragraph) => paragraph.trim() !== "")
    .map((paragraph) => `<p>${paragraph.trim().replace(/\r?\n/g, "<br>")}</p>`)
    .join("\n");
}

/**
 * Every step's subject and body checked, the field of the first broken one named
 * (`steps[1].body`); `{{offer}}` only when the campaign has an offer to name.
 */
export function checkSteps(
  steps: ReadonlyArray<{ subject: string; body: string }>,
  hasOffer: boolean,
  prefix = "steps",
): void {
  steps.forEach((step, index) => {
    for (const part of ["subject", "body"] as const) {
      const field = prefix === "step" ? `step.${part}` : `${prefix}[${index}].${part}`;
      const used = checkTemplate(step[part], field);
      if (used.has("offer") && !hasOffer) {
        throw new AppError(
          "invalid_template",
          `${field} uses {{offer}}, but the campaign has no offer_id.`,
          { field },
        );
      }
    }
  });
}
