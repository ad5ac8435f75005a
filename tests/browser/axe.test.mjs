// Every page at WCAG 2.1 A and AA by axe-core, reflow at 320 px, no inline code against the CSP: the public pages
// and the staff pages (signed in as redacteur and as goedkeurder), reached by following every link; the forms once
// more after submitting them emptied (validation messages), the sign-in page with an error, the gate's refusal,
// the CSRF refusal (403) and the 404 page. Registrations in every workflow state are made first (staff API).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkPage, crawl, submitEmptied, WIDE } from './a11y.mjs';
import { CATEGORY, registration, StaffApi } from './api.mjs';
import {
  ACCOUNTS,
  assertCleanServer,
  launchBrowser,
  missingPrerequisite,
  newPage,
  startServer,
  TEST_TIMEOUT_MS,
} from './harness.mjs';
import { REGISTER, SIGN_IN, signIn, signOut, STAFF } from './site.mjs';

const skip = missingPrerequisite();
let server;
let browser;

// Collects what the checks find on the pages of one test; a page a link leads to must answer 200 (else it is a
// broken link).
class Scan {
  constructor() {
    this.problems = [];
    this.pages = [];
  }

  async visit(page, label, status, expected = 200) {
    this.pages.push(label);
    if (status !== expected) this.problems.push(`${label}: HTTP ${status}, expected ${expected}`);
    this.problems.push(...(await checkPage(page, label)));
  }

  report() {
    return `${this.problems.length} problem(s) on ${this.pages.length} pages:\n\n${this.problems.join('\n\n')}`;
  }
}

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launchBrowser();
  // Registrations of Gemeente Amsterdam in every state, so each state's staff page is scanned.
  const red = new StaffApi(server.baseUrl, server.token(ACCOUNTS.redacteur));
  const goed = new StaffApi(server.baseUrl, server.token(ACCOUNTS.goedkeurder));
  await red.create(registration({ name: 'Axe: concept' }));
  const released = await red.create(registration({ name: 'Axe: ter goedkeuring' }));
  await red.release(released);
  const published = await red.create(registration({ name: 'Axe: gepubliceerd', theme: ['Verkeer', 'Wonen'] }));
  await red.release(published);
  await goed.publish(published);
  const retracted = await red.create(registration({ name: 'Axe: teruggetrokken' }));
  await red.release(retracted);
  await goed.publish(retracted);
  await goed.retract(retracted, 'Het algoritme wordt niet meer gebruikt.');
  const gated = await red.create(
    registration({ name: 'Axe: categorie B in gebruik', publication_category: CATEGORY.B, status: 'In gebruik' }),
  );
  await red.release(gated);
  server.gated = gated;
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const report = await server.stop();
    server.cleanup();
    assertCleanServer(report);
  }
});

test('every public page passes axe (WCAG 2.1 AA) and reflows at 320 px', { skip, timeout: TEST_TIMEOUT_MS }, async (t) => {
  const scan = new Scan();
  const visit = scan.visit.bind(scan);
  const page = await newPage(browser, { bypassCSP: true, viewport: WIDE });
  const { visited } = await crawl(page, server.baseUrl, [REGISTER, SIGN_IN], (p, url, status) =>
    visit(p, `public ${new URL(url).pathname}${new URL(url).search}`, status),
  );
  assert.ok(visited.length >= 6, `only ${visited.length} public pages found: ${visited.join(', ')}`);
  // The list page with a search and filters, and with a search that finds nothing.
  for (const query of ['?zoek=meldingen&status=In+gebruik', '?zoek=bestaat-zeker-niet-xyz']) {
    const r = await page.goto(server.url(REGISTER + query), { waitUntil: 'load' });
    await visit(page, `public ${REGISTER}${query}`, r.status());
  }
  // The 404 page, inside and outside the register.
  for (const path of ['/algoritmeregister/algoritmes/00000000', '/algoritmeregister/bestaat-niet']) {
    const r = await page.goto(server.url(path), { waitUntil: 'load' });
    await visit(page, `404 ${path}`, r.status(), 404);
  }
  // The sign-in page with an error: a wrong password, and an empty form.
  const status = await signIn(page, server, ACCOUNTS.redacteur, { password: 'fout-wachtwoord' });
  assert.notEqual(new URL(page.url()).pathname, STAFF, 'a wrong password signed in');
  assert.ok(status >= 400 && status < 500, `a wrong password answered HTTP ${status}`);
  await visit(page, 'sign-in with a wrong password', status, status);
  const s2 = await submitEmptied(page, server.url(SIGN_IN), 0);
  assert.ok(s2 >= 400 && s2 < 500, `an empty sign-in form answered HTTP ${s2}`);
  await visit(page, 'sign-in submitted empty', s2, s2);
  t.diagnostic(`${scan.pages.length} pages checked`);
  assert.deepEqual(page.problems, [], page.problems.join('\n'));
  assert.deepEqual(scan.problems, [], scan.report());
});

for (const role of ['redacteur', 'goedkeurder']) {
  test(`every staff page passes axe signed in as ${role}, forms with errors too`, { skip, timeout: TEST_TIMEOUT_MS }, async (t) => {
    const scan = new Scan();
    const visit = scan.visit.bind(scan);
    const page = await newPage(browser, { bypassCSP: true, viewport: WIDE });
    await signIn(page, server, ACCOUNTS[role]);
    assert.equal(new URL(page.url()).pathname, STAFF, `signing in as ${role} did not lead to ${STAFF}`);
    const { visited, forms } = await crawl(page, server.baseUrl, [STAFF], (p, url, status) =>
      visit(p, `${role} ${new URL(url).pathname}${new URL(url).search}`, status),
    );
    assert.ok(visited.some((u) => u.includes('/beheer/algoritmes/')), `no registration pages found: ${visited.join(', ')}`);
    // Every form with fields, submitted emptied: the validation messages and error summary must pass too.
    for (const { url, index } of forms) {
      const status = await submitEmptied(page, url, index);
      if (status === null) continue;
      await visit(page, `${role} form ${index} of ${new URL(url).pathname} submitted empty`, status, status);
      if (status >= 500) scan.problems.push(`${role}: submitting form ${index} of ${url} empty: HTTP ${status}`);
    }
    if (role === 'goedkeurder') {
      // The gate's refusal: publishing a category B algorithm "In gebruik" without an assessment.
      await page.goto(server.url(`${STAFF}/algoritmes/${server.gated}`), { waitUntil: 'load' });
      const nav = page.waitForNavigation({ waitUntil: 'load' });
      await page.getByRole('button', { name: /publiceren/i }).first().click();
      const r = await nav;
      await visit(page, 'goedkeurder: the gate refuses publication', r.status(), r.status());
      assert.match(await page.locator('main').innerText(), /IAMA|impacttoets|toets/i, 'the refusal names no assessment');
    } else {
      // A form posted with a wrong CSRF token: the 403 page.
      await page.goto(server.url(`${STAFF}/nieuw`), { waitUntil: 'load' });
      const nav = page.waitForNavigation({ waitUntil: 'load' });
      await page.evaluate(() => {
        const f = document.querySelector('form[method=post] input[name=csrf]').form;
        f.querySelector('input[name=csrf]').value = 'onjuist';
        f.noValidate = true;
        f.requestSubmit();
      });
      const r = await nav;
      await visit(page, 'redacteur: a form with a wrong CSRF token', r.status(), 403);
    }
    await signOut(page);
    t.diagnostic(`${scan.pages.length} pages checked`);
    assert.deepEqual(page.problems, [], page.problems.join('\n'));
    assert.deepEqual(scan.problems, [], scan.report());
  });
}
