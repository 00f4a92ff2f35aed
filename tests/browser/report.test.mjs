// SPDX-License-Identifier: GPL-3.0-or-later
// Opens a report written by scalecast in headless Chromium (Debian's chromium, driven by
// playwright-core) and checks what a reader does with it: it renders without console errors
// (a Content-Security-Policy violation is one), hovering a point shows its name, toggling a
// law hides its curve, a curve is read off at a given compute, tables sort, and nothing
// overflows at phone width (390 px); print shows the static figures; markup in names stays text.
//   REPORT=path/to/report.html [SCREENSHOTS=dir] node --test tests/browser/report.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import path from "node:path";

const report = process.env.REPORT;
const shots = process.env.SCREENSHOTS;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
let browser;

before(async () => {
  assert.ok(report, "set REPORT to the report to open");
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
});
after(async () => { if (browser) await browser.close(); });

async function open(width, height, file = report) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) problems.push(`request: ${r.url()}`); });
  await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: "load" });
  return { context, page, problems };
}

test("renders without console errors or requests, with its figures drawn", async () => {
  const { context, page, problems } = await open(1280, 900);
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains("js")), true);
  const drawn = await page.locator(".chart svg").count();
  const figures = await page.locator("figure.interactive").count();
  assert.ok(figures > 0, "no interactive figure");
  assert.equal(drawn, figures);
  assert.ok(await page.locator("#headline table tbody tr").count() > 0, "no headline rows");
  assert.ok(await page.locator("nav.toc a").count() > 3, "no contents");
  assert.ok(await page.locator("#provenance code.hash").count() > 0, "no input hashes");
  if (shots) await page.screenshot({ path: path.join(shots, "report-desktop.png") });
  await page.waitForTimeout(200);
  assert.deepEqual(problems, []);
  await context.close();
});

test("hovering a point shows its name", async () => {
  const { context, page, problems } = await open(1280, 900);
  // The first figure whose points are named (models of the observational figures).
  const index = await page.locator("figure.interactive script").evaluateAll((ss) =>
    ss.findIndex((s) => JSON.parse(s.textContent).items.some((it) => it.labels)));
  assert.ok(index >= 0, "no figure with named points");
  const fig = page.locator("figure.interactive").nth(index);
  const names = JSON.parse(await fig.locator("script").textContent()).items.flatMap((it) => it.labels || []);
  await fig.scrollIntoViewIfNeeded();
  const group = fig.locator(".chart svg g.item").filter({ has: page.locator(".hit") }).first();
  const hit = group.locator(".hit").first();
  await hit.hover({ force: true });
  const tip = fig.locator(".tip");
  await tip.waitFor({ state: "visible" });
  const text = await tip.textContent();
  assert.ok(names.some((n) => text.includes(n)), `tooltip "${text}" names no point`);
  if (shots) await fig.screenshot({ path: path.join(shots, "report-figure-hover.png") });
  await page.mouse.move(0, 0);
  await tip.waitFor({ state: "hidden" });
  assert.deepEqual(problems, []);
  await context.close();
});

test("toggling a law hides its curve and showing it again brings it back", async () => {
  const { context, page, problems } = await open(1280, 900);
  const fig = page.locator("figure.interactive").filter({ has: page.locator(".readout") }).first();
  await fig.scrollIntoViewIfNeeded();
  const box = fig.locator(".legend input[type=checkbox]").first();
  const key = await box.getAttribute("data-group");
  const curves = () => fig.locator(".chart svg g.item").evaluateAll(
    (gs, k) => gs.filter((g) => g.getAttribute("data-group") === k).length, key);
  assert.ok(await curves() > 0, `nothing drawn for ${key}`);
  await box.uncheck();
  assert.equal(await curves(), 0, `${key} still drawn after it was switched off`);
  await box.check();
  assert.ok(await curves() > 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a curve is read off at a given x, with its band where there is one", async () => {
  const { context, page, problems } = await open(1280, 900);
  const fig = page.locator("figure.interactive").filter({ has: page.locator(".readout") }).first();
  const data = JSON.parse(await fig.locator("script").textContent());
  const input = fig.locator(".readout input[type=text]");
  const curve = data.items.find((it) => (it.kind === "line" || it.kind === "dashed") && it.n > 1);
  const mid = curve.x[Math.floor(curve.n / 2)];
  await input.fill(String(mid));
  await input.press("Enter");
  const out = await fig.locator(".readout output").textContent();
  assert.match(out, / gives [-0-9.e]+/, out);
  assert.equal(await fig.locator(".readmark").count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a table sorts by a numeric column", async () => {
  const { context, page, problems } = await open(1280, 900);
  const table = page.locator("table.sortable").filter({ has: page.locator("th.num") }).first();
  const th = table.locator("th.num").first();
  const col = await th.evaluate((e) => e.cellIndex);
  await th.locator("button").click();
  const values = await table.locator("tbody tr").evaluateAll((rows, c) =>
    rows.map((r) => r.cells[c] && r.cells[c].getAttribute("data-v")).filter((v) => v !== null).map(Number), col);
  assert.deepEqual(values, [...values].sort((a, b) => a - b));
  assert.equal(await th.getAttribute("aria-sort"), "ascending");
  assert.deepEqual(problems, []);
  await context.close();
});

test("no horizontal overflow at 390 px", async () => {
  const { context, page, problems } = await open(390, 844);
  await page.waitForTimeout(100);
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `page is ${scroll} px wide in a ${client} px window`);
  // Figure text stays legible: SVG drawn at the phone's own width, not scaled down.
  const ratio = await page.locator(".chart svg").first().evaluate((s) => s.getBoundingClientRect().width / Number(s.getAttribute("width")));
  assert.ok(ratio > 0.95, `figure scaled by ${ratio}`);
  if (shots) {
    await page.screenshot({ path: path.join(shots, "report-phone.png") });
    await page.locator("figure.interactive").first().screenshot({ path: path.join(shots, "report-phone-figure.png") });
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("markup in names stays text: no script of theirs runs, figures still draw", { skip: !process.env.HOSTILE }, async () => {
  const { context, page, problems } = await open(1280, 900, process.env.HOSTILE);
  await page.waitForTimeout(200);
  assert.equal(await page.locator("script").count(), 3);
  assert.equal(await page.locator(".chart svg").count(), 2);
  assert.equal(await page.title(), '</script><script>alert("x")</script><!--');
  const headers = await page.locator("table.sortable th").allTextContents();
  assert.ok(headers.some((t) => t.includes('y</script><script>alert("c")</script>')), headers.join(" | "));
  // The model's name shown as text in the figure's data and on hover.
  const fig = page.locator("figure.interactive").nth(1);
  const names = JSON.parse(await fig.locator("script").textContent()).items.flatMap((it) => it.labels || []);
  assert.ok(names.includes('</script><script>alert("m")</script>'));
  assert.deepEqual(problems, []);
  await context.close();
});

test("in print the figures are their static images, the controls gone", async () => {
  const { context, page, problems } = await open(1280, 900);
  await page.emulateMedia({ media: "print" });
  const fig = page.locator("figure.interactive").first();
  assert.equal(await fig.locator("img.static").isVisible(), true);
  assert.equal(await fig.locator(".chart").isVisible(), false);
  assert.equal(await page.locator("nav.toc").isVisible(), false);
  assert.deepEqual(problems, []);
  await context.close();
});
