// `all: initial` on the host keeps the page's fonts, colours and display rules out; the
// dialog itself sits in the top layer, so no z-index war with the page can hide it.
const CSS = `:host{all:initial!important}
*{box-sizing:border-box;margin:0;font:inherit;color:inherit}
[hidden]{display:none!important}
dialog{--c:#4f46e5;margin:auto;width:min(480px,calc(100vw - 24px));max-height:calc(100vh - 24px);padding:0;border:0;border-radius:16px;background:#fff;color:#0f172a;font:15px/1.5 system-ui,sans-serif;box-shadow:0 24px 64px -12px #0008;overflow:auto}
dialog::backdrop{background:#0f172a8c}
form{position:relative;padding:24px}
img{display:block;max-width:60%;max-height:32px;margin-bottom:12px}
h2{font-size:20px;font-weight:700;padding-right:36px}
#s{color:#475569;margin:4px 0 16px}
fieldset{border:0;padding:0;min-width:0}
legend,label{display:block;padding:0;font-weight:600;margin-bottom:6px}
.r{display:flex;align-items:center;gap:10px;padding:8px 12px;border:1px solid #cbd5e1;border-radius:10px;font-weight:400;cursor:pointer}
.r:has(:checked){border-color:var(--c);box-shadow:inset 0 0 0 1px var(--c)}
input{width:18px;height:18px;accent-color:var(--c)}
textarea{display:block;width:100%;min-height:88px;padding:10px 12px;border:1px solid #cbd5e1;border-radius:10px}
.e{color:#b91c1c;font-size:14px;margin-bottom:12px}
label[for]{margin-top:16px}
.a{display:flex;flex-wrap:wrap-reverse;justify-content:flex-end;gap:8px;margin-top:20px}
button,.b{padding:10px 16px;border:1px solid #cbd5e1;border-radius:10px;background:#fff;font-weight:600;cursor:pointer;text-decoration:none}
.g{background:var(--c);border-color:var(--c);color:#fff}
.x{position:absolute;top:14px;right:14px;width:36px;height:36px;padding:0;border:0;font-size:24px;color:#475569}
:focus-visible{outline:2px solid var(--c);outline-offset:2px}
@media(max-width:480px){form{padding:20px 16px}.a button{flex:1 1 100%}}`;

let sheet: CSSStyleSheet | undefined;

/**
 * A constructed stylesheet is CSSOM, which a CSP without `style-src 'unsafe-inline'` does
 * not block; a <style> element is only the fallback for browsers without it.
 */
export function adoptStyles(root: ShadowRoot): void {
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement("style");
    style.textContent = CSS;
    root.append(style);
  }
}
