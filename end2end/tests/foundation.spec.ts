import { test, expect } from "@playwright/test";
import { hydrated, signIn, PASSWORD } from "./helpers";

test("a manager signs in and sees the dashboard greeting them by name", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("greeting")).toHaveText("Hello, Morgan");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});

test("a wrong password shows a clear message and keeps the email", async ({ page }) => {
  await signIn(page, "manager@example.com", "/login", "not-the-right-password");
  await expect(page.getByRole("alert")).toContainText("do not match");
  await expect(page.getByLabel("Email")).toHaveValue("manager@example.com");
});

test("the hydrated customer search filters as you type without a page load", async ({ page }) => {
  await signIn(page, "priya@example.com");
  await page.goto("/customers");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Dana Reyes" })).toBeVisible();
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByLabel("Search customers").pressSequentially("oskar");
  await expect(page).toHaveURL(/q=oskar/);
  await expect(page.getByRole("link", { name: "Oskar Lindqvist" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Dana Reyes" })).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test("adding a customer reports field errors, then confirms the save", async ({ page }) => {
  await signIn(page, "sam@example.com");
  await page.goto("/customers/new");
  await hydrated(page);
  await page.getByLabel("Name").fill("Lena Park");
  await page.getByLabel("Email").fill("dana@example.com");
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page.getByText("Dana Reyes already has this email")).toBeVisible();
  await page.getByLabel("Email").fill(`lena.park.${Date.now()}@example.com`);
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page.getByRole("status")).toHaveText("Customer added.");
  await expect(page.getByRole("heading", { name: "Lena Park" })).toBeVisible();
});

test("an associate cannot open admin pages", async ({ page }) => {
  await signIn(page, "jonah@example.com");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "This page is not open to your account" })).toBeVisible();
});

test("a customer joins through an invitation, sees the portal and cannot open staff pages", async ({ page, browser }) => {
  const email = `guest.${Date.now()}@example.com`;
  await signIn(page, "admin@example.com");
  await page.goto("/customers/new");
  await hydrated(page);
  await page.getByLabel("Name").fill("Tomás Guest");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page.getByRole("status")).toHaveText("Customer added.");
  await page.goto("/admin/invitations");
  await hydrated(page);
  await page.getByLabel("Customer email or external reference").fill(email);
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const link = (await page.getByTestId("invitation-link").textContent())!.trim();
  expect(link).toContain("/portal/invite/");

  const customer = await (await browser.newContext()).newPage();
  await customer.goto(new URL(link).pathname);
  await hydrated(customer);
  await customer.getByLabel("New password").fill("tidal meadow lantern 77");
  await customer.getByLabel("Repeat the password").fill("tidal meadow lantern 77");
  await customer.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(customer).toHaveURL(/\/portal\?flash=welcome$/);
  await expect(customer.getByTestId("portal-greeting")).toHaveText("Welcome, Tomás Guest");
  await expect(customer.getByText("/r/")).toBeVisible();

  await customer.goto("/customers");
  await expect(customer).toHaveURL(/\/login/);
});

test("the staff navigation works on a 390 px wide phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, "priya@example.com");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Dashboard" })).toBeVisible();
  await nav.getByRole("link", { name: "Customers" }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByRole("heading", { name: "Customers", exact: true })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await nav.getByRole("link", { name: "Stories" }).scrollIntoViewIfNeeded();
  await nav.getByRole("link", { name: "Stories" }).click();
  await expect(page.getByRole("heading", { name: "Stories", exact: true })).toBeVisible();
  await context.close();
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?flash=signed-out/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=/);
  void PASSWORD;
});

test("no staff list page is wider than a 390 px phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  // A manager: the most buttons in each page's header.
  await signIn(page, "manager@example.com");
  for (const path of [
    "/dashboard",
    "/incidents",
    "/follow-ups",
    "/follow-ups?queue=all",
    "/feedback",
    "/stories",
    "/customers",
    "/customers/referrals",
    "/customers/posts",
    "/customers/referral-revenue",
    "/customers/return-on-recovery",
    "/reports/weekly",
    "/reports/themes",
    "/reports/playbook",
    "/reports/playbook?category=1",
  ]) {
    await page.goto(path);
    // Against the phone's width: a mobile browser zooms out to fit a wider page, so its own
    // window width would grow with the overflow.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, path).toBeLessThanOrEqual(390);
  }
  await context.close();
});
