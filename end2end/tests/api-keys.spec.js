// Settings → API keys: an admin makes a key, sees its secret once, sees it
// listed, revokes it, and the revoked key is refused at once.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

async function companiesWith(key) {
  return (await fetch(`${parlor.url}/v1/companies`, { headers: { 'X-API-Key': key } })).status;
}

test('an admin creates an API key, sees it listed, and revokes it', async ({ browser }) => {
  const admin = await signIn(browser, parlor, OWNER);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(admin.getByRole('heading', { name: 'API keys' })).toBeVisible();

  await admin.getByLabel('Key name').fill('Bookkeeping sync');
  await admin.getByLabel('Expires').selectOption('90');
  await admin.getByLabel('Read-only').check();
  await admin.getByRole('button', { name: 'Create key' }).click();

  const shown = admin.getByRole('figure', { name: 'New API key' });
  await expect(shown).toContainText('Copy it now');
  const secret = (await shown.getByLabel('Secret').textContent()).trim();
  expect(secret).toMatch(/^parlor_/);
  await shown.getByRole('button', { name: 'Copy' }).click();
  await expect(shown.getByRole('button', { name: 'Copied' })).toBeVisible();

  const row = admin.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /Bookkeeping sync/ });
  await expect(row).toContainText('Read-only');
  await expect(row.getByRole('cell').nth(1)).not.toHaveText('Never');
  expect(await companiesWith(secret)).toBe(200);
  await admin.screenshot({ path: 'screenshots/api-keys-desktop.png' });

  // Listed again after a reload: the use is there, the secret is not.
  await admin.reload();
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  const listed = admin.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /Bookkeeping sync/ });
  await expect(listed.getByRole('cell').nth(2)).toContainText('UTC');
  await expect(admin.getByText(secret)).toHaveCount(0);

  await listed.getByRole('button', { name: 'Revoke Bookkeeping sync' }).click();
  const confirm = admin.getByRole('alertdialog', { name: 'Revoke Bookkeeping sync?' });
  await confirm.getByRole('button', { name: 'Revoke key' }).click();
  await expect(listed).toHaveCount(0);
  expect(await companiesWith(secret)).toBe(401);
  await admin.context().close();
});
