import type { Config } from "./api.js";
import { h } from "./dom.js";
import { adoptStyles } from "./styles.js";

export const HOST_TAG = "barecancel-modal";

export interface Choice {
  // A skip is a cancel without an answer; a dismissal (closing) is no cancel at all.
  kind: "answer" | "skip" | "dismissal";
  reason_id?: string;
  reason?: string;
  comment?: string;
}

export interface Modal {
  /** An answer or a skip; null when closed (the modal is gone by then). */
  choice: Promise<Choice | null>;
  /**
   * Puts a later step (the offer) in the dialog in place of the question, under the close
   * button; from then on Esc, the close button and the backdrop call `leave`. Focus moves
   * to the first node, the step's heading, so a screen reader reads the step out.
   */
  show(leave: () => void, ...nodes: Node[]): void;
  close(): void;
}

export function openModal(
  config: Config,
  commentRequired: boolean | string,
  returnFocus: Element,
): Modal {
  // The server always sends every text, in the customer's language or in English.
  const t = config.texts;
  const host = document.createElement(HOST_TAG);
  const root = host.attachShadow({ mode: "open" });
  adoptStyles(root);

  const error = (id: string) => h("p", { id, class: "e", role: "alert", hidden: "" });
  const reasonError = error("re");
  const commentError = error("ce");
  const radios = config.reasons.map((r) =>
    h("input", { type: "radio", name: "r", value: r.id, "data-text": r.text }),
  );
  const comment = h("textarea", {
    id: "c",
    rows: 3,
    maxlength: config.comment_max_length || 5000,
    placeholder: commentRequired ? "" : t.comment_placeholder,
    "aria-describedby": "ce",
  });
  const close = h("button", { type: "button", class: "x", "aria-label": t.close }, "×");
  const skip = h("button", { type: "button" }, t.skip);
  const submit = h("button", { type: "submit", class: "g" }, t.submit);
  const logo = config.brand?.logo_url;
  const form = h(
    "form",
    { novalidate: "" },
    close,
    // Decorative: the title names the dialog, and a logo that fails to load shows nothing.
    ...(logo ? [h("img", { src: logo, alt: "" })] : []),
    h("h2", { id: "t" }, t.title),
    h("p", { id: "s" }, t.subtitle),
    h(
      "fieldset",
      { "aria-describedby": "re" },
      h("legend", {}, t.reasons_label),
      ...radios.map((radio, i) =>
        h("label", { class: "r" }, radio, h("span", {}, config.reasons[i]?.text ?? "")),
      ),
    ),
    reasonError,
    h("label", { for: "c" }, t.comment_label),
    comment,
    commentError,
    h("div", { class: "a" }, ...(commentRequired ? [] : [skip]), submit),
  );
  const dialog = h("dialog", { "aria-labelledby": "t", "aria-describedby": "s" }, form);
  const color = config.brand?.color;
  if (color && CSS.supports("color", color)) dialog.style.setProperty("--c", color);
  root.append(dialog);

  let busy = false;
  let closed = false;
  let leave: (() => void) | undefined;
  let settle: (choice: Choice | null) => void = () => {};
  const choice = new Promise<Choice | null>((resolve) => {
    settle = resolve;
  });

  const remove = () => {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    host.remove();
    (returnFocus as HTMLElement).focus?.({ preventScroll: true });
  };
  const dismiss = () => {
    if (leave) return leave();
    if (busy) return;
    remove();
    settle(null);
  };
  const choose = (c: Choice) => {
    busy = true;
    form.setAttribute("aria-busy", "true");
    submit.textContent = t.sending;
    settle(c);
  };
  const say = (el: HTMLElement, text: string) => {
    el.textContent = text;
    el.hidden = !text;
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (busy) return;
    const picked = radios.find((r) => r.checked);
    const text = comment.value.trim();
    const missing = !!commentRequired && !text;
    say(reasonError, picked ? "" : t.reason_required);
    say(
      commentError,
      missing ? (typeof commentRequired === "string" ? commentRequired : t.comment_required) : "",
    );
    comment.setAttribute("aria-invalid", String(missing));
    if (!picked) return radios[0]?.focus();
    if (missing) return comment.focus();
    choose({
      kind: "answer",
      reason_id: picked.value,
      reason: picked.dataset.text,
      comment: text || undefined,
    });
  });
  skip.addEventListener("click", () => busy || choose({ kind: "skip" }));
  close.addEventListener("click", dismiss);
  // Esc: handled here so it is a recorded dismissal and never closes mid-send.
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    dismiss();
  });
  // A second Esc may close the dialog regardless of preventDefault (close watcher rules).
  dialog.addEventListener("close", () => (busy ? undefined : dismiss()));
  // Clicks on ::backdrop target the dialog itself; the form covers all of its own box.
  // Checking where the press started keeps a text selection dragged outside from closing it.
  let downOnBackdrop = false;
  dialog.addEventListener("pointerdown", (e) => {
    downOnBackdrop = e.target === dialog;
  });
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog && downOnBackdrop) dismiss();
  });
  dialog.addEventListener("keydown", (e) => {
    // showModal makes the page inert, but Tab can still leave for the browser's own UI.
    if (e.key === "Tab") {
      const ends = form.querySelectorAll<HTMLElement>("button,a");
      const last = ends[ends.length - 1] as HTMLElement;
      if (root.activeElement === (e.shiftKey ? close : last)) {
        e.preventDefault();
        (e.shiftKey ? last : close).focus();
      }
    }
  });
  // Typing in the comment must not fire the page's own keyboard shortcuts.
  for (const type of ["keydown", "keyup", "keypress"]) {
    root.addEventListener(type, (e) => e.stopPropagation());
  }

  document.body.append(host);
  dialog.showModal();
  radios[0]?.focus();
  const show = (onLeave: () => void, ...nodes: Node[]) => {
    leave = onLeave;
    // Not busy any more: a second Esc that closes the dialog regardless must reach `leave`.
    busy = false;
    form.replaceChildren(close, ...nodes);
    form.removeAttribute("aria-busy");
    (nodes[0] as HTMLElement).focus();
  };
  return { choice, show, close: remove };
}
