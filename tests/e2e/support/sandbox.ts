/**
 * The sandbox gateway seen from the test process (plain HTTP from node, never through the app):
 * only the sandbox-only endpoints and public pages of docs/api.md.
 */

/** Normalises the banner's data-gateway-origin to scheme://host[:port] (no trailing slash, no path). */
export function normaliseOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`gateway origin is not HTTP(S): ${url.protocol}`);
  return url.origin;
}

/** GET /sandbox/captchas/{id}/answer → the answer, so a journey can pass the captcha. */
export async function captchaAnswer(origin: string, captchaId: string): Promise<string> {
  const response = await fetch(
    `${origin}/sandbox/captchas/${encodeURIComponent(captchaId)}/answer`,
  );
  if (response.status !== 200) {
    throw new Error(
      `GET /sandbox/captchas/{id}/answer answered ${response.status}; is the app running its embedded sandbox?`,
    );
  }
  const body = (await response.json()) as { answer?: unknown };
  if (typeof body.answer !== 'string' || body.answer === '')
    throw new Error('the sandbox captcha answer is missing or not a string');
  return body.answer;
}

/**
 * A wrong answer of the same shape as the right one (same length, same kind of character in each
 * place), so the app's own format checks pass and only the gateway can refuse it.
 */
export function wrongAnswer(answer: string): string {
  const shift = (c: string): string => {
    if (/[0-9]/.test(c)) return String((Number(c) + 1) % 10);
    if (/[a-z]/.test(c)) return String.fromCharCode(((c.charCodeAt(0) - 97 + 1) % 26) + 97);
    if (/[A-Z]/.test(c)) return String.fromCharCode(((c.charCodeAt(0) - 65 + 1) % 26) + 65);
    return c;
  };
  const wrong = [...answer].map(shift).join('');
  return wrong.toLowerCase() === answer.toLowerCase() ? `${answer}0` : wrong;
}

/** GET a page from the gateway as a browser would. */
export async function getPage(url: string): Promise<{ status: number; url: string; html: string }> {
  const response = await fetch(url, { headers: { accept: 'text/html' }, redirect: 'follow' });
  return { status: response.status, url: response.url, html: await response.text() };
}
