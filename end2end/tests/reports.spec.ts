import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("a manager reviews last week, follows the lukewarm share, exports the CSV and looks at one associate", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/dashboard");
  await hydrated(page);
  await page.getByRole("link", { name: "Weekly report" }).click();
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toHaveText(/^Weekly report · \d{4}-W\d{2}$/);
  const week = (await heading.textContent())!.split("· ")[1];
  await expect(page.getByTestId("report-scope")).toContainText("Whole organisation");
  await expect(page.locator("svg[role=img]").first()).toBeVisible();

  await page.locator("[data-figure=lukewarm_share]").click();
  await expect(page).toHaveURL(new RegExp(`/feedback\\?week=${week}&assessment=lukewarm$`));
  await page.goBack();
  await hydrated(page);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`weekly-report-${week}.csv`);
  const text = require("fs").readFileSync(await file.path(), "utf8");
  expect(text.split("\r\n")[0]).toContain("week,scope,group,figure,value");
  expect(text).toContain(`${week},Whole organisation,Feedback,Lukewarm share,`);

  await page.getByTestId("scope-select").selectOption({ label: "Priya Shah" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("report-scope")).toContainText("Priya Shah");
  await expect(page).toHaveURL(/scope=associate%3D\d+/);
});

test("a manager opens a team's report, follows Incidents resolved and finds exactly that many incidents", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/reports/weekly");
  await hydrated(page);
  await page.getByTestId("scope-select").selectOption({ label: "Team Front desk" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("report-scope")).toContainText("Front desk");
  const figure = page.locator("[data-figure=incidents_resolved]");
  const resolved = Number((await figure.locator(".figure-value").textContent())!.trim());
  await figure.click();
  await expect(page).toHaveURL(/\/incidents\?resolved_week=\d{4}-W\d{2}&team=\d+$/);
  await expect(page.getByTestId("linked-filters")).toContainText("Resolved in");
  if (resolved === 0) {
    await expect(page.getByRole("heading", { name: "No incidents match" })).toBeVisible();
  } else {
    await expect(page.locator("nav.pagination .muted").first()).toHaveText(new RegExp(`of ${resolved}$`));
    await expect(page.locator("table.table tbody tr")).toHaveCount(Math.min(resolved, 25));
  }
});
