// Accessibility checks of one page (axe-core at WCAG 2.1 A/AA, no horizontal scroll at 320 px, no inline script
// or style, which the pages' CSP forbids) and a crawler that runs them on every page reachable by links.
import { AXE_PATH } from './harness.mjs';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const NARROW = { width: 320, height: 640 };
export const WIDE = { width: 1280, height: 900 };

// axe-core's WCAG 2.0/2.1 A and AA rules on the loaded page: its violations. The page's context needs
// bypassCSP: addScriptTag injects axe as an inline script, which the pages' CSP (rightly) blocks.
export async function axeViolations(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.addScriptTag({ path: AXE_PATH });
  const tags = WCAG_TAGS;
  const result = await page.evaluate(async (values) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  }, tags);
  return result;
}

// The violations of one page as readable text.
export function formatViolations(label, violations) {
  const out = [`${label}: ${violations.length} axe violation(s)`];
  for (const v of violations) {
    out.push(`  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 8)) {
      out.push(`    at ${n.target}`);
      out.push(`      ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      for (const line of (n.summary || '').split('\n')) if (line.trim()) out.push(`      ${line.trim()}`);
    }
    if (v.nodes.length > 8) out.push(`    … and ${v.nodes.length - 8} more`);
  }
  return out.join('\n');
}

// What the pages' Content Security Policy (default-src 'self') would block, found in the DOM: inline <script>,
// <style> elements and style="" attributes, and javascript: URLs. The pages need none of them.
export async function inlineCode(page) {
  return page.evaluate(() => {
    const found = [];
    for (const s of document.querySelectorAll('script:not([src])')) found.push(`<script> ${s.textContent.slice(0, 60)}`);
    for (const s of document.querySelectorAll('style')) found.push(`<style> ${s.textContent.slice(0, 60)}`);
    for (const e of document.querySelectorAll('[style]')) found.push(`style="${e.getAttribute('style')}" on <${e.tagName.toLowerCase()}>`);
    for (const a of document.querySelectorAll('[href^="javascript:"]')) found.push(`javascript: link ${a.outerHTML.slice(0, 80)}`);
    for (const e of document.querySelectorAll('*')) {
      for (const attr of e.getAttributeNames()) if (/^on/i.test(attr)) found.push(`${attr}= on <${e.tagName.toLowerCase()}>`);
    }
    return found;
  });
}

// Widest content at 320 px: the document must not scroll sideways (WCAG 1.4.10 reflow). Returns null when it fits,
// else a description with the elements that stick out.
export async function horizontalOverflow(page) {
  const before = page.viewportSize();
  await page.setViewportSize(NARROW);
  try {
    return await page.evaluate((width) => {
      const sw = document.documentElement.scrollWidth;
      if (sw <= width) return null;
      const wide = [];
      for (const e of document.body.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        if (r.right > width + 1 && wide.length < 6) {
          wide.push(`<${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''}> right=${Math.round(r.right)}`);
        }
      }
      return `scrollWidth ${sw} > ${width}; too wide: ${wide.join(', ')}`;
    }, NARROW.width);
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

// All checks on the page now loaded; returns the problems found as text lines (empty: all well). Every page must
// also say lang="nl" and have a title.
export async function checkPage(page, label) {
  const problems = [];
  // First, before axe's own inline script is added.
  const inline = await inlineCode(page);
  if (inline.length) problems.push(`${label}: inline code the CSP forbids: ${inline.join('; ')}`);
  const violations = await axeViolations(page);
  if (violations.length) problems.push(formatViolations(label, violations));
  const overflow = await horizontalOverflow(page);
  if (overflow) problems.push(`${label}: at 320 px wide: ${overflow}`);
  const meta = await page.evaluate(() => ({ lang: document.documentElement.lang, title: document.title.trim() }));
  if (meta.lang !== 'nl') problems.push(`${label}: <html lang="${meta.lang}">, expected "nl"`);
  if (!meta.title) problems.push(`${label}: empty <title>`);
  return problems;
}

// Paths the crawler does not open as pages: static files, the APIs, downloads, and the sign-out (a POST form, but
// never follow a link there either).
const NOT_PAGES = [/^\/static\//, /\/api\//, /^\/algoritmeregister\/open-data\//, /\.(json|csv|css|js|png|svg|ico)$/i, /^\/uitloggen/];

// One key per page to visit: the URL, but for the list pages (the register's search list, an organisation's list)
// only the query's parameter names, so that their result pages and filter combinations are scanned once per kind,
// not once per value.
function pageKey(url) {
  const u = new URL(url);
  if (!u.search) return u.pathname;
  if (!/^\/algoritmeregister(\/organisaties\/[^/]+|\/beheer)?$/.test(u.pathname)) return u.pathname + u.search;
  const names = [...new Set([...u.searchParams.keys()])].sort();
  return `${u.pathname}?${names.join('&')}`;
}

// Visits every same-origin page reachable by links from START (paths), breadth first, at most MAX pages; calls
// VISIT(page, url, status) on each HTML page. Returns {visited: [url...], forms: [{url, index}...]} where forms
// lists the POST forms with fields a person fills in (for the validation-error scan).
export async function crawl(page, baseUrl, start, visit, { max = 250, skip = [] } = {}) {
  const origin = new URL(baseUrl).origin;
  const queue = start.map((p) => new URL(p, baseUrl).href);
  const seen = new Set(queue.map(pageKey));
  const visited = [];
  const forms = [];
  const formKinds = new Set();
  while (queue.length) {
    if (visited.length >= max) throw new Error(`crawl: more than ${max} pages; raise the limit or narrow pageKey`);
    const url = queue.shift();
    const response = await page.goto(url, { waitUntil: 'load' });
    const status = response ? response.status() : 0;
    const type = response ? response.headers()['content-type'] || '' : '';
    if (!type.startsWith('text/html')) continue;
    visited.push(url);
    await visit(page, url, status);
    const found = await page.evaluate(() => {
      const links = Array.from(document.querySelectorAll('a[href]'))
        .filter((a) => !a.hasAttribute('download'))
        .map((a) => a.href);
      const fs = Array.from(document.forms).map((f, index) => ({
        index,
        action: new URL(f.action, location.href).pathname,
        post: f.method.toLowerCase() === 'post',
        fields: Array.from(f.elements).filter((e) =>
          (e.tagName === 'TEXTAREA' || e.tagName === 'SELECT' ||
           (e.tagName === 'INPUT' && !['hidden', 'submit', 'button', 'reset'].includes(e.type)))).length,
      }));
      return { links, forms: fs };
    });
    // Forms once per kind (page and action): the same form of another registration (another lars) is the same
    // template.
    for (const f of found.forms) {
      const here = new URL(page.url());
      const kind = `${here.pathname}${here.search} -> ${f.action}`.replace(/\/\d{8}(?=\/|$|\?| )/g, '/{lars}');
      if (f.post && f.fields > 0 && !formKinds.has(kind)) {
        formKinds.add(kind);
        forms.push({ url: page.url(), index: f.index });
      }
    }
    for (const href of found.links) {
      const u = new URL(href);
      u.hash = '';
      if (u.origin !== origin) continue;
      if (NOT_PAGES.some((re) => re.test(u.pathname))) continue;
      if (skip.some((re) => re.test(u.pathname))) continue;
      const key = pageKey(u.href);
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push(u.href);
    }
  }
  return { visited, forms };
}

// Opens URL and submits its INDEXth form with every field a person fills in emptied (text cleared, selects set to
// their first option, boxes unchecked) and the browser's own checks off, so that the server's validation answers;
// returns the status of the answer. Leaves the hidden fields (csrf) as they are.
export async function submitEmptied(page, url, index) {
  await page.goto(url, { waitUntil: 'load' });
  const nav = page.waitForNavigation({ waitUntil: 'load' });
  const submitted = await page.evaluate((i) => {
    const f = document.forms[i];
    if (!f) return false;
    for (const e of f.elements) {
      if (e.tagName === 'TEXTAREA') e.value = '';
      else if (e.tagName === 'SELECT') e.selectedIndex = 0;
      else if (e.tagName === 'INPUT') {
        if (['checkbox', 'radio'].includes(e.type)) e.checked = false;
        else if (!['hidden', 'submit', 'button', 'reset'].includes(e.type)) e.value = '';
      }
    }
    f.noValidate = true;
    const submitter = f.querySelector('button[type=submit], button:not([type]), input[type=submit]');
    f.requestSubmit(submitter || undefined);
    return true;
  }, index);
  if (!submitted) return null;
  const response = await nav;
  return response ? response.status() : null;
}
