// The pages without JavaScript (a browser context with JavaScript disabled): sign in, create a category C
// registration, release it, publish it as another account, see it on the public pages, and find it with the list's
// search text and filters. Everything is a plain link or form.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

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
import { clickAndWait, mainText, REGISTER, signIn, signOut, STAFF } from './site.mjs';

const skip = missingPrerequisite();
let server;
let browser;

const NAME = 'Sorteren van afvalmeldingen zonder JavaScript';
const label = (name) => new RegExp(`^${name}( \\(verplicht\\))?$`);
const FIELDS = {
  Naam: NAME,
  'Korte omschrijving': 'Dit algoritme zet meldingen over afval in de goede volgorde.',
  Begindatum: '2024-06',
  Contactgegevens: 'algoritmes@amsterdam.example',
  'Doel en impact': 'Meldingen sneller bij de juiste ploeg.',
  Afwegingen: 'Weinig risico: een medewerker ziet elke melding.',
  'Menselijke tussenkomst': 'Een medewerker kan de volgorde altijd aanpassen.',
  Risicobeheer: 'Steekproeven elke maand.',
  Impacttoetsen: 'Geen',
  Gegevens: 'De tekst en plaats van de melding.',
  'Technische werking': 'Een lijst met trefwoorden bepaalt de categorie.',
  Leverancier: 'Eigen organisatie',
};

// Another organisation with one published registration, so the organisation filter has something to leave out.
const TILBURG = 'Gemeente Tilburg';
const TILBURG_ACCOUNTS = {
  redacteur: { username: 'tara.tilburg', name: 'Tara Tilburg', password: 'Tilburg-wachtwoord-789', roles: ['redacteur'] },
  goedkeurder: { username: 'tom.tilburg', name: 'Tom Tilburg', password: 'Tilburg-wachtwoord-012', roles: ['goedkeurder'] },
};

before(async () => {
  if (skip) return;
  server = await startServer({
    extra: Object.values(TILBURG_ACCOUNTS).map((account) => ({ account, organisation: TILBURG })),
  });
  const red = new StaffApi(server.baseUrl, server.token(TILBURG_ACCOUNTS.redacteur));
  const goed = new StaffApi(server.baseUrl, server.token(TILBURG_ACCOUNTS.goedkeurder));
  const lars = await red.create(registration({ name: 'Parkeervergunningen toewijzen in Tilburg', organization: TILBURG }));
  await red.release(lars);
  await goed.publish(lars);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const report = await server.stop();
    server.cleanup();
    assertCleanServer(report);
  }
});

// Sets the choice LABEL (a select, or a radio group with that legend) to OPTION.
async function choose(page, scope, name, option) {
  const select = scope.getByRole('combobox', { name: label(name) });
  if (await select.count()) {
    await select.selectOption({ label: option });
    return;
  }
  await scope.getByRole('group', { name: label(name) }).getByRole('radio', { name: option, exact: true }).check();
}

test('without JavaScript: sign in, create, release, publish category C, public pages, search and filter', { skip, timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });

  // The redacteur registers and releases.
  await signIn(page, server, ACCOUNTS.redacteur);
  assert.equal(new URL(page.url()).pathname, STAFF);
  await clickAndWait(page, page.getByRole('link', { name: 'Nieuwe registratie' }));
  const form = page.locator('main form[method=post]').first();
  for (const [name, value] of Object.entries(FIELDS)) await form.getByLabel(label(name)).fill(value);
  await form.getByRole('checkbox', { name: 'Natuur en milieu', exact: true }).check();
  await choose(page, form, 'Status', 'In gebruik');
  await choose(page, form, 'Publicatiecategorie', CATEGORY.C);
  let status = await clickAndWait(page, form.getByRole('button', { name: 'Opslaan' }));
  assert.equal(status, 200);
  assert.match(new URL(page.url()).pathname, /^\/algoritmeregister\/beheer\/algoritmes\/\d{8}$/, await mainText(page));
  const lars = /(\d{8})$/.exec(new URL(page.url()).pathname)[1];
  await clickAndWait(page, page.getByRole('button', { name: 'Vrijgeven voor goedkeuring' }));
  assert.match(await mainText(page), /ter goedkeuring/i);
  // The redacteur cannot publish what they wrote: no publish button for them.
  assert.equal(await page.getByRole('button', { name: 'Publiceren' }).count(), 0);
  await signOut(page);

  // Not public yet.
  let r = await page.goto(server.url(`${REGISTER}/algoritmes/${lars}`));
  assert.equal(r.status(), 404, 'a registration awaiting approval is public');

  // Another account, a goedkeurder, publishes (category C needs no assessment).
  await signIn(page, server, ACCOUNTS.goedkeurder);
  await clickAndWait(page, page.getByRole('link', { name: NAME }));
  await clickAndWait(page, page.getByRole('button', { name: 'Publiceren' }));
  assert.match(await mainText(page), /gepubliceerd/i);
  await clickAndWait(page, page.getByRole('link', { name: 'Bekijk de publieke pagina' }));
  assert.equal(new URL(page.url()).pathname, `${REGISTER}/algoritmes/${lars}`);
  await signOut(page);

  // The public pages, signed out.
  r = await page.goto(server.url(`${REGISTER}/algoritmes/${lars}`));
  assert.equal(r.status(), 200);
  const detail = await mainText(page);
  assert.ok(detail.includes(NAME));
  assert.ok(detail.includes('Gemeente Amsterdam'));
  assert.match(detail, /Voor dit algoritme is in dit register geen impacttoets vastgelegd/);

  // The list: search text, then a filter, with the search form (GET).
  await page.goto(server.url(REGISTER));
  const search = page.getByRole('search');
  await search.getByLabel(/^Zoek/).fill('afvalmeldingen');
  await clickAndWait(page, search.getByRole('button', { name: 'Zoeken' }));
  let results = page.locator('.thorbecke-results');
  assert.match(await results.innerText(), new RegExp(NAME));
  assert.equal(await page.locator('.thorbecke-result').count(), 1, 'the search found more than the one algorithm');
  assert.equal(await page.getByRole('search').getByLabel(/^Zoek/).inputValue(), 'afvalmeldingen', 'the search text is not kept');

  // A filter on status "Buiten gebruik" with the same text: nothing; "In gebruik": our algorithm.
  await choose(page, page.getByRole('search'), 'Status', 'Buiten gebruik');
  await clickAndWait(page, page.getByRole('search').getByRole('button', { name: 'Zoeken' }));
  assert.equal(await page.locator('.thorbecke-result').count(), 0, 'the status filter does not filter');
  assert.match(await mainText(page), /Er zijn geen gepubliceerde algoritmes die passen bij uw zoekopdracht/);
  await choose(page, page.getByRole('search'), 'Status', 'In gebruik');
  await clickAndWait(page, page.getByRole('search').getByRole('button', { name: 'Zoeken' }));
  assert.equal(await page.locator('.thorbecke-result').count(), 1);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('zoek'), 'afvalmeldingen');
  assert.equal(url.searchParams.get('status'), 'In gebruik');

  // Filter by organisation without text: ours, not Tilburg's.
  await page.goto(server.url(REGISTER));
  await choose(page, page.getByRole('search'), 'Organisatie', 'Gemeente Amsterdam');
  await clickAndWait(page, page.getByRole('search').getByRole('button', { name: 'Zoeken' }));
  results = await page.locator('.thorbecke-results').innerText();
  assert.ok(results.includes(NAME));
  assert.doesNotMatch(results, /Tilburg/);
  // Clearing the filters shows Tilburg's registration again.
  await clickAndWait(page, page.getByRole('link', { name: 'Alle filters wissen' }));
  assert.match(await page.locator('.thorbecke-results').innerText(), /Tilburg/);

  // The organisation page lists it.
  await page.goto(server.url(`${REGISTER}/algoritmes/${lars}`));
  await clickAndWait(page, page.getByRole('link', { name: 'Alle algoritmes van Gemeente Amsterdam' }));
  assert.equal(new URL(page.url()).pathname, `${REGISTER}/organisaties/gemeente-amsterdam`);
  assert.ok((await mainText(page)).includes(NAME));
  assert.deepEqual(page.problems, [], page.problems.join('\n'));
});
