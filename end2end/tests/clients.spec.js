// The Clients page: adding, inviting and opening one client.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

test('staff add a client, hand them the invite link, and message them from their page', async ({ browser }) => {
  await parlor.api('POST', '/v1/companies', { name: 'Acme Bakery' });
  const staff = await signIn(browser, parlor, OWNER);
  await staff.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await staff.getByText('Add client').click();
  await staff.getByLabel('Given name').fill('Gus');
  await staff.getByLabel('Family name').fill('Green');
  await staff.getByLabel('E-mail').fill('gus@example.com');
  await staff.getByRole('checkbox', { name: 'Acme Bakery' }).check();
  await staff.getByRole('button', { name: 'Save client' }).click();

  const list = staff.getByRole('list', { name: 'Client list' });
  await expect(list).toContainText('Gus Green');
  await expect(list).toContainText('Acme Bakery');
  await staff.getByRole('searchbox', { name: 'Search clients' }).fill('nobody-matches');
  await expect(list).not.toContainText('Gus Green');
  await staff.getByRole('searchbox', { name: 'Search clients' }).fill('acme');
  await expect(list).toContainText('Gus Green');

  // Invite links are credentials: the list never shows one; an admin who
  // sends the invitation gets the new link to copy, and it signs Gus up.
  await expect(staff.getByRole('button', { name: 'Copy invite link for Gus Green' })).toHaveCount(0);
  await staff.getByRole('button', { name: 'Invite Gus Green' }).click();
  const copy = staff.getByRole('button', { name: 'Copy invite link for Gus Green' });
  const inviteUrl = await copy.getAttribute('data-invite-url');
  await copy.click();
  await expect(copy).toHaveText('Copied');
  const gus = await (await browser.newContext()).newPage();
  await gus.goto(inviteUrl);
  await expect(gus.locator('body[data-hydrated]')).toBeAttached();
  await gus.getByLabel('Password').fill('gus password 1');
  await gus.getByRole('button', { name: 'Set password' }).click();
  await expect(gus.getByRole('list', { name: 'Messages' })).toContainText('Welcome');

  await list.getByRole('link', { name: /Gus Green/ }).click();
  await expect(staff.getByRole('heading', { name: 'Gus Green' })).toBeVisible();
  await staff.screenshot({ path: 'screenshots/client-desktop.png' });
  await staff.getByRole('button', { name: 'Message Gus Green' }).click();
  await expect(staff).toHaveURL(/\/messages\/.+/);
  await staff.getByRole('textbox', { name: 'Message' }).fill('Hi Gus, welcome aboard.');
  await staff.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(gus.getByRole('list', { name: 'Messages' })).toContainText('Hi Gus, welcome aboard.');
  await staff.context().close();
  await gus.context().close();
});

test("a client's page shows only that client's conversations", async ({ browser }) => {
  const acme = await parlor.api('POST', '/v1/companies', { name: 'Hollow Farms' });
  const hal = await parlor.activeClient('Hal', 'Hollow', { companyId: acme.id });
  const ivy = await parlor.activeClient('Ivy', 'Hollow', { companyId: acme.id });
  await parlor.api('POST', '/v1/message-channels', { membershipType: 'group', memberIds: [hal.id, ivy.id] });
  const staff = await signIn(browser, parlor, OWNER);
  await staff.goto(`/clients/${hal.id}`);
  const conversations = staff.getByRole('list', { name: 'Conversations' });
  await expect(conversations.getByRole('listitem')).toHaveCount(2);
  await expect(conversations).toContainText('Hal Hollow');
  await expect(conversations).toContainText('Hal, Ivy');
  await expect(conversations).not.toContainText('Ivy Hollow');
  await staff.context().close();
});

test('clients have no Clients page and no settings', async ({ browser }) => {
  const jo = await parlor.activeClient('Jo', 'Jones');
  const client = await signIn(browser, parlor, jo);
  const nav = client.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Messages' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Clients' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await expect(client.getByRole('button', { name: 'New' })).toHaveCount(0);
  await client.goto('/clients');
  await expect(client.getByRole('heading', { name: 'This page is for the team' })).toBeVisible();
  await expect(client.getByRole('list', { name: 'Client list' })).toHaveCount(0);
  await client.context().close();
});
