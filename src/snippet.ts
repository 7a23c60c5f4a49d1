/** A JavaScript string literal that cannot end the `<script>` element it sits in. */
export function jsString(value: string): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * The embed code a site pastes before `</body>` (DESIGN.md section 1): the guard against
 * double inclusion, the async loader, then the params the site fills in per customer.
 * `extraParams` are further `name: value` lines of JS, written as given.
 */
export function renderSnippet(options: {
  publicUrl: string;
  accessTokenId: string;
  customerOid?: string;
  extraParams?: string[];
  /** For pages with a nonce-based Content Security Policy. */
  nonce?: string;
}): string {
  const src = `${options.publicUrl.replace(/\/+$/, "")}/barecancel.js`;
  const params = [
    `access_token_id: ${jsString(options.accessTokenId)}`,
    options.customerOid
      ? `customer_oid: ${jsString(options.customerOid)}`
      : `// your customer's id at your billing provider, e.g. Stripe's cus_...\n  customer_oid: "CUSTOMER_ID"`,
    ...(options.extraParams ?? []),
  ];
  const open = options.nonce ? `<script nonce="${options.nonce}">` : "<script>";
  return `${open}
!function(){if(window.barecancel&&window.barecancel.created){console.error("barecancel snippet included twice");return}
window.barecancel={created:true};var s=document.createElement("script");
s.src=${jsString(src)};s.async=true;document.head.appendChild(s)}();
window.barecancel.params = {
${params.map((line) => `  ${line}`).join(",\n")}
};
</script>`;
}
