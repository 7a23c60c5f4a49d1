import { ApiError, errorMessage } from "../api/client.js";

export interface FormErrors {
  /** Per field, by the API's `error.field`. */
  fields: Record<string, string>;
  /** An error that belongs to no one field. */
  form: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

/** Puts an API error next to the field it names, or above the form. */
export function formErrors(error: unknown, known: string[]): FormErrors {
  if (error instanceof ApiError && error.field) {
    const field = error.field.replace(/^body\./, "");
    if (known.includes(field))
      return { fields: { [field]: readable(error.message, field) }, form: null };
  }
  return { fields: {}, form: errorMessage(error) };
}

/** "email must match format "email"" reads better as a sentence about the field. */
function readable(message: string, field: string): string {
  const label = field.replace(/_/g, " ");
  if (/must match format "email"/.test(message)) return "Enter a valid email address.";
  const min = message.match(/must NOT have fewer than (\d+) characters/);
  if (min) return `The ${label} needs at least ${min[1]} characters.`;
  const max = message.match(/must NOT have more than (\d+) characters/);
  if (max) return `The ${label} can have at most ${max[1]} characters.`;
  const most = message.match(/must be <= (\S+)$/);
  if (most) return `Enter at most ${most[1]}.`;
  const least = message.match(/must be >= (\S+)$/);
  if (least) return `Enter at least ${least[1]}.`;
  if (/must have required property/.test(message)) return `Enter the ${label}.`;
  if (/must match pattern/.test(message)) return `Enter the ${label}.`;
  return message;
}
