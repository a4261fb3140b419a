// Signed-in people, each in a browser context of their own.

import { expect } from '@playwright/test';

export async function signIn(browser, parlor, credentials, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ baseURL: parlor.url, viewport });
  const page = await context.newPage();
  await signInOn(page, credentials);
  await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
  return page;
}

/** Signs in on a page the test made (its own context, time zone, …). */
export async function signInOn(page, { email, password }) {
  await page.goto('/sign-in');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/messages/);
}
