#!/usr/bin/env node
// The HTML report as people see it, in headless Chromium (docs/HACKING.md,
// "Browser tests"). For each HTML file given:
//   - it loads with no request but the file itself (data: URIs aside);
//   - its visible text is the same with JavaScript off as on;
//   - at 390, 1024 and 1440 px wide: a full-page screenshot
//     (SHOTS/NAME-WIDTH.png), no horizontal overflow, no SVG wider than
//     its container;
//   - printed to PDF in Letter and A4 (SHOTS/NAME-letter.pdf, -a4.pdf):
//     the PDF has pages, the page has @media print rules, and every figure
//     and chart asks not to be split (break-inside: avoid) and fits on a page;
//   - axe-core (WCAG 2.0, 2.1 and 2.2 A and AA): no violation;
//   - <html lang> is set and no heading level is skipped;
//   - with --validate CONFIG: html-validate with that configuration
//     (tests/browser/.htmlvalidate.json) finds nothing.
// One line per check, "ok N - ..." or "not ok N - ..." (tests/run.sh counts
// them); details of a failure follow as "#" lines. Exit 1 when one failed,
// 2 on a usage or set-up error.
//
// Usage: node tests/browser/report.js [--shots DIR] [--validate CONFIG] FILE.html...
// The npm packages come from build/node (make build/node/.installed), or
// from CHARTER_NODE_DIR; the browser is CHROMIUM or /usr/bin/chromium.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const { pathToFileURL } = require('url');

const top = path.resolve(__dirname, '..', '..');
const nodeDir = process.env.CHARTER_NODE_DIR || path.join(top, 'build', 'node');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';

const WIDTHS = [390, 1024, 1440];
const PAPERS = [
  // name, puppeteer format, printable size in CSS px (96 per inch) once
  // the margins below are taken off
  { name: 'letter', format: 'Letter', width: 8.5 * 96, height: 11 * 96 },
  { name: 'a4', format: 'A4', width: (210 / 25.4) * 96, height: (297 / 25.4) * 96 },
];
const PDF_MARGIN_IN = 0.5;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let n = 0;
let failed = 0;
function report(ok, what, details) {
  n++;
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}`);
  if (!ok && details) {
    for (const line of [].concat(details)) console.log(`#   ${line}`);
  }
}

function usage(msg) {
  console.error(`report.js: ${msg}`);
  console.error('usage: node tests/browser/report.js [--shots DIR] [--validate CONFIG] FILE.html...');
  process.exit(2);
}

let shots = path.join(top, 'build', 'report-shots');
let validateConfig = null;
const files = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--shots') {
    if (i + 1 >= argv.length) usage('--shots needs a directory');
    shots = path.resolve(argv[++i]);
  } else if (argv[i] === '--validate') {
    if (i + 1 >= argv.length) usage('--validate needs a configuration file');
    validateConfig = path.resolve(argv[++i]);
  } else if (argv[i].startsWith('-')) {
    usage(`unknown option '${argv[i]}'`);
  } else {
    files.push(path.resolve(argv[i]));
  }
}
if (files.length === 0) usage('give one or more HTML files');

let puppeteer, axeSource, htmlValidate;
try {
  const req = createRequire(path.join(nodeDir, 'package.json'));
  puppeteer = req('puppeteer-core');
  axeSource = req('axe-core').source;
  htmlValidate = req('html-validate');
} catch (e) {
  console.log(`not ok 1 - the browser tests' npm packages are not in ${nodeDir} (make build/node/.installed): ${e.message.split('\n')[0]}`);
  process.exit(1);
}

// html-validate with the given configuration alone (no search for other
// configuration files beside the page).
async function validate(file) {
  const name = path.basename(file).replace(/\.html?$/, '');
  const config = JSON.parse(fs.readFileSync(validateConfig, 'utf8'));
  const v = new htmlValidate.HtmlValidate(new htmlValidate.StaticConfigLoader(config));
  const r = await v.validateFile(file);
  const lines = [];
  for (const res of r.results) {
    for (const m of res.messages) lines.push(`${path.basename(file)}:${m.line}:${m.column}: ${m.message} [${m.ruleId}]`);
  }
  report(r.valid, `${name}: html-validate (${path.relative(top, validateConfig)})`, lines.slice(0, 30));
}

// A tab that lets through only the file it was sent to and data: URIs;
// every other request is aborted and noted. The two tabs (JavaScript on
// and off) serve every file in turn: a new tab costs more than a load.
async function openTab(browser, js) {
  const page = await browser.newPage();
  const tab = { page, url: null, external: [] };
  await page.setJavaScriptEnabled(js);
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const u = req.url();
    if (u === tab.url || u.startsWith('data:')) {
      req.continue();
    } else {
      tab.external.push(u);
      req.abort('blockedbyclient');
    }
  });
  return tab;
}

async function load(tab, url) {
  tab.url = url;
  tab.external = [];
  await tab.page.emulateMediaType('screen');
  await tab.page.setViewport({ width: 1024, height: 900 });
  await tab.page.goto(url, { waitUntil: 'load' });
}

const visibleText = (page) => page.evaluate(() => document.body ? document.body.innerText : '');

// Overflow at the current width: the document, and every outermost <svg>
// against the content box of its parent.
function layoutProblems() {
  const out = [];
  const de = document.documentElement;
  if (de.scrollWidth > window.innerWidth) {
    out.push(`the page is ${de.scrollWidth}px wide in a ${window.innerWidth}px window (horizontal scrolling)`);
  }
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const fig = el.closest('figure[id], section[id]');
    if (fig && fig !== el) s += ` in ${fig.tagName.toLowerCase()}#${fig.id}`;
    return s;
  };
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.parentElement && svg.parentElement.closest('svg')) continue;
    const parent = svg.parentElement;
    const cs = getComputedStyle(parent);
    const room = parent.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const w = svg.getBoundingClientRect().width;
    if (w <= room + 0.5) continue;
    // A wide diagram may sit in a box that scrolls sideways, when a keyboard
    // can reach it (tabindex) and it has a name: the page does not overflow.
    const pcs = getComputedStyle(parent);
    const scrolls = pcs.overflowX === 'auto' || pcs.overflowX === 'scroll';
    const reachable = parent.tabIndex >= 0 && (parent.getAttribute('aria-label') || parent.getAttribute('aria-labelledby'));
    if (scrolls && reachable) continue;
    out.push(`${name(svg)} is ${w.toFixed(0)}px wide in ${room.toFixed(0)}px` +
      (scrolls ? ' (its box scrolls, but a keyboard cannot reach it or it has no name)' : ''));
  }
  return out;
}

// Under print media: the page's @media print rules, and the figures and
// charts that could be split across pages.
function printProblems(pageHeight) {
  const out = [];
  let printRules = 0;
  const walk = (rules) => {
    for (const r of rules) {
      if (r.media && /\bprint\b/.test(r.media.mediaText)) printRules++;
      if (r.cssRules) walk(r.cssRules);
    }
  };
  for (const sheet of document.styleSheets) {
    try { walk(sheet.cssRules); } catch (e) { /* not readable */ }
  }
  if (printRules === 0) out.push('the page has no @media print rules');
  // Each figure and outermost chart must be kept whole: by its own
  // break-inside: avoid or that of a box around it, and that box must fit
  // on a page.
  const seen = { figure: 0, svg: 0 };
  for (const el of document.querySelectorAll('figure, svg')) {
    const tag = el.tagName.toLowerCase();
    if (tag === 'svg' && el.parentElement && el.parentElement.closest('svg')) continue;
    seen[tag]++;
    const holder = el.parentElement && el.parentElement.closest('[id]');
    const where = el.id ? `#${el.id}` : holder ? `(${tag} ${seen[tag]} of the page, in #${holder.id})` : `(${tag} ${seen[tag]} of the page)`;
    let keeper = null;
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const bi = getComputedStyle(a).breakInside;
      if (bi === 'avoid' || bi === 'avoid-page') { keeper = a; break; }
    }
    if (!keeper) {
      out.push(`${tag} ${where} can be split across pages (neither it nor a box around it has break-inside: avoid)`);
      continue;
    }
    const h = keeper.getBoundingClientRect().height;
    if (h > pageHeight) {
      out.push(`${tag} ${where} is in a box ${h.toFixed(0)}px tall, more than a page (${pageHeight.toFixed(0)}px): it will be split`);
    }
  }
  return out;
}

function headingProblems() {
  const out = [];
  const lang = document.documentElement.getAttribute('lang');
  if (!lang || !lang.trim()) out.push('<html> has no lang');
  let prev = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (prev === 0 && level !== 1) out.push(`the first heading is <h${level}> "${h.textContent.trim().slice(0, 60)}", not <h1>`);
    else if (level > prev + 1 && prev !== 0) out.push(`<h${level}> "${h.textContent.trim().slice(0, 60)}" follows <h${prev}>: a level is skipped`);
    prev = level;
  }
  if (prev === 0) out.push('the page has no heading');
  return out;
}

function pdfPages(file) {
  const text = fs.readFileSync(file).toString('latin1');
  const m = text.match(/\/Type\s*\/Page(?![s\w])/g);
  return m ? m.length : 0;
}

const timing = process.env.REPORT_TIMING === '1';
let lapStart = Date.now();
function lap(what) {
  const now = Date.now();
  if (timing) console.log(`# ${what}: ${now - lapStart} ms`);
  lapStart = now;
}

async function checkFile(on, off, file) {
  const name = path.basename(file).replace(/\.html?$/, '');
  const url = pathToFileURL(file).href;
  const t = (s) => `${name}: ${s}`;
  const page = on.page;

  // Nothing outside the file; nothing needs JavaScript.
  await load(on, url);
  const textJs = await visibleText(page);
  await load(off, url);
  const textNoJs = await visibleText(off.page);
  await off.page.goto('about:blank');
  await page.bringToFront(); // a tab behind another draws no frames: screenshots wait
  const all = [...new Set(on.external.concat(off.external))];
  report(all.length === 0, t('no request but the file itself'), all.map((u) => `requested ${u}`));
  report(textJs === textNoJs && textJs.trim() !== '', t('the same visible text with JavaScript off'),
    textJs.trim() === '' ? 'the page shows no text' : 'the visible text differs with JavaScript off');
  lap(`${name}: loads`);

  // Widths.
  for (const w of WIDTHS) {
    await page.setViewport({ width: w, height: 900 });
    await page.screenshot({ path: path.join(shots, `${name}-${w}.png`), fullPage: true, optimizeForSpeed: true });
    const problems = await page.evaluate(layoutProblems);
    report(problems.length === 0, t(`${w}px wide: no horizontal overflow, no SVG wider than its container (${name}-${w}.png)`), problems);
  }
  lap(`${name}: screenshots`);

  // Print.
  await page.emulateMediaType('print');
  for (const paper of PAPERS) {
    const pdf = path.join(shots, `${name}-${paper.name}.pdf`);
    const printable = { w: paper.width - 2 * PDF_MARGIN_IN * 96, h: paper.height - 2 * PDF_MARGIN_IN * 96 };
    await page.setViewport({ width: Math.floor(printable.w), height: Math.floor(printable.h) });
    const problems = await page.evaluate(printProblems, printable.h);
    const m = `${PDF_MARGIN_IN}in`;
    await page.pdf({ path: pdf, format: paper.format, printBackground: true, margin: { top: m, bottom: m, left: m, right: m } });
    const pages = pdfPages(pdf);
    if (pages === 0) problems.unshift(`${pdf} has no pages`);
    report(problems.length === 0, t(`prints on ${paper.format} (${pages} pages, ${name}-${paper.name}.pdf), no figure split`), problems);
  }
  await page.emulateMediaType('screen');
  await page.setViewport({ width: 1024, height: 900 });
  lap(`${name}: PDFs`);

  // Accessibility.
  await page.evaluate(axeSource);
  const axe = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, impact: v.impact, targets: v.nodes.map((x) => x.target.join(' ')) }))), AXE_TAGS);
  const axeLines = [];
  for (const v of axe) {
    axeLines.push(`${v.id} (${v.impact}): ${v.help}`);
    for (const target of v.targets.slice(0, 8)) axeLines.push(`    at ${target}`);
    if (v.targets.length > 8) axeLines.push(`    and ${v.targets.length - 8} more`);
  }
  report(axe.length === 0, t(`axe-core ${AXE_TAGS.join(' ')}: no violation`), axeLines);

  const heads = await page.evaluate(headingProblems);
  report(heads.length === 0, t('<html lang> set, no heading level skipped'), heads);
  lap(`${name}: axe and headings`);
}

(async () => {
  const start = Date.now();
  fs.mkdirSync(shots, { recursive: true });
  const present = files.filter((f) => fs.existsSync(f));
  for (const file of files) {
    if (!present.includes(file)) report(false, `${file}: no such file`);
  }
  if (validateConfig) {
    for (const file of present) await validate(file);
    lap('html-validate');
  }
  if (!fs.existsSync(chromium)) {
    report(false, `chromium not installed at ${chromium} (make deps)`);
    process.exit(1);
  }
  const args = ['--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none', '--hide-scrollbars',
    '--disable-renderer-backgrounding', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args, protocolTimeout: 60000 });
  } catch (e) {
    report(false, `chromium does not start (${chromium}): ${e.message.split('\n')[0]}`);
    process.exit(1);
  }
  try {
    const on = await openTab(browser, true);
    const off = await openTab(browser, false);
    await on.page.setBypassCSP(true); // axe-core is injected into the page
    lap('chromium started');
    for (const file of present) {
      try {
        await checkFile(on, off, file);
      } catch (e) {
        report(false, `${path.basename(file)}: the browser checks stopped: ${e.message.split('\n')[0]}`);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`# ${present.length} pages in ${((Date.now() - start) / 1000).toFixed(1)} s; screenshots and PDFs in ${shots}`);
  process.exit(failed ? 1 : 0);
})();
