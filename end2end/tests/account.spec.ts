import { test, expect, Page } from "@playwright/test";
import { hydrated, signIn, PASSWORD } from "./helpers";

// Jonah's account is this file's alone: no other journey signs in as him.
const JONAH = "jonah@example.com";
const CHANGED = "harbour violet sixty lanterns";
const RESET = "quiet meadow forty ladders";

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

test("a staff member changes their password from their account page", async ({ page }) => {
  await signIn(page, JONAH);
  await page.getByRole("link", { name: "Jonah Kim" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await hydrated(page);
  await page.getByLabel("Current password").fill("not my password at all");
  await page.getByLabel("New password").fill(CHANGED);
  await page.getByLabel("Repeat the new password").fill(CHANGED);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toHaveText("That is not your current password.");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill(CHANGED);
  await page.getByLabel("Repeat the new password").fill(CHANGED);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toContainText("Password changed");
  await signOut(page);
  await signIn(page, JONAH, "/login", CHANGED);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("a forgotten password is reset through the link in the outbox", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/login\/forgot$/);
  await page.getByLabel("Email").fill(JONAH);
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If that address has an account");

  await signIn(page, "admin@example.com");
  await page.goto("/admin/outbox");
  await hydrated(page);
  const message = page.locator("details", { hasText: `Reset your Extra Mile password — to ${JONAH}` }).first();
  await message.locator("summary").click();
  const body = await message.locator("p.prewrap").innerText();
  const link = body.split(/\s+/).find((w) => w.startsWith("http"))!;
  await signOut(page);

  await page.goto(new URL(link).pathname);
  await page.getByLabel("New password").fill(RESET);
  await page.getByLabel("Repeat the new password").fill(RESET);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(/\/login\?flash=password-reset/);
  await expect(page.getByRole("status")).toContainText("Your new password is set");
  await signIn(page, JONAH, "/login", RESET);
  await expect(page).toHaveURL(/\/dashboard$/);
});
