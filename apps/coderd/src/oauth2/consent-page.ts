import { html, page, type Html } from '#httpapi/html.js';
import { SCOPE_ALL } from '#rbac/scopes.js';

export interface ConsentView {
  appName: string;
  appIcon: string;
  username: string;
  scopes: readonly string[];
  /** Where the form posts: the same URL and query as the page. */
  action: string;
  csrfToken: string;
  /** The host the user will be sent back to. */
  redirectHost: string;
}

/** The consent page: one form, posted back to the same URL; both answers carry the CSRF token. */
export function consentPage(v: ConsentView): Html {
  const access = v.scopes.includes(SCOPE_ALL) ? html`<li>Full access to your account</li>` : v.scopes.map((s) => html`<li><code>${s}</code></li>`);
  const icon = v.appIcon ? html`<img src="${v.appIcon}" alt="">` : '';
  return page(
    `Authorize ${v.appName}`,
    html`${icon}<h1>Authorize ${v.appName}</h1>
<p><strong>${v.appName}</strong> wants to act as <strong>${v.username}</strong> on this Coder deployment, with:</p>
<ul>${access}</ul>
<p>You will be sent back to <strong>${v.redirectHost}</strong>. You can revoke this access at any time.</p>
<form method="post" action="${v.action}">
<input type="hidden" name="csrf_token" value="${v.csrfToken}">
<div class="actions"><button type="submit" name="decision" value="deny">Cancel</button><button class="primary" type="submit" name="decision" value="allow">Allow</button></div>
</form>`,
  );
}

/** What is shown instead of redirecting when the redirect URI itself cannot be trusted. */
export const invalidRequestPage = (detail: string): Html => page('Invalid Query Parameters', html`<h1>Invalid Query Parameters</h1><p class="error">${detail}</p>`);
