// Helpers shared by the browser test files (tests.mjs and the per-area files it splices in).

export function assert(cond, msg) { if (!cond) throw new Error(msg); }

export async function open(page, baseUrl, hash) {
  await page.goto(`${baseUrl}/#${hash}`, { waitUntil: 'domcontentloaded' });
}

export async function waitCount(page, sel, min = 1, exact = false) {
  await page.waitForFunction(([s, n, ex]) => {
    const c = document.querySelectorAll(s).length;
    return ex ? c === n : c >= n;
  }, [sel, min, exact]);
  return page.locator(sel).count();
}

export async function text(page, sel) { return (await page.locator(sel).first().textContent())?.trim() ?? ''; }

export async function login(page, baseUrl, email, password) {
  await open(page, baseUrl, '/login');
  await page.waitForSelector('#login-form');
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('#user-menu');
}

export async function signOut(page, baseUrl) {
  if (!page.url().startsWith(baseUrl)) await open(page, baseUrl, '/');
  await page.waitForSelector('#user-menu, #login-link');
  if (await page.locator('#user-menu').count()) {
    await page.click('#user-menu');
    await page.click('#logout');
    await page.waitForSelector('#login-link');
  }
}

/** A JSON API call from inside the page, with the session's CSRF token. */
export async function apiCall(page, method, p, body) {
  return page.evaluate(async ([m, path, b]) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const r = await fetch('/api/v1' + path, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: b ? JSON.stringify(b) : undefined });
    const t = await r.text();
    let data = null; try { data = JSON.parse(t); } catch { data = t; }
    return { status: r.status, body: data };
  }, [method, p, body ?? null]);
}

// Days as the server counts them: Vietnam's civil date (UTC+7).
export const isoDay = (offset = 0) => new Date(Date.now() + 7 * 3600000 + offset * 86400000).toISOString().slice(0, 10);
export const dmy = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
