import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("an associate logs and resolves an incident on a phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, "sam@example.com");
  await page.goto("/incidents/new");
  await hydrated(page);
  await page.getByLabel("Customer", { exact: true }).fill("c-1006");
  await page.getByLabel("Category").selectOption({ label: "Delivery (usually major)" });
  await page.getByLabel("Subject reference").fill(`order-${Date.now()}`);
  await page.getByLabel("What went wrong").fill("Parcel left at the wrong door");
  await page.getByRole("button", { name: "Log incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/\d+\?flash=incident-created$/);
  await expect(page.getByText("Incident logged.")).toBeVisible();
  await hydrated(page);

  await page.getByLabel("What was done").selectOption("replacement");
  await page.getByRole("button", { name: "Record action" }).click();
  await expect(page.getByText("Recovery action applied.")).toBeVisible();
  await expect(page.locator(".actions-list")).toContainText("Replacement / reship");
  await page.getByLabel("Root cause").fill("Courier misread the house number");
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.locator(".page-header .badge.status-resolved")).toHaveText("Resolved");
  await expect(page.getByText("Resolved. Root cause: Courier misread the house number")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await context.close();
});

test("a signal sent through the API opens a proactive incident with its refund and notice", async ({ page, request }) => {
  await signIn(page, "admin@example.com");
  await page.goto("/admin/tokens");
  await hydrated(page);
  await page.getByLabel("Name").fill(`Playback service ${Date.now()}`);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("revealed-token").textContent())!.trim();

  const subject = `rental-${Date.now()}`;
  const response = await request.post("/api/v1/signals", {
    headers: { Authorization: `Bearer ${token}` },
    data: [{
      idempotency_key: `e2e-${subject}`, kind: "playback.rebuffer_ratio", customer: "c-1004", subject,
      value: 0.18, unit: "ratio", amount_at_stake: { amount: "3.99", currency: "USD" }, observed_at: new Date().toISOString(),
    }],
  });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.items[0].incident.action).toBe("opened");

  await page.goto("/incidents?source=signal");
  await hydrated(page);
  await page.getByRole("link", { name: new RegExp(`#${body.items[0].incident.id} `) }).click();
  await expect(page.locator(".page-header .badge.proactive")).toBeVisible();
  await expect(page.locator(".actions-list")).toContainText("Refund");
  await expect(page.locator(".actions-list")).toContainText("3.99 USD");
  await expect(page.locator(".actions-list")).toContainText("Applied");
  await expect(page.getByRole("heading", { name: `Sorry about ${subject}: we refunded it` })).toBeVisible();
});

test("a manager approves a refund over the limit", async ({ page, browser }) => {
  await signIn(page, "priya@example.com");
  await page.goto("/incidents/new");
  await hydrated(page);
  await page.getByLabel("Customer", { exact: true }).fill("c-1007");
  await page.getByLabel("What went wrong").fill(`Charged for a cancelled plan ${Date.now()}`);
  await page.getByRole("button", { name: "Log incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/\d+\?flash=incident-created$/);
  const incidentUrl = new URL(page.url()).pathname;
  await hydrated(page);
  await page.getByLabel("What was done").selectOption("refund");
  await page.getByLabel("Amount").fill("120.00");
  await page.getByRole("button", { name: "Record action" }).click();
  await expect(page.getByText("it waits for a manager")).toBeVisible();

  const manager = await (await browser.newContext()).newPage();
  await signIn(manager, "manager@example.com");
  await manager.goto("/incidents/approvals");
  await hydrated(manager);
  const item = manager.locator("li.card", { has: manager.locator(`a[href="${incidentUrl}"]`) });
  await item.getByPlaceholder("Note (needed to decline)").fill("Goodwill for a long-time customer");
  await item.getByRole("button", { name: "Approve" }).click();
  await expect(manager.locator(`a[href="${incidentUrl}"]`)).toHaveCount(0);
  await manager.goto(incidentUrl);
  await expect(manager.locator(".actions-list")).toContainText("120.00 USD");
  await expect(manager.locator(".actions-list .badge")).toHaveText("Applied");
});
