// Keyboard-only operation of a page, as someone who cannot use a mouse works: Tab / Shift+Tab to move, typing,
// arrow keys in selects and radio groups, Space for check boxes, Enter to follow a link or press a button.
// Fields are found by walking the Tab order until the focused element's accessible name matches; every stop on
// the way is checked for a visible focus indicator (kept in page.focusProblems).
//
// Matchers: a RegExp tested against the accessible name, or a string that must equal it (after collapsing white
// space), or a function(info) -> boolean.

const MAX_TAB_STOPS = 600;

// What the focused element is, computed in the page: tag, type, role, accessible name (approximated: aria-labelledby,
// aria-label, <label>s, button value, text, title), whether its focus is visible, and where it points.
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { tag: 'body', name: '' };
    const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
    let name = '';
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      name = by.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ');
    } else if (el.getAttribute('aria-label')) {
      name = el.getAttribute('aria-label');
    } else if (el.labels && el.labels.length) {
      name = Array.from(el.labels).map((l) => l.textContent).join(' ');
    } else if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) {
      name = el.value;
    } else {
      name = el.innerText || el.textContent || el.getAttribute('title') || '';
    }
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    // Some components draw the ring on a wrapper: count a focus-within wrapper's outline/shadow too.
    let wrapper = false;
    for (let p = el.parentElement, i = 0; p && i < 2 && !outline && !shadow; p = p.parentElement, i++) {
      const ps = getComputedStyle(p);
      if ((ps.outlineStyle !== 'none' && parseFloat(ps.outlineWidth) > 0) || (ps.boxShadow && ps.boxShadow !== 'none')) {
        wrapper = true;
      }
    }
    return {
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type') || '',
      role: el.getAttribute('role') || '',
      id: el.id,
      fieldName: el.getAttribute('name') || '',
      name: clean(name),
      href: el.getAttribute('href') || '',
      value: 'value' in el ? el.value : '',
      checked: 'checked' in el ? el.checked : undefined,
      focusVisible: outline || shadow || wrapper,
      style: `outline: ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}; box-shadow: ${cs.boxShadow}`,
      legend: clean(el.closest('fieldset')?.querySelector('legend')?.textContent),
      describedBy: el.getAttribute('aria-describedby') || '',
      invalid: el.getAttribute('aria-invalid') || '',
    };
  });
}

function matches(info, matcher) {
  if (typeof matcher === 'function') return matcher(info);
  if (matcher instanceof RegExp) return matcher.test(info.name);
  return info.name === matcher;
}

function describe(info) {
  return `<${info.tag}${info.type ? ` type=${info.type}` : ''}${info.fieldName ? ` name=${info.fieldName}` : ''}> "${info.name.slice(0, 80)}"`;
}

// Presses Tab (Shift+Tab with backwards) until the focused element matches; returns its info. Throws, listing the
// stops it passed, when none matches within MAX stops or the focus comes round to where it started.
export async function tabTo(page, matcher, { backwards = false, max = MAX_TAB_STOPS, what = String(matcher) } = {}) {
  const seen = [];
  let first = null;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const info = await focused(page);
    checkFocusVisible(page, info);
    if (matches(info, matcher)) return info;
    const key = `${info.tag}|${info.id}|${info.fieldName}|${info.name}|${info.href}|${info.value}`;
    if (first === null) first = key;
    else if (key === first && i > 1) break; // round the whole page once
    seen.push(describe(info));
  }
  throw new Error(`keyboard: no Tab stop matching ${what} on ${page.url()}; passed:\n  ${seen.join('\n  ')}`);
}

// Focus indicators must be visible on every stop (WCAG 2.4.7): noted per page, asserted by the tests.
export function checkFocusVisible(page, info) {
  if (info.tag === 'body') return;
  if (!info.focusVisible) {
    page.focusProblems = page.focusProblems || [];
    page.focusProblems.push(`${page.url()}: ${describe(info)} has no visible focus (${info.style})`);
  }
}

// Tabs to the text field MATCHER and replaces its text with TEXT (select all, delete, type).
export async function typeInto(page, matcher, text, options = {}) {
  const info = await tabTo(page, matcher, options);
  if (!['input', 'textarea'].includes(info.tag)) {
    throw new Error(`keyboard: ${describe(info)} is not a text field`);
  }
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  if (text) await page.keyboard.insertText(text);
  return info;
}

// Tabs to the <select> MATCHER and moves its choice with the arrow keys until the option's text matches OPTION.
export async function chooseOption(page, matcher, option, options = {}) {
  const info = await tabTo(page, matcher, options);
  if (info.tag !== 'select') throw new Error(`keyboard: ${describe(info)} is not a select`);
  const state = () =>
    page.evaluate(() => {
      const s = document.activeElement;
      return { index: s.selectedIndex, count: s.options.length, text: s.options[s.selectedIndex]?.text.trim() || '' };
    });
  const want = (text) => (option instanceof RegExp ? option.test(text) : text === option);
  let s = await state();
  // Home, then down through every option: Chromium changes a closed select's value with the arrow keys.
  await page.keyboard.press('Home');
  s = await state();
  for (let i = 0; i <= s.count && !want(s.text); i++) {
    await page.keyboard.press('ArrowDown');
    s = await state();
  }
  if (!want(s.text)) throw new Error(`keyboard: select ${describe(info)} has no option ${option}`);
  return info;
}

// Tabs into the radio group whose legend matches LEGEND and moves with the arrow keys to the button labelled
// OPTION (arrow keys in a radio group move the focus and check the button).
export async function chooseRadio(page, legend, option, options = {}) {
  const inGroup = (i) => i.tag === 'input' && i.type === 'radio' && matches({ ...i, name: i.legend }, legend);
  let cur = await tabTo(page, inGroup, { what: `radio group ${legend}`, ...options });
  const want = (i) => matches(i, option);
  for (let i = 0; i < 30 && !want(cur); i++) {
    await page.keyboard.press('ArrowDown');
    cur = await focused(page);
    checkFocusVisible(page, cur);
  }
  if (!want(cur)) throw new Error(`keyboard: no radio button ${option} in the group ${legend}`);
  if (!cur.checked) await page.keyboard.press('Space');
  return cur;
}

// Tabs to the check box MATCHER and sets it to ON with Space.
export async function setCheckbox(page, matcher, on = true, options = {}) {
  const info = await tabTo(page, (i) => i.tag === 'input' && i.type === 'checkbox' && matches(i, matcher), options);
  if (Boolean(info.checked) !== on) await page.keyboard.press('Space');
  const now = await focused(page);
  if (Boolean(now.checked) !== on) throw new Error(`keyboard: Space did not toggle ${describe(info)}`);
  return now;
}

// Presses KEY (Enter by default) on the focused element and waits for the page it leads to (a form's POST and
// its 303 redirect, or a link) to load.
export async function pressAndWait(page, key = 'Enter') {
  const nav = page.waitForNavigation({ waitUntil: 'load' });
  await page.keyboard.press(key);
  await nav;
}

// Tabs to the button or link MATCHER and activates it with Enter; waits for the next page.
export async function activate(page, matcher, options = {}) {
  const info = await tabTo(page, matcher, options);
  await pressAndWait(page, 'Enter');
  return info;
}

// Matchers for common kinds of Tab stop.
export const button = (re) => (i) =>
  (i.tag === 'button' || (i.tag === 'input' && ['submit', 'button'].includes(i.type))) && matches(i, re);
export const link = (re) => (i) => i.tag === 'a' && matches(i, re);
export const textField = (re) => (i) =>
  (i.tag === 'textarea' || (i.tag === 'input' && !['submit', 'button', 'checkbox', 'radio', 'hidden'].includes(i.type))) &&
  matches(i, re);
export const select = (re) => (i) => i.tag === 'select' && matches(i, re);
