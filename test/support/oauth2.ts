// The browser's part of the OAuth2 code flow, for specs: open the consent page with the user's
// session cookie, read its CSRF token, and post the user's answer. Answers the redirect it sends.
import { expect } from '@jest/globals';

export interface ConsentResult {
  status: number;
  location: string;
  page: string;
}

const cookie = (sessionToken: string) => ({ cookie: `coder_session_token=${sessionToken}` });

export async function openConsent(authorizeUrl: string, sessionToken: string): Promise<{ status: number; page: string; headers: Headers }> {
  const res = await fetch(authorizeUrl, { headers: cookie(sessionToken), redirect: 'manual' });
  return { status: res.status, page: await res.text(), headers: res.headers };
}

export function csrfTokenOf(page: string): string {
  const token = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error(`no CSRF token in the consent page: ${page.slice(0, 300)}`);
  return token;
}

/** GET the consent page, then POST the decision to the same URL; answers the 302's Location. */
export async function consent(authorizeUrl: string, sessionToken: string, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
  const shown = await openConsent(authorizeUrl, sessionToken);
  expect(shown.status).toBe(200);
  const res = await fetch(authorizeUrl, {
    method: 'POST',
    headers: { ...cookie(sessionToken), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf_token: csrfTokenOf(shown.page), decision }).toString(),
    redirect: 'manual',
  });
  if (res.status !== 302) throw new Error(`consent answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location')!);
}
