// The editor -> approver journey with the keyboard only: Tab / Shift+Tab to move, typing, arrow keys, Space and
// Enter; no mouse, no filling of fields that were not reached by Tab. A redacteur registers a category B algorithm
// "In gebruik" and releases it; a goedkeurder (another account) tries to publish and is refused, the missing
// assessment listed; the redacteur fills in the IAMA (parts 1, 2A, 2B and 3; part 4 declared not applicable with
// an explanation); the goedkeurder signs it off and publishes; the public page shows the algorithm and the
// assessment's outcome. On the way: the skip link is the first Tab stop and works, every Tab stop shows a visible
// focus indicator, a validation error is reported next to its field and in the summary, and nothing breaks the CSP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS,
  assertCleanServer,
  launchBrowser,
  missingPrerequisite,
  newPage,
  startServer,
  TEST_TIMEOUT_MS,
} from './harness.mjs';
import {
  activate,
  button,
  chooseOption,
  chooseRadio,
  focused,
  link,
  setCheckbox,
  tabTo,
  textField,
  typeInto,
} from './keyboard.mjs';
import { mainText } from './site.mjs';

const skip = missingPrerequisite();
let server;
let browser;

const NAME = 'Toekennen van parkeervergunningen met voorrang';
const CONCLUSION = "De IAMA laat zien dat de risico's voor mensenrechten beheerst zijn. Het algoritme mag in gebruik.";

// The registration's required fields as the form labels them (the standard's Dutch names; "(verplicht)" follows).
const label = (name) => new RegExp(`^${name}( \\(verplicht\\))?$`);
const TEXT_FIELDS = [
  ['Naam', NAME],
  ['Korte omschrijving', 'Dit algoritme bepaalt welke aanvragen voor een parkeervergunning voorrang krijgen.'],
  ['Begindatum', '2025-02'],
  ['Contactgegevens', 'algoritmes@amsterdam.example'],
  ['Doel en impact', 'Mensen met een beperking krijgen sneller een parkeervergunning.'],
  ['Afwegingen', 'Sneller helpen weegt op tegen de kans op een verkeerde volgorde.'],
  ['Menselijke tussenkomst', 'Een medewerker controleert elke aanvraag met voorrang.'],
  ['Risicobeheer', 'Wij kijken elk kwartaal of de volgorde eerlijk is.'],
  ['Impacttoetsen', 'IAMA'],
  ['Gegevens', 'Gegevens uit de aanvraag en de gehandicaptenparkeerkaart.'],
  ['Technische werking', 'Een rekenregel geeft elke aanvraag punten; de meeste punten gaan voor.'],
];

before(async () => {
  if (skip) return;
  server = await startServer();
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

// Sign in by keyboard. The pages have no sign-in link (staff know the address, as they would type it): the
// journey opens /inloggen unless it is shown already (after signing out).
async function signIn(page, account) {
  if (new URL(page.url()).pathname !== '/inloggen') await page.goto(server.url('/inloggen'), { waitUntil: 'load' });
  await typeInto(page, textField(/^Gebruikersnaam/), account.username);
  await typeInto(page, textField(/^Wachtwoord/), account.password);
  await activate(page, button(/^Inloggen$/i));
  assert.match(new URL(page.url()).pathname, /^\/algoritmeregister\/beheer/, `signed in as ${account.username}`);
  assert.match(await page.locator('header').first().innerText(), new RegExp(account.name), 'the header names who is signed in');
}

async function signOut(page) {
  await activate(page, button(/^Uitloggen$/i));
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /Uitloggen/, 'still signed in after signing out');
}

// From the staff overview, opens the registration NAME (a link in the table).
async function openRegistration(page) {
  await activate(page, link(NAME));
  assert.match(new URL(page.url()).pathname, /^\/algoritmeregister\/beheer\/algoritmes\/\d{8}$/);
}

// Status and category may be a select or a radio group (with a legend): either is operated by keyboard.
async function chooseField(page, matcher, option) {
  const info = await tabTo(
    page,
    (f) => (f.tag === 'select' && matcher.test(f.name)) || (f.type === 'radio' && matcher.test(f.legend)),
    { what: `the field ${matcher}` },
  );
  // Back one stop, so that the helper's own Tab lands on it again.
  await page.keyboard.press('Shift+Tab');
  if (info.tag === 'select') return chooseOption(page, (f) => f.tag === 'select' && matcher.test(f.name), option);
  return chooseRadio(page, matcher, option);
}

// Part 4's "not applicable" control (a check box or a radio button) and its explanation.
async function declareNotApplicable(page) {
  const info = await tabTo(
    page,
    (f) => f.tag === 'input' && ['checkbox', 'radio'].includes(f.type) && /niet van toepassing/i.test(f.name),
    { what: 'the not-applicable control' },
  );
  if (!info.checked) await page.keyboard.press('Space');
  await typeInto(page, textField(/Toelichting/i), 'Deel 4 gaat over de afweging bij grondrechten; dit algoritme raakt die niet.');
}

test('skip link: the first Tab stop, and it moves to the content', { skip, timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newPage(browser);
  await page.goto(server.url('/algoritmeregister'), { waitUntil: 'load' });
  await page.keyboard.press('Tab');
  const first = await focused(page);
  assert.equal(first.tag, 'a', `the first Tab stop is <${first.tag}> "${first.name}"`);
  assert.equal(first.name, 'Naar de inhoud');
  assert.equal(first.href, '#inhoud');
  assert.ok(first.focusVisible, `the skip link's focus is not visible: ${first.style}`);
  // It is visible when focused (not left off-screen or clipped to nothing).
  const box = await page.evaluate(() => {
    const r = document.activeElement.getBoundingClientRect();
    return { w: r.width, h: r.height, x: r.x, y: r.y };
  });
  assert.ok(box.w > 1 && box.h > 1 && box.x >= 0 && box.y >= 0, `the focused skip link is not on screen: ${JSON.stringify(box)}`);
  await page.keyboard.press('Enter');
  assert.equal(new URL(page.url()).hash, '#inhoud');
  // The next Tab stop is inside the main content, past the header's navigation.
  await page.keyboard.press('Tab');
  const inMain = await page.evaluate(() => Boolean(document.activeElement.closest('main#inhoud')));
  assert.ok(inMain, `after the skip link, Tab went to ${JSON.stringify(await focused(page))}`);
  assert.deepEqual(page.problems, [], page.problems.join('\n'));
});

test('keyboard only: redacteur registers, goedkeurder is refused, IAMA, sign-off, publication', { skip, timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newPage(browser);
  page.focusProblems = [];
  await page.goto(server.url('/algoritmeregister'), { waitUntil: 'load' });

  // --- redacteur: a new registration, category B, "In gebruik"
  await signIn(page, ACCOUNTS.redacteur);
  await activate(page, link(/^Nieuwe registratie$/));
  for (const [name, value] of TEXT_FIELDS) await typeInto(page, textField(label(name)), value);
  await setCheckbox(page, /^Verkeer$/);
  await chooseField(page, label('Status'), 'In gebruik');
  await chooseField(page, label('Publicatiecategorie'), 'Impactvolle algoritmes (Categorie B)');
  // Leverancier left empty: the form comes back with the error next to the field and in the summary.
  await activate(page, button(/^Opslaan$/));
  const summary = page.locator('.thorbecke-error-summary');
  assert.equal(await summary.count(), 1, 'no error summary after saving without a supplier');
  assert.match(await summary.innerText(), /Leverancier/);
  // The values entered before were kept.
  assert.equal(await page.getByLabel(label('Naam')).inputValue(), NAME);
  // The summary's link leads to the field (keyboard: Tab to it, Enter), which says it is invalid and why.
  await tabTo(page, link(/^Leverancier/));
  await page.keyboard.press('Enter');
  const supplier = await typeInto(page, textField(label('Leverancier')), 'Eigen organisatie');
  assert.equal(supplier.invalid, 'true', 'the supplier field has no aria-invalid');
  const describedBy = await page.evaluate(
    (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' '),
    supplier.describedBy,
  );
  assert.match(describedBy, /Leverancier|invullen|verplicht/i, `the field's description does not name the error: ${describedBy}`);
  await activate(page, button(/^Opslaan$/));
  assert.match(new URL(page.url()).pathname, /^\/algoritmeregister\/beheer\/algoritmes\/\d{8}$/, 'saving did not lead to the registration');
  const staffPath = new URL(page.url()).pathname;
  await activate(page, button(/^Vrijgeven voor goedkeuring$/));
  assert.match(await mainText(page), /ter goedkeuring/i);
  await signOut(page);

  // --- goedkeurder: publishing is refused, the missing assessment listed
  await signIn(page, ACCOUNTS.goedkeurder);
  await openRegistration(page);
  await activate(page, button(/^Publiceren$/));
  const refusal = page.locator('[role=alert]');
  assert.ok((await refusal.count()) >= 1, 'no refusal shown');
  const refusalText = (await refusal.first().innerText()).replace(/\s+/g, ' ');
  assert.match(refusalText, /IAMA|impacttoets|toets/i, `the refusal does not name the assessment: ${refusalText}`);
  assert.match(refusalText, /Deel 1/, `the refusal does not list the open parts: ${refusalText}`);
  // The refusal is the registration's page again (answered to the POST), still awaiting approval.
  assert.ok(new URL(page.url()).pathname.startsWith(staffPath));
  assert.match(await mainText(page), /ter goedkeuring/i);
  await signOut(page);

  // --- redacteur: the IAMA, part by part
  await signIn(page, ACCOUNTS.redacteur);
  await openRegistration(page);
  await activate(page, link(/^IAMA/));
  for (const part of ['1', '2A', '2B', '3']) {
    await activate(page, link(`Deel ${part}`));
    const questions = await page.getByRole('textbox', { name: /^Antwoord op vraag/ }).count();
    assert.ok(questions > 0, `part ${part} shows no questions`);
    for (let i = 0; i < questions; i++) {
      const answer = await typeInto(
        page,
        (f) => f.tag === 'textarea' && /^Antwoord op vraag/.test(f.name) && !f.value,
        `Antwoord ${i + 1} op deel ${part}: zo doen wij dat.`,
        { what: `answer ${i + 1} of part ${part}` },
      );
      const number = answer.name.replace(/^Antwoord op vraag\s*/, '').replace(/\s.*$/, '');
      await typeInto(page, textField(new RegExp(`^Uw rol bij vraag ${number.replace(/\./g, '\\.')}\\b`)), 'Projectleider', {
        what: `the role for question ${number}`,
      });
    }
    await activate(page, button(`Deel ${part} opslaan`));
    assert.equal(await page.locator('.thorbecke-error-summary').count(), 0, `saving part ${part} failed`);
  }
  // Part 4 does not apply: said so, with an explanation.
  await activate(page, link('Deel 4'));
  await declareNotApplicable(page);
  await activate(page, button('Deel 4 opslaan'));
  assert.equal(await page.locator('.thorbecke-error-summary').count(), 0, 'saving part 4 failed');
  await signOut(page);

  // --- goedkeurder: sign-off and publication
  await signIn(page, ACCOUNTS.goedkeurder);
  await openRegistration(page);
  await activate(page, link(/^IAMA/));
  await typeInto(page, textField(/^Conclusie/), CONCLUSION);
  await activate(page, button('IAMA goedkeuren'));
  assert.match(await mainText(page), /goedgekeurd/i);
  await activate(page, link('Terug naar de registratie'));
  await activate(page, button(/^Publiceren$/));
  assert.match(await mainText(page), /gepubliceerd/i);
  await activate(page, link('Bekijk de publieke pagina'));

  // --- the public page
  assert.match(new URL(page.url()).pathname, /^\/algoritmeregister\/algoritmes\/\d{8}$/);
  const pub = await mainText(page);
  assert.ok(pub.includes(NAME), 'the public page does not show the name');
  assert.match(pub, /Uitkomst van de impacttoets/);
  assert.match(pub, /IAMA/);
  assert.ok(pub.includes("De IAMA laat zien dat de risico's voor mensenrechten beheerst zijn"), 'no conclusion');

  assert.deepEqual(page.focusProblems, [], `focus not visible:\n${page.focusProblems.join('\n')}`);
  assert.deepEqual(page.problems, [], page.problems.join('\n'));
});
