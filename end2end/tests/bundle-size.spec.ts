import { test, expect, Browser, Page } from "@playwright/test";
import { brotliCompressSync, constants } from "zlib";
import { signIn } from "./helpers";

// The budget: no page may load more than this much JavaScript and WebAssembly, counted as
// brotli-compressed bytes (what a phone downloads from this server).
const BUDGET = 200 * 1024;

type Row = { role: string; page: string; scripts: number; css: number; html: number; files: string[] };

function brotli(body: Buffer): number {
  return brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

/** Loads `path` as the page's user would and measures what it fetched. */
async function measure(page: Page, role: string, path: string): Promise<Row> {
  const fetched: { url: string; kind: "script" | "css" | "html"; body: Promise<Buffer> }[] = [];
  const listener = (response: any) => {
    const url: string = response.url();
    const type = response.request().resourceType();
    const kind = type === "document" ? "html"
      : type === "stylesheet" ? "css"
      : type === "script" || url.endsWith(".wasm") || url.endsWith(".js") ? "script"
      : null;
    if (kind && response.status() === 200) fetched.push({ url, kind, body: response.body() });
  };
  page.on("response", listener);
  await page.goto(path);
  // The island bundle loads when the browser is idle; wait until the network has been quiet.
  await page.waitForLoadState("networkidle");
  page.off("response", listener);
  const row: Row = { role, page: path, scripts: 0, css: 0, html: 0, files: [] };
  for (const f of fetched) {
    const size = brotli(await f.body);
    row[f.kind === "script" ? "scripts" : f.kind] += size;
    if (f.kind === "script") row.files.push(new URL(f.url).pathname);
  }
  return row;
}

async function as(browser: Browser, email: string | null, login = "/login"): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  if (email) await signIn(page, email, login);
  return page;
}

test("every page loads at most 200 KB of compressed JavaScript and WebAssembly", async ({ browser }) => {
  test.setTimeout(180_000);
  const rows: Row[] = [];
  const visitor = await as(browser, null);
  rows.push(await measure(visitor, "visitor", "/login"));
  rows.push(await measure(visitor, "visitor", "/portal/login"));

  const associate = await as(browser, "priya@example.com");
  rows.push(await measure(associate, "associate", "/dashboard"));
  await associate.goto("/incidents");
  const incident = await associate.locator("a[href^='/incidents/']").evaluateAll((links) => links.map((a) => a.getAttribute("href")).find((h) => /^\/incidents\/\d+$/.test(h ?? "")));
  expect(incident, "an incident to open").toBeTruthy();
  rows.push(await measure(associate, "associate", incident!));
  rows.push(await measure(associate, "associate", "/stories/new"));
  rows.push(await measure(associate, "associate", "/customers"));
  rows.push(await measure(associate, "associate", "/incidents/new"));

  const manager = await as(browser, "manager@example.com");
  rows.push(await measure(manager, "manager", "/dashboard"));
  rows.push(await measure(manager, "manager", "/reports/weekly"));

  const admin = await as(browser, "admin@example.com");
  rows.push(await measure(admin, "admin", "/admin/users"));

  const customer = await as(browser, "dana@example.com", "/portal/login");
  rows.push(await measure(customer, "customer", "/portal"));

  const kb = (n: number) => (n / 1024).toFixed(1).padStart(7);
  const lines = [
    "role       page                         JS+WASM KB   CSS KB  HTML KB   (brotli)",
    ...rows.map((r) => `${r.role.padEnd(10)} ${r.page.padEnd(28)} ${kb(r.scripts)}    ${kb(r.css)}  ${kb(r.html)}`),
  ];
  console.log(lines.join("\n"));
  for (const r of rows) {
    expect.soft(r.scripts, `${r.page} as ${r.role}: ${r.files.join(", ")}`).toBeLessThanOrEqual(BUDGET);
    expect.soft(r.scripts, `${r.page} as ${r.role} loads the bundle`).toBeGreaterThan(0);
  }
});
