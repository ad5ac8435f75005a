// Steps on Thorbecke's pages that several tests share, done with Playwright's locators (the keyboard-only journey
// has its own, in journey.test.mjs). The field names are the ones design.md fixes (gebruikersnaam, wachtwoord,
// csrf); labels and buttons are those of src/web and src/algoritmeregister/pages.cpp.
export const SIGN_IN = '/inloggen';
export const REGISTER = '/algoritmeregister';
export const STAFF = '/algoritmeregister/beheer';

// Signs ACCOUNT in through the sign-in form (optionally with another PASSWORD); returns the response status of the
// page the form leads to.
export async function signIn(page, server, account, { password = account.password, terug = '' } = {}) {
  await page.goto(server.url(SIGN_IN + (terug ? `?terug=${encodeURIComponent(terug)}` : '')), { waitUntil: 'load' });
  await page.locator('input[name=gebruikersnaam]').fill(account.username);
  await page.locator('input[name=wachtwoord]').fill(password);
  const nav = page.waitForNavigation({ waitUntil: 'load' });
  await page.locator('form:has(input[name=wachtwoord]) [type=submit], form:has(input[name=wachtwoord]) button').first().click();
  const response = await nav;
  return response ? response.status() : null;
}

// Signs out with the header's sign-out button (a POST form).
export async function signOut(page) {
  const nav = page.waitForNavigation({ waitUntil: 'load' });
  await page.locator('form[action="/uitloggen"] button, form[action="/uitloggen"] [type=submit]').first().click();
  await nav;
}

// The text of the page's main region, white space collapsed.
export async function mainText(page) {
  const t = await page.locator('main').first().innerText();
  return t.replace(/\s+/g, ' ').trim();
}

// Clicks the button or link NAME and waits for the next page; returns its status.
export async function clickAndWait(page, locator) {
  const nav = page.waitForNavigation({ waitUntil: 'load' });
  await locator.click();
  const response = await nav;
  return response ? response.status() : null;
}

// The lars of the registration whose page (staff or public) is shown: the 8 digits in the URL.
export function larsFromUrl(url) {
  const m = /\/algoritmes\/(\d{8})/.exec(new URL(url).pathname);
  return m ? m[1] : null;
}
