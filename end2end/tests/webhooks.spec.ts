import { test, expect } from "@playwright/test";
import { createHmac } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { hydrated, signIn } from "./helpers";

type Received = { id: string; timestamp: string; signature: string; body: string };

/** The receiver-side check the README documents (Standard Webhooks). */
function verifies(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected =
    "v1," + createHmac("sha256", key).update(`${r.id}.${r.timestamp}.${r.body}`).digest("base64");
  return r.signature.split(" ").includes(expected);
}

test("an admin adds a webhook, sends a test event and sees it in the delivery log", async ({ page }) => {
  const received: Received[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const header = (name: string) => String(req.headers[name] ?? "");
      received.push({
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body,
      });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("received by the e2e receiver");
    });
  });
  await new Promise<void>((ready) => receiver.listen(0, "127.0.0.1", ready));
  const port = (receiver.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/hooks/${Date.now()}`;
  try {
    await signIn(page, "admin@example.com");
    await page.goto("/admin/webhooks");
    await hydrated(page);
    await page.getByLabel("URL").fill(url);
    await page.getByLabel("Description").fill("End-to-end receiver");
    await page.getByRole("checkbox", { name: /incident\.opened/ }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.getByTestId("revealed-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);

    const row = page.getByRole("row").filter({ hasText: url });
    await row.getByRole("button", { name: "Send a test event" }).click();
    await expect(page).toHaveURL(/\/admin\/webhooks\/\d+/);

    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(verifies(secret, received[0])).toBe(true);
    expect(JSON.parse(received[0].body).type).toBe("webhook.test");

    const log = page.getByTestId("delivery-log");
    await expect(async () => {
      await page.reload();
      await expect(log).toContainText("webhook.test", { timeout: 1_000 });
      await expect(log).toContainText("received by the e2e receiver", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(log.getByRole("button", { name: "Redeliver" })).toBeVisible();
  } finally {
    receiver.close();
  }
});
