import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

// Learning what works: themes of what customers say, and the recovery playbook.

test("a manager follows a rising theme from the dashboard to what customers said, then opens Themes", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/dashboard");
  const rising = page.getByTestId("rising-themes");
  await expect(rising).toBeVisible();
  const theme = rising.getByTestId("rising-theme").first();
  const name = (await theme.textContent())!.trim();
  await theme.click();
  await expect(page).toHaveURL(/\/reports\/themes\/\d+\?/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  const texts = page.getByTestId("theme-text");
  await expect(texts.first()).toBeVisible();
  // Every text says which of its words put it in the theme.
  await expect(texts.first().getByTestId("because").locator("mark").first()).toBeVisible();

  await page.getByRole("link", { name: "All themes" }).click();
  await expect(page).toHaveURL(/\/reports\/themes\?/);
  const row = page.getByTestId("theme-row").filter({ hasText: name });
  await expect(row.getByText("Rising")).toBeVisible();
  // The count drills down to exactly that many texts.
  const count = Number(await row.getByTestId("theme-count").textContent());
  await row.getByTestId("theme-count").click();
  await expect(page.getByTestId("theme-scope")).toContainText(`${count} texts`);
});

test("a manager renames a theme and the new name stays", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/dashboard");
  await page.getByTestId("rising-theme").first().click();
  await hydrated(page);
  const renamed = `Late parcels ${Date.now() % 10000}`;
  await page.getByLabel("Name").fill(renamed);
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByText("Theme renamed.")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(renamed);
});

test("an associate on an open incident adds the suggested recovery in one click", async ({ page }) => {
  await signIn(page, "priya@example.com");
  await page.goto("/incidents/new");
  await hydrated(page);
  await page.getByLabel("Customer", { exact: true }).fill("c-1002");
  await page.getByLabel("Category").selectOption({ label: "Delivery (usually major)" });
  await page.getByLabel("Subject reference").fill(`order-${Date.now()}`);
  await page.getByLabel("What went wrong").fill("Parcel two days late");
  await page.getByRole("button", { name: "Log incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/\d+\?flash=incident-created$/);
  await hydrated(page);

  const panel = page.getByTestId("what-has-worked");
  await expect(panel).toContainText("What has worked for Delivery incidents");
  const best = panel.getByTestId("suggested-approach").first();
  await expect(best).toContainText("customers ordered again within 90 days");
  const button = best.getByRole("button");
  const label = (await button.textContent())!;
  const kind = label.replace(/^Add(: | a )/, "").split(" ")[0];
  await button.click();
  await expect(page.locator(".actions-list")).toContainText(new RegExp(kind, "i"));
  await expect(page.locator(".actions-list")).toContainText("From the playbook");
});

test("the playbook compares recoveries with counts and intervals, and says it is association", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/reports/playbook?category=");
  await page.getByLabel("Category").selectOption({ label: "Delivery" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Recovery playbook · Delivery");
  await expect(page.getByText("association, not proof")).toBeVisible();
  const best = page.locator("section", { hasText: "Best approaches" }).locator("tbody tr").first();
  await expect(best).toContainText(/\d+% \(\d+–\d+%\)/);
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", /\/reports\/playbook\.csv\?category=\d+/);
});
