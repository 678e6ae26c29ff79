import { expect, Page } from "@playwright/test";

export const PASSWORD = "copper-kettle-orbit-42";

/** Waits until the WASM bundle has loaded, so clicks reach a hydrated page. */
export async function hydrated(page: Page) {
  await page.waitForLoadState("networkidle");
}

export async function signIn(page: Page, email: string, path = "/login", password = PASSWORD) {
  await page.goto(path);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(new RegExp(`${path}$`));
}
