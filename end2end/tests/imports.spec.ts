import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("a manager imports a CSV of orders and sees the customer's profile change", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/customers?q=c-1007");
  await hydrated(page);
  await page.locator("table a").first().click();
  const orders = page.getByTestId("orders-12m");
  await expect(orders).toBeVisible();
  const before = Number((await orders.textContent())!.split(" ")[0]);
  const customerPage = page.url();

  await page.goto("/customers");
  await hydrated(page);
  await page.getByRole("link", { name: "Import CSV" }).click();
  await expect(page.getByRole("heading", { name: "Import customers and orders" })).toBeVisible();
  const stamp = Date.now();
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const csv = [
    "external_id,customer,amount,currency,placed_at",
    `e2e-${stamp}-1,c-1007,25.00,USD,${yesterday}`,
    `e2e-${stamp}-2,c-1007,"17.50",USD,${new Date().toISOString()}`,
  ].join("\n");
  const card = page.getByTestId("upload-orders");
  await card.getByLabel("CSV file (UTF-8)").setInputFiles({ name: "orders.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await card.getByRole("button", { name: "Check file" }).click();
  await expect(page.getByText("All 2 rows passed the checks. Nothing is stored yet.")).toBeVisible();
  await expect(page.locator(".preview-table tbody tr")).toHaveCount(2);
  await hydrated(page);
  await page.getByRole("button", { name: "Import 2 orders" }).click();
  await expect(page.getByTestId("import-done")).toContainText("2 orders stored, 0 already there.");

  await page.goto(customerPage);
  await hydrated(page);
  await expect(page.getByTestId("orders-12m")).toHaveText(new RegExp(`^${before + 2} · `));
});

test("a file with a bad line is refused with the line named and a report to download", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/customers/import");
  await hydrated(page);
  const csv = "external_id,customer,amount,currency,placed_at\no-x1,c-1007,ten,USD,2026-10-02\n";
  const card = page.getByTestId("upload-orders");
  await card.getByLabel("CSV file (UTF-8)").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await card.getByRole("button", { name: "Check file" }).click();
  await expect(page.getByTestId("import-problem")).toContainText("Nothing will be imported");
  await expect(page.getByTestId("import-errors")).toContainText("amount");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the error report (CSV)" }).click();
  const report = await (await download).path();
  const text = require("fs").readFileSync(report, "utf8");
  expect(text).toContain("line,column,problem");
  expect(text).toContain("2,amount,");
});
