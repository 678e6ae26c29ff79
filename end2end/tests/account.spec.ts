import { test, expect, Page } from "@playwright/test";
import { hydrated, signIn, totp, PASSWORD } from "./helpers";

// An account of this file's own, made by an admin below: other journeys sign in as the demo
// people with the demo password.
const JONAH = `rowan.${Date.now()}@example.com`;
const NAME = "Rowan Vale";
const CHANGED = "harbour violet sixty lanterns";
const RESET = "quiet meadow forty ladders";

/** Signs in with the password and stops at the second-factor step. */
async function passwordStep(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(JONAH);
  await page.getByLabel("Password").fill(RESET);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login\/verify$/);
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

test.describe.configure({ mode: "serial" });

test("an admin creates a staff account", async ({ page }) => {
  await signIn(page, "admin@example.com");
  await page.goto("/admin/users");
  await hydrated(page);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(NAME);
  await page.getByRole("textbox", { name: "Email", exact: true }).fill(JONAH);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("cell", { name: JONAH })).toBeVisible();
});

test("a staff member changes their password from their account page", async ({ page }) => {
  await signIn(page, JONAH);
  await page.getByRole("banner").getByRole("link", { name: NAME }).click();
  await expect(page).toHaveURL(/\/account$/);
  await hydrated(page);
  await page.getByLabel("Current password").fill("not my password at all");
  await page.getByLabel("New password").fill(CHANGED);
  await page.getByLabel("Repeat the password").fill(CHANGED);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toHaveText("That is not your current password.");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill(CHANGED);
  await page.getByLabel("Repeat the password").fill(CHANGED);
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
  await page.getByLabel("Repeat the password").fill(RESET);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(/\/login\?flash=password-reset/);
  await expect(page.getByRole("status")).toContainText("Your new password is set");
  await signIn(page, JONAH, "/login", RESET);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("two-factor authentication: set up with the QR code's key, then sign in with a code and with a recovery code", async ({ page }) => {
  await signIn(page, JONAH, "/login", RESET);
  await page.goto("/account");
  await hydrated(page);
  await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").innerText()).trim();
  const now = () => Math.floor(Date.now() / 1000);
  await page.getByLabel("Six-digit code").fill(totp(secret, now()));
  await page.getByLabel("Your password").fill(RESET);
  await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  const codes = page.getByTestId("recovery-codes").locator("code");
  await expect(codes).toHaveCount(10);
  const recovery = await codes.first().innerText();
  await expect(page.getByTestId("two-factor-state")).toContainText("On. 10 recovery codes left.");
  await signOut(page);

  await passwordStep(page);
  // The code of the next time step: the one shown now was used to turn it on.
  await page.getByLabel("Code").fill(totp(secret, now() + 30));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await signOut(page);

  await passwordStep(page);
  await page.getByLabel("Code").fill(recovery);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/account");
  await expect(page.getByTestId("two-factor-state")).toContainText("On. 9 recovery codes left.");
});
