import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("a customer's polite 'Good' becomes a follow-up that finds a late delivery and opens an incident", async ({ page, browser }) => {
  // An associate logs an incident and asks the customer how it went, with a survey link.
  await signIn(page, "sam@example.com");
  await page.goto("/incidents/new");
  await hydrated(page);
  await page.getByLabel("Customer", { exact: true }).fill("c-1006");
  const stamp = Date.now();
  await page.getByLabel("What went wrong").fill(`Wrong size sent ${stamp}`);
  await page.getByRole("button", { name: "Log incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/\d+\?flash=incident-created$/);
  const incident = new URL(page.url()).pathname.split("/").pop()!;

  await page.goto(`/feedback/surveys?customer=c-1006&incident=${incident}`);
  await hydrated(page);
  await page.getByRole("button", { name: "Create link" }).click();
  const link = await page.getByLabel("Survey link").inputValue();
  expect(link).toMatch(/\/s\/[A-Za-z0-9_-]+$/);

  // The customer answers on a phone, with no account.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const customer = await phone.newPage();
  await customer.goto(new URL(link).pathname);
  await hydrated(customer);
  await expect(customer.getByRole("heading", { name: "How satisfied were you with our service?" })).toBeVisible();
  await customer.locator(".scale-option", { hasText: /^4$/ }).click();
  await customer.getByLabel("Anything you would like to tell us?").fill("Good");
  await customer.getByRole("button", { name: "Send my answer" }).click();
  await expect(customer.getByRole("heading", { name: "Thank you!" })).toBeVisible();
  const overflow = await customer.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await phone.close();

  // The follow-up is in the associate's own queue, with its reasons.
  await page.goto("/follow-ups?queue=mine");
  await hydrated(page);
  const item = page.locator(".queue-item", { hasText: "Fatima Zahra" }).filter({ hasText: "bland comment: 'Good'" }).first();
  await expect(item).toContainText("unresolved incident in the last 30 days");
  await item.getByRole("link", { name: "Fatima Zahra" }).click();
  await expect(page.getByRole("heading", { name: "Questions to ask" })).toBeVisible();
  await hydrated(page);

  // They call, learn the truth, and open an incident from it.
  await page.getByLabel("Yes").check();
  await page.getByRole("button", { name: "Log attempt" }).click();
  await expect(page.getByText("Contact attempt logged.")).toBeVisible();
  await page.getByLabel("What the customer really said").fill(`The delivery came three days late and she missed an event ${stamp}`);
  await page.getByLabel("How they really felt").selectOption("negative");
  await page.getByLabel("Outcome").selectOption("problem_found");
  await page.getByRole("button", { name: "Close follow-up" }).click();
  await expect(page.getByText("Follow-up closed.")).toBeVisible();
  await page.getByRole("link", { name: "Open an incident from this" }).click();
  await expect(page).toHaveURL(/\/incidents\/new\?/);
  await hydrated(page);
  await expect(page.getByLabel("What went wrong")).toHaveValue(new RegExp(`three days late and she missed an event ${stamp}`));
  await page.getByLabel("Category").selectOption({ label: "Delivery (usually major)" });
  await page.getByRole("button", { name: "Log incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/\d+\?flash=incident-created$/);
  await expect(page.getByText(/Opened from follow-up #\d+/)).toBeVisible();
});
