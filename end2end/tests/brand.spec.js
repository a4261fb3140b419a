// The workspace's brand: its accent colour, set on Settings, colours the
// app for everyone at once and after a reload, within the page's content
// security policy (no inline styles); and whether e-mails quote messages.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const accent = (page) => page.evaluate(
  () => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim().toLowerCase(),
);

test('the accent colour chosen on Settings colours the app, and stays after a reload', async ({ browser }) => {
  const admin = await signIn(browser, parlor, OWNER);
  const refused = [];
  admin.on('console', (m) => { if (m.type() === 'error') refused.push(m.text()); });
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await admin.getByLabel('Accent colour').fill('#8a2be2');
  await admin.getByRole('button', { name: 'Save workspace' }).click();
  await expect.poll(() => accent(admin)).toBe('#8a2be2');
  await admin.reload();
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  await expect.poll(() => accent(admin)).toBe('#8a2be2');
  expect(refused, 'no style refused by the content security policy').toEqual([]);
  await admin.context().close();
});

test('whether e-mails quote the message text is chosen on Settings and kept', async ({ browser }) => {
  const admin = await signIn(browser, parlor, OWNER);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const quote = admin.getByRole('checkbox', { name: /E-mails include the message text/ });
  await expect(quote).not.toBeChecked();
  await quote.check();
  await admin.getByRole('button', { name: 'Save e-mail settings' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'E-mail settings saved.' })).toBeVisible();
  expect((await parlor.api('GET', '/v1/workspaces')).emailIncludesMessageText).toBe(true);
  await admin.reload();
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  await expect(admin.getByRole('checkbox', { name: /E-mails include the message text/ })).toBeChecked();
  await admin.context().close();
});
