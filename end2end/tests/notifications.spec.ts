import { test, expect, Page } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

/** The unread count the bell shows (0 when it shows none). */
async function bellCount(page: Page): Promise<number> {
  const badge = page.getByTestId("bell-count").locator(".count");
  if ((await badge.count()) === 0) return 0;
  return parseInt((await badge.textContent())!.trim(), 10);
}

test("an associate on a phone sees the bell count rise when a manager assigns them an incident", async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const associate = await phone.newPage();
  await signIn(associate, "sam@example.com");
  await associate.goto("/dashboard");
  await hydrated(associate);
  const before = await bellCount(associate);

  const desk = await browser.newContext();
  const manager = await desk.newPage();
  await signIn(manager, "manager@example.com");
  await manager.goto("/incidents/new");
  await hydrated(manager);
  await manager.getByLabel("Customer", { exact: true }).fill("c-1007");
  await manager.getByLabel("What went wrong").fill(`Box arrived crushed ${Date.now()}`);
  await manager.getByRole("button", { name: "Log incident" }).click();
  await expect(manager).toHaveURL(/\/incidents\/\d+\?flash=incident-created$/);
  const incident = new URL(manager.url()).pathname;
  const id = incident.split("/").pop();
  await hydrated(manager);
  await manager.getByLabel("Assign to").selectOption({ label: "Sam Ortega" });
  await manager.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(manager.locator(".timeline")).toContainText("Assigned to Sam Ortega");

  // No reload: the bell asks again on its own.
  await expect(associate.getByTestId("bell-count").locator(".count")).toHaveText(String(before + 1), { timeout: 30_000 });

  await associate.getByRole("link", { name: /Notifications/ }).click();
  await expect(associate).toHaveURL(/\/notifications$/);
  await hydrated(associate);
  await associate.getByRole("button", { name: new RegExp(`Incident #${id} `) }).click();
  await expect(associate).toHaveURL(new RegExp(`${incident}$`));
  await expect(associate.locator(".page-header")).toContainText(`#${id}`);
  const overflow = await associate.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await phone.close();
  await desk.close();
});
