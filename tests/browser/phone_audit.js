// The phone layout audit of tests/browser/test_phone.py: one pass over the drawn page, returning [rule, what] pairs.
// arguments: the selectors of scrollers allowed to hide content sideways, the selectors of exempt targets, the
// words of a label that ask for autocomplete, and the smallest target (CSS px) for a finger and for a link inside
// running text; the icon names the app's icon font draws and the file name of NiceGUI's full icon font.
const [allowedScrollers, exempt, autofillWords, finger, textLink, iconNames, fullIconFont] = arguments;
const root = document.documentElement, width = root.clientWidth;
const TARGETS = 'button, a[href], [role=button], [role=tab], [role=checkbox], [role=radio], [role=switch], ' +
  '[role=option], input:not([type=hidden]), select, textarea, .q-field__control, .q-chip--clickable, ' +
  '.q-item--clickable';
const FIELDS = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), textarea';
const findings = [];

const words = (text) => (text || '').trim().replace(/\s+/g, ' ');
const shown = (e) => e.checkVisibility({visibilityProperty: true}) && e.getClientRects().length > 0;
const at = (r) => `at (${Math.round(r.left + scrollX)},${Math.round(r.top + scrollY)})`;

function describe(e) {
  const kind = e.tagName.toLowerCase() + (e.classList[0] ? `.${e.classList[0]}` : '');
  const role = e.getAttribute('role') ? `[role=${e.getAttribute('role')}]` : '';
  const name = words(e.getAttribute('aria-label') || e.innerText || e.getAttribute('placeholder') || e.value);
  return `${kind}${role} "${name.slice(0, 40)}"`;
}

// The document itself is wider than the phone: name the outermost elements that stick out.
function documentOverflow() {
  if (root.scrollWidth <= width) return;
  const sticksOut = (e) => e.getBoundingClientRect().right > width + 1;
  // (a fixed bar spans whatever the page grew to, as a phone then zooms out: it follows the overflow, not causes it)
  const fixed = (e) => getComputedStyle(e).position === 'fixed';
  const clipped = (e) => [...ancestors(e)].some((a) => getComputedStyle(a).overflowX !== 'visible');
  const culprits = [...document.body.querySelectorAll('*')]
    .filter((e) => shown(e) && sticksOut(e) && !sticksOut(e.parentElement) && !clipped(e) && !fixed(e))
    .slice(0, 3).map((e) => `${describe(e)} ${Math.round(e.getBoundingClientRect().width)} px wide`);
  findings.push(['document overflow', `${root.scrollWidth} px wide in a ${width} px screen: ${culprits.join('; ')}`]);
}

function* ancestors(e) {
  for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) yield a;
}

// A box that hides part of its content sideways (a table scrolling under the finger, text cut off), unless it is a
// scroller made for it.
function hiddenSideways() {
  for (const e of document.querySelectorAll('body, body *')) {
    // (a field scrolls its own text)
    if (e.scrollWidth <= e.clientWidth + 1 || e.matches('input, textarea, select')) continue;
    const style = getComputedStyle(e);
    if (!['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX) || !shown(e)) continue;
    if (allowedScrollers.some((selector) => e.matches(selector))) continue;  // the scroller itself, not its content
    const how = style.textOverflow === 'ellipsis' ? ' (cut with …)' : '';
    const where = at(e.getBoundingClientRect());
    findings.push(['hidden sideways', `${describe(e)} shows ${e.clientWidth} of ${e.scrollWidth} px${how} ${where}`]);
  }
}

// A link inside a sentence is as tall as the line it sits in; WCAG 2.5.8 asks 24 px of it.
function inRunningText(e) {
  if (e.tagName !== 'A' || getComputedStyle(e).display !== 'inline') return false;
  let block = e.parentElement;
  while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest('a') && words(node.textContent)) return true;
  }
  return false;
}

function smallTargets() {
  for (const e of document.querySelectorAll(TARGETS)) {
    if (!shown(e) || exempt.some((selector) => e.matches(selector))) continue;
    const r = e.getBoundingClientRect();
    if (r.right <= 0 || r.left >= width) continue;  // off the screen (a closed drawer)
    const [w, h] = [Math.round(r.width), Math.round(r.height)];
    const small = inRunningText(e) ? h < textLink : w < finger || h < finger;
    if (small) findings.push(['small target', `${describe(e)} ${w}x${h} ${at(r)}`]);
  }
}

// A field asking for something the browser can fill in (a name, an email, a phone number, an address, a postal code,
// a password) says what, or says autocomplete=off.
function missingAutocomplete() {
  const asks = new RegExp(`\\b(${autofillWords.join('|')})`, 'i');
  for (const e of document.querySelectorAll(FIELDS)) {
    const label = words(e.closest('.q-field')?.querySelector('.q-field__label')?.innerText ||
      e.getAttribute('aria-label') || e.getAttribute('placeholder'));
    const value = (e.getAttribute('autocomplete') || '').trim();
    const wrong = e.type === 'password' ? !/^(current|new)-password$/.test(value)
      : (['email', 'tel'].includes(e.type) || asks.test(`${label} ${e.name}`)) && ['', 'on'].includes(value);
    const field = `${e.tagName.toLowerCase()}[type=${e.type}] "${label}"`;
    if (wrong) findings.push(['no autocomplete', `${field} autocomplete="${value}"`]);
  }
}

// An icon the app's Material Icons subset (scripts/subset_icons.py) cannot draw shows as its name ("chevron_right"),
// hidden ones included (they show later); NiceGUI's full icon font, which the subset stands in for, is never fetched.
function iconFont() {
  const drawn = new Set(iconNames);
  for (const e of document.querySelectorAll('i.material-icons, .q-icon.material-icons')) {
    const name = e.textContent.trim();
    if (drawn.has(name)) continue;
    findings.push(['icon font', `${describe(e)} shows "${name}" ${at(e.getBoundingClientRect())}`]);
  }
  for (const e of document.querySelectorAll('[data-icon], [data-icon-end]')) {  // drawn by CSS (components/theme.py)
    for (const name of [e.dataset.icon, e.dataset.iconEnd]) {
      if (name === undefined || drawn.has(name)) continue;
      findings.push(['icon font', `${describe(e)} draws "${name}" ${at(e.getBoundingClientRect())}`]);
    }
  }
  for (const entry of performance.getEntriesByType('resource')) {
    if (!entry.name.endsWith(`/${fullIconFont}`)) continue;
    findings.push(['icon font', `NiceGUI's full icon font was fetched: ${entry.name}`]);
  }
}

// Every class drawn on the page has a rule in some stylesheet. The app's Tailwind classes come from a stylesheet built
// from the classes its code spells out (scripts/tailwind/input.css), so a class made at run time (f'gap-{n}') has none
// and does nothing. Quasar's and NiceGUI's names of their own parts and states (q-..., nicegui-...) need no rule of
// ours; nor do these:
const UNSTYLED_OK = {
  'no-touch': "Quasar's mark on <body> for a device without a touch screen",
  'notranslate': "Quasar's word to translation tools on an icon (its name is not a word)",
  'list-chip--neutral': "the neutral tone is .list-chip's own look (components/tables.py)",
};
const CLASS_IN_SELECTOR = /\.((?:\\.|[\w-])+)/g;  // .max-sm\:hidden, .min-w-\[14rem\]
const unescaped = (name) => name.replace(/\\(.)/g, '$1');
function classesWithRules() {
  const names = new Set();
  const walk = (rules) => {
    for (const rule of rules) {
      for (const found of (rule.selectorText || '').matchAll(CLASS_IN_SELECTOR)) names.add(unescaped(found[1]));
      if (rule.styleSheet) walk(rule.styleSheet.cssRules);  // an @import
      if (rule.cssRules) walk(rule.cssRules);  // @layer, @media, @container, @supports and nested rules
    }
  };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  return names;
}
function unstyledClasses() {
  const styled = classesWithRules(), reported = new Set();
  for (const e of document.querySelectorAll('[class]')) {
    for (const name of e.classList) {
      if (styled.has(name) || /^(q|nicegui)-/.test(name) || name in UNSTYLED_OK || reported.has(name)) continue;
      reported.add(name);
      findings.push(['unstyled class', `${name} on ${describe(e)}: no stylesheet has a rule for it`]);
    }
  }
}

// A Quasar component our Quasar does not register (scripts/quasar/quasar.json) is left in the page as an unknown
// element named by its tag (<q-rating>), drawing nothing.
function unknownComponents() {
  const reported = new Set();
  for (const e of document.querySelectorAll('*')) {
    const tag = e.tagName.toLowerCase();
    if (!tag.startsWith('q-') || reported.has(tag)) continue;
    reported.add(tag);
    findings.push(['unknown component', `${describe(e)}: Quasar has no ${tag} registered`]);
  }
}

documentOverflow();
hiddenSideways();
smallTargets();
missingAutocomplete();
iconFont();
unstyledClasses();
unknownComponents();
return findings;
