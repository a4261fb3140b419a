// Settings → Audit log: an admin changes a setting, opens the audit log and
// finds the change there in words, from their own browser, and narrows the
// log down by action and by person; a staff member has no such page.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

test('an admin changes a setting and finds the change in the audit log', async ({ browser }) => {
  const admin = await signIn(browser, parlor, OWNER);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const brand = admin.getByRole('form', { name: 'Workspace & brand' });
  await brand.getByLabel('Workspace name').fill('Ledger & Partners');
  await brand.getByRole('button', { name: 'Save workspace' }).click();
  await expect(brand.getByRole('status')).toHaveText('Workspace saved.');

  await admin.getByRole('link', { name: 'Open the audit log' }).click();
  await expect(admin).toHaveURL(/\/settings\/audit-log$/);
  await expect(admin.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  const rows = admin.getByRole('table', { name: 'Audit log entries' }).getByRole('row');
  // Newest first: the change, then this sign-in, then what `parlor admin` did.
  const change = rows.nth(1);
  await expect(change).toContainText('Olivia Owner');
  await expect(change).toContainText('Changed settings');
  await expect(change).toContainText('brandName: Ledger & Co → Ledger & Partners');
  await expect(change).toContainText('Workspace Ledger & Partners');
  await expect(change).toContainText('127.0.0.1 · web app');
  await expect(change).toContainText('Mozilla/5.0');
  await expect(rows.nth(2)).toContainText('Signed in');
  await expect(rows.last()).toContainText('Created the workspace');
  await expect(rows.last()).toContainText('command line');
  // When, in the reader's own time zone: hydrated, the label follows it.
  const when = change.getByRole('cell').first().locator('time');
  await expect(when).toHaveAttribute('datetime', /Z$/);
  await expect(when).toHaveText(/\d{1,2} \w{3} \d{4}, \d{2}:\d{2}/);

  // One action: only the settings change is left.
  await admin.getByLabel('Action').selectOption({ label: 'Changed settings' });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('Changed settings');
  // Every action again, one person: what the owner did, and nothing else.
  await admin.getByLabel('Action').selectOption({ label: 'Every action' });
  await admin.getByLabel('Person').selectOption({ label: 'Olivia Owner' });
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(2)).toContainText('Signed in');
  await admin.screenshot({ path: 'screenshots/audit-log-desktop.png', fullPage: true });
  await admin.context().close();
});

test('the audit log pages back in time, and reads on a phone', async ({ browser }) => {
  // More changes than one page shows.
  for (let n = 1; n <= 55; n++) {
    await parlor.api('PATCH', '/v1/workspaces', { brandName: `Ledger ${n}` });
  }
  const admin = await signIn(browser, parlor, OWNER, { width: 360, height: 740 });
  await admin.goto('/settings/audit-log');
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  // On a phone each entry is a card, without the table's header row.
  const entries = admin.locator('table.audit-log tbody tr');
  await expect(entries.first()).toContainText('Signed in');
  await expect(entries.nth(1)).toContainText('Ledger 54 → Ledger 55');
  await expect(admin.getByRole('button', { name: 'Newer' })).toHaveCount(0);
  await admin.getByRole('button', { name: 'Older' }).click();
  await expect(entries.first()).toContainText('Ledger 5 → Ledger 6');
  await admin.getByRole('button', { name: 'Newer' }).click();
  await expect(entries.nth(1)).toContainText('Ledger 54 → Ledger 55');
  // Nothing sticks out of a phone's width.
  const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await admin.screenshot({ path: 'screenshots/audit-log-phone.png', fullPage: true });
  await admin.context().close();
});

test('a staff member who is not an admin has no audit log', async ({ browser }) => {
  const sam = await parlor.staffMember('Sam', 'Staff');
  const staff = await signIn(browser, parlor, sam);
  // Settings is not among their pages; opened by its address, it leads nowhere near the log.
  await expect(staff.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await staff.goto('/settings');
  await expect(staff.locator('body[data-hydrated]')).toBeAttached();
  await expect(staff.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(staff.getByRole('link', { name: 'Open the audit log' })).toHaveCount(0);
  await staff.goto('/settings/audit-log');
  await expect(staff.locator('body[data-hydrated]')).toBeAttached();
  await expect(staff.getByText("Only the workspace's admins can read the audit log.")).toBeVisible();
  await expect(staff.getByRole('table', { name: 'Audit log entries' })).toHaveCount(0);
  await staff.context().close();
});
