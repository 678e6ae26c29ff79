import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

// Each interactive part of the server-rendered pages is an island; these prove each still works.

test("the customer field suggests customers as you type", async ({ page }) => {
  await signIn(page, "priya@example.com");
  await page.goto("/incidents/new");
  await hydrated(page);
  await page.getByLabel("Customer", { exact: true }).pressSequentially("osk");
  await expect(page.locator("#customer-options option")).not.toHaveCount(0);
  await expect(page.locator("#customer-options option").first()).toHaveText(/Oskar Lindqvist/);
});

test("a trend point tells its week and value when focused, and the table opens", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/reports/weekly");
  await hydrated(page);
  const trend = page.locator("figure.trend").first();
  const detail = trend.locator(".trend-detail");
  await expect(detail).toHaveText(/^latest /);
  await trend.locator("circle.trend-point").last().focus();
  await expect(detail).toHaveText(/^\d{4}-W\d{2}: /);
  await page.getByText("Show the trends as a table").click();
  await expect(page.locator(".trend-table table")).toBeVisible();
});

test("the print button opens the browser's print dialog", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/reports/weekly");
  await hydrated(page);
  await page.evaluate(() => { (window as any).__printed = 0; window.print = () => { (window as any).__printed += 1; }; });
  await page.getByRole("button", { name: "Print" }).click();
  expect(await page.evaluate(() => (window as any).__printed)).toBe(1);
});

test("a detection rule is tried on a sample signal without saving it", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/incidents/rules/new");
  await hydrated(page);
  await page.getByLabel("Name").fill("Slow playback");
  await page.getByLabel("Signal kind", { exact: true }).fill("playback.rebuffer_ratio");
  await page.getByLabel("Threshold").fill("0.1");
  await page.getByRole("button", { name: "Try it" }).click();
  await expect(page.getByTestId("try-result")).toBeVisible();
  await expect(page).toHaveURL(/\/incidents\/rules\/new$/);
});

test("a recovery action is recorded in place: no page load, the page keeps its place", async ({ page }) => {
  await signIn(page, "priya@example.com");
  await page.goto("/incidents/new");
  await hydrated(page);
  await page.getByLabel("Customer", { exact: true }).fill("c-1006");
  await page.getByLabel("What went wrong").fill("Parcel left at the wrong door, found wet");
  await page.getByRole("button", { name: "Log incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/\d+/);
  await hydrated(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByLabel("What was done").selectOption("apology");
  await page.getByRole("button", { name: "Record action" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Recovery action applied." })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  // A refused submission keeps what was typed, beside the error.
  await page.getByLabel("What was done").selectOption("refund");
  await page.getByLabel("Amount").fill("12.345");
  await page.getByRole("button", { name: "Record action" }).click();
  await expect(page.locator(".field-error, [role=alert]").first()).toBeVisible();
  await expect(page.getByLabel("Amount")).toHaveValue("12.345");
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});
