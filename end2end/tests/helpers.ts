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

/** The RFC 6238 code (SHA-1, six digits, 30-second steps) for a base32 secret at `unixSecs`. */
export function totp(secret: string, unixSecs: number): string {
  const { createHmac } = require("crypto");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSecs / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}
