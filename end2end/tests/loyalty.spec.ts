import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("a customer on a phone sees a refund they never asked for and rates how it was put right", async ({ page, browser, request }) => {
  // The playback service reports a poor stream for Dana: the product refunds it unprompted.
  await signIn(page, "admin@example.com");
  await page.goto("/admin/tokens");
  await hydrated(page);
  await page.getByLabel("Name").fill(`Playback ${Date.now()}`);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("revealed-token").textContent())!.trim();
  const subject = `film-${Date.now()}`;
  const response = await request.post("/api/v1/signals", {
    headers: { Authorization: `Bearer ${token}` },
    data: [{
      idempotency_key: `e2e-${subject}`, kind: "playback.rebuffer_ratio", customer: "c-1001", subject,
      value: 0.2, unit: "ratio", amount_at_stake: { amount: "3.99", currency: "USD" }, observed_at: new Date().toISOString(),
    }],
  });
  expect(response.status()).toBe(200);
  const incident = (await response.json()).items[0].incident.id;

  // Staff close it.
  await page.goto(`/incidents/${incident}`);
  await hydrated(page);
  await page.getByLabel("Root cause").fill("CDN node overloaded");
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.locator(".page-header .badge.status-resolved")).toHaveText("Resolved");

  // Dana, on her phone, finds it in her portal and rates it.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const dana = await phone.newPage();
  await signIn(dana, "dana@example.com", "/portal/login");
  await dana.goto("/portal");
  await hydrated(dana);
  const card = dana.getByTestId("portal-incident").filter({ hasText: `About ${subject}` });
  await expect(card.getByText("We noticed first")).toBeVisible();
  await expect(card.locator(".actions-list")).toContainText("Refund 3.99 USD");
  await card.locator(".scale-option", { hasText: /^5$/ }).click();
  await card.getByLabel("Anything you would like to tell us?").fill("I had not even noticed. Impressed!");
  await card.getByRole("button", { name: "Send my rating" }).click();
  await expect(dana.getByText("Thank you for your rating")).toBeVisible();
  await expect(dana.getByTestId("portal-incident").filter({ hasText: `About ${subject}` }).getByTestId("my-rating"))
    .toContainText("5 of 5");
  const overflow = await dana.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await phone.close();
});
