import { test, expect, Browser, Page } from "@playwright/test";
import { PASSWORD } from "./helpers";

// Every page renders whole on the server and its main form posts as a plain HTML form.

async function withoutJs(browser: Browser): Promise<Page> {
  return (await browser.newContext({ javaScriptEnabled: false })).newPage();
}

async function signIn(page: Page, email: string, path = "/login") {
  await page.goto(path);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(new RegExp(`${path}$`));
}

test("without JavaScript an associate logs an incident, records a recovery and adds a customer", async ({ browser }) => {
  const page = await withoutJs(browser);
  await signIn(page, "priya@example.com");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();

  await page.goto("/incidents/new");
  await page.getByLabel("Customer", { exact: true }).fill("c-1006");
  await page.getByLabel("What went wrong").fill("Courier left the parcel in the rain");
  await page.getByRole("button", { name: "Log incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/\d+/);
  await page.getByLabel("What was done").selectOption("apology");
  await page.getByRole("button", { name: "Record action" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Recovery action applied." })).toBeVisible();
  await expect(page.locator(".actions-list")).toContainText("Apology");

  await page.goto("/customers/new");
  await page.getByLabel("Name").fill("Nadia Without-Script");
  await page.getByLabel("Email").fill(`nadia.${Date.now()}@example.com`);
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page.getByRole("status")).toHaveText("Customer added.");

  await page.goto("/customers?q=oskar");
  await expect(page.getByRole("link", { name: "Oskar Lindqvist" })).toBeVisible();
});

test("without JavaScript a manager reads the dashboard and the weekly report for a scope", async ({ browser }) => {
  const page = await withoutJs(browser);
  await signIn(page, "manager@example.com");
  await expect(page.getByTestId("greeting")).toHaveText("Hello, Morgan");
  await page.goto("/reports/weekly");
  await page.getByTestId("scope-select").selectOption({ label: "Priya Shah" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("report-scope")).toContainText("Priya Shah");
  await expect(page.locator("figure.trend").first()).toBeVisible();
});

test("without JavaScript a customer signs in to the portal and sees their incidents", async ({ browser }) => {
  const page = await withoutJs(browser);
  await signIn(page, "dana@example.com", "/portal/login");
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByTestId("portal-incident").first()).toBeVisible();
});
