// Signed-in people, each in a browser context of their own.

import { expect } from '@playwright/test';

export async function signIn(browser, parlor, { email, password }, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ baseURL: parlor.url, viewport });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/messages/);
  await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
  return page;
}
