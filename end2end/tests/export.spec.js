// Keeping a record from the web app: staff export a client's conversations
// from the client's page, a client downloads their own from Account, an
// admin exports the whole workspace from Settings, and sets how long
// messages are kept. What an archive holds is checked by the API tests
// (server/tests/api/export.rs); here, that each link downloads a ZIP.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

/** Clicks the link named `name` and waits for the file it downloads. */
async function download(page, name) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name }).click(),
  ]);
  expect(await file.failure()).toBeNull();
  const path = await file.path();
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  // A ZIP starts with a local file header; entries' names are stored as
  // they are, so they can be looked for in its bytes.
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  return { name: file.suggestedFilename(), bytes: bytes.toString('latin1') };
}

test('staff, a client and an admin each download the export they may make', async ({ browser }) => {
  const tess = await parlor.activeClient('Tess', 'Tally');
  const channels = await parlor.api('GET', `/v1/message-channels?clientId=${tess.id}`);
  await parlor.api('POST', '/v1/messages', { channelId: channels.data[0].id, text: 'Our 2024 figures' });

  const staff = await signIn(browser, parlor, OWNER);
  await staff.goto(`/clients/${tess.id}`);
  await expect(staff.locator('body[data-hydrated]')).toBeAttached();
  const hers = await download(staff, "Export Tess Tally's conversations");
  expect(hers.name).toMatch(/^Tess Tally conversations \d{4}-\d{2}-\d{2}\.zip$/);
  expect(hers.bytes).toContain('index.html');
  expect(hers.bytes).toContain('Tess Tally/transcript.pdf');

  // The app stays where it was: the download is not a page.
  await expect(staff.getByRole('heading', { name: 'Tess Tally' })).toBeVisible();

  const client = await signIn(browser, parlor, tess);
  await client.goto('/account');
  await expect(client.locator('body[data-hydrated]')).toBeAttached();
  const own = await download(client, 'Download my conversations');
  expect(own.bytes).toContain('/transcript.html');
  expect(own.name).toMatch(/^Tess Tally conversations/);

  await staff.goto('/settings');
  await expect(staff.locator('body[data-hydrated]')).toBeAttached();
  const workspace = await download(staff, 'Export the whole workspace');
  expect(workspace.name).toMatch(/^workspace export .*\.zip$/);
  for (const entry of ['workspace.json', 'clients.json', 'messages.json', 'audit-events.json']) {
    expect(workspace.bytes).toContain(entry);
  }

  // Each is in the audit log, which the admin reads in Settings.
  await staff.goto('/settings/audit-log');
  const entries = staff.getByRole('table', { name: 'Audit log entries' }).getByRole('row');
  await expect(entries.filter({ hasText: 'Exported data' })).toHaveCount(3);
  const logged = await parlor.api('GET', '/v1/audit-events?action=export.created');
  expect(logged.data.map((entry) => entry.details.export)).toEqual(['workspace', 'client', 'client']);
  expect(parlor.panics()).toEqual([]);
});

test('an admin sets how long messages are kept, and puts a client under legal hold', async ({ browser }) => {
  const admin = await signIn(browser, parlor, OWNER);
  await admin.goto('/settings');
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  const months = admin.getByLabel('Keep messages for (months)');
  await expect(months).toHaveValue('');
  await months.fill('0');
  await expect(admin.getByRole('alert').filter({ hasText: 'from 1 to 1200' })).toBeVisible();
  await expect(admin.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  await months.fill('24');
  await admin.getByRole('button', { name: 'Save settings' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  expect((await parlor.api('GET', '/v1/settings/messaging')).retentionMonths).toBe(24);

  await admin.reload();
  await expect(admin.getByLabel('Keep messages for (months)')).toHaveValue('24');
  await admin.getByLabel('Keep messages for (months)').fill('');
  await admin.getByRole('button', { name: 'Save settings' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  expect((await parlor.api('GET', '/v1/settings/messaging')).retentionMonths).toBeNull();

  // A client's legal hold, placed and lifted from their page.
  const vic = await parlor.activeClient('Vic', 'Held');
  await admin.goto(`/clients/${vic.id}`);
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  const hold = admin.getByRole('region', { name: 'Legal hold' });
  await expect(hold.getByRole('status')).toHaveText(/^Not under legal hold/);
  await hold.getByRole('button', { name: 'Place a legal hold' }).click();
  await expect(hold.getByRole('status')).toHaveText(/^Under legal hold since .+: retention deletes nothing Vic Held can see\.$/);
  expect((await parlor.api('GET', `/v1/clients/${vic.id}/legal-hold`)).clientId).toBe(vic.id);
  await admin.reload();
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  await expect(hold.getByRole('status')).toHaveText(/^Under legal hold since/);
  await hold.getByRole('button', { name: 'Lift the legal hold' }).click();
  await expect(hold.getByRole('status')).toHaveText(/^Not under legal hold/);
  const logged = await parlor.api('GET', `/v1/audit-events?targetId=${vic.id}`);
  // (After the invitation Vic accepted to become active.)
  expect(logged.data.map((entry) => entry.action).slice(0, 2)).toEqual(['legalHold.lifted', 'legalHold.placed']);
});
