import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("an associate logs a story on a phone, a colleague gives kudos, the streak grows and a manager spotlights it", async ({ browser }, testInfo) => {
  // Omar has never logged a story: his dashboard nudges him.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const omar = await phone.newPage();
  await signIn(omar, "omar@example.com");
  await omar.goto("/dashboard");
  await hydrated(omar);
  if (testInfo.retry === 0) {
    await expect(omar.getByTestId("streak")).toContainText("0-week streak");
    await expect(omar.getByTestId("nudge")).toBeVisible();
  }

  // He starts a story; what he types is kept as a draft even if the page goes away.
  await omar.getByTestId("nudge").getByRole("link", { name: "Log it in a minute" }).click();
  await expect(omar).toHaveURL(/\/stories\/new$/);
  await hydrated(omar);
  const title = `Carried a sofa upstairs for an elderly customer ${Date.now()}`;
  await omar.getByLabel("Title").fill(title);
  await omar.getByLabel("Went beyond").check();
  await omar.getByLabel("The situation").fill("The courier left the sofa at the street door; she lives on the third floor.");
  await expect(omar.getByTestId("autosave")).toHaveText("Draft saved");
  await omar.reload();
  await hydrated(omar);
  await expect(omar.getByLabel("Title")).toHaveValue(title);
  await expect(omar.getByLabel("The situation")).toHaveValue(/third floor/);
  await expect(omar.getByText(/is back where you left it/)).toBeVisible();

  await omar.getByLabel("What was done").fill("Two of us carried it up after closing.");
  await omar.getByLabel("The result for the customer").fill("It was in her living room that evening.");
  const overflow = await omar.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await omar.getByRole("button", { name: "Save story" }).click();
  await expect(omar).toHaveURL(/\/stories\/\d+\?flash=story-saved$/);
  await expect(omar.getByRole("heading", { name: title })).toBeVisible();
  const storyPath = new URL(omar.url()).pathname;

  // A colleague gives kudos from the library.
  const desk = await browser.newContext();
  const priya = await desk.newPage();
  await signIn(priya, "priya@example.com");
  await priya.goto("/stories?q=" + encodeURIComponent(title));
  await hydrated(priya);
  await priya.getByRole("link", { name: title }).click();
  await hydrated(priya);
  await priya.getByRole("button", { name: "Give kudos" }).click();
  await expect(priya.getByRole("button", { name: "Withdraw my kudos" })).toBeVisible();
  await expect(priya.getByTestId("kudos-names")).toContainText("Priya Shah");

  // Omar's streak counts this week and his kudos show on his dashboard.
  await omar.goto("/dashboard");
  await hydrated(omar);
  await expect(omar.getByTestId("streak")).toContainText(/[1-9]\d*-week streak/);
  await expect(omar.getByTestId("nudge")).toHaveCount(0);
  await expect(omar.getByTestId("my-stories")).toContainText(`Priya Shah gave kudos to ${title}`);

  // A manager puts it in the spotlight; it appears on the dashboard.
  const office = await browser.newContext();
  const morgan = await office.newPage();
  await signIn(morgan, "manager@example.com");
  await morgan.goto(storyPath);
  await hydrated(morgan);
  await morgan.getByRole("button", { name: "★ Spotlight on the dashboard" }).click();
  await expect(morgan.getByRole("button", { name: "Remove from spotlight" })).toBeVisible();
  await morgan.goto("/dashboard");
  await hydrated(morgan);
  await expect(morgan.getByTestId("spotlight").getByRole("link", { name: title })).toBeVisible();
  await Promise.all([phone.close(), desk.close(), office.close()]);
});

test("a story can be logged without JavaScript: the page renders whole and the form posts", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill("lena@example.com");
  await page.getByLabel("Password").fill("copper-kettle-orbit-42");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("streak")).toBeVisible();

  await page.goto("/stories/new");
  const title = `Lent an umbrella to a customer ${Date.now()}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Good samaritan (no sale)").check();
  await page.getByLabel("The situation").fill("Rain at closing time.");
  await page.getByLabel("What was done").fill("Lent our spare umbrella.");
  await page.getByLabel("The result for the customer").fill("She came back dry the next day to return it.");
  await page.getByRole("button", { name: "Save story" }).click();
  await expect(page).toHaveURL(/\/stories\/\d+\?flash=story-saved$/);
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await expect(page.getByText("Story saved.")).toBeVisible();
  await context.close();
});
