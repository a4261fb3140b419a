// The + menu: new conversations and mass messages.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER, WORKSPACE } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const messages = (page) => page.getByRole('list', { name: 'Messages' });

async function openMenuItem(page, name) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages' }).click();
  await page.getByRole('button', { name: 'New' }).or(page.locator('summary[aria-label="New"]')).click();
  await page.getByRole('menuitem', { name }).click();
}

test('a new conversation with two clients of one company is a group both of them see', async ({ browser }) => {
  const acme = await parlor.api('POST', '/v1/companies', { name: 'Acme Bakery' });
  const ann = await parlor.activeClient('Ann', 'Archer', { companyId: acme.id });
  const bob = await parlor.activeClient('Bob', 'Baker', { companyId: acme.id });
  const staff = await signIn(browser, parlor, OWNER);
  const annPage = await signIn(browser, parlor, ann);

  await openMenuItem(staff, 'New conversation');
  await staff.getByRole('searchbox', { name: 'Find clients' }).fill('a');
  await staff.getByRole('checkbox', { name: /Ann Archer/ }).check();
  await staff.getByRole('checkbox', { name: /Bob Baker/ }).check();
  await staff.getByRole('button', { name: 'Start conversation' }).click();
  await expect(staff.getByRole('heading', { name: 'Ann, Bob' })).toBeVisible();
  await staff.getByRole('textbox', { name: 'Message' }).fill('Hello to you both');
  await staff.getByRole('button', { name: 'Send', exact: true }).click();

  // Ann sees the new group appear and the message in it, without reloading.
  await annPage.getByRole('link', { name: /Ann, Bob/ }).click();
  await expect(messages(annPage)).toContainText('Hello to you both');

  // Starting it again opens the same conversation.
  await openMenuItem(staff, 'New conversation');
  await staff.getByRole('checkbox', { name: /Bob Baker/ }).check();
  await staff.getByRole('checkbox', { name: /Ann Archer/ }).check();
  await staff.getByRole('button', { name: 'Start conversation' }).click();
  await expect(messages(staff)).toContainText('Hello to you both');
  const groups = await parlor.api('GET', `/v1/message-channels?membershipType=group&memberId=${bob.id}`);
  expect(groups.data).toHaveLength(1);
  await staff.context().close();
  await annPage.context().close();
});

test('clients of different companies get a clear error before submitting', async ({ browser }) => {
  const north = await parlor.api('POST', '/v1/companies', { name: 'North Mill' });
  const south = await parlor.api('POST', '/v1/companies', { name: 'South Dock' });
  await parlor.activeClient('Nia', 'North', { companyId: north.id });
  await parlor.activeClient('Sam', 'South', { companyId: south.id });
  const before = await parlor.api('GET', '/v1/message-channels?membershipType=group');
  const staff = await signIn(browser, parlor, OWNER);
  await openMenuItem(staff, 'New conversation');
  await staff.getByRole('checkbox', { name: /Nia North/ }).check();
  await expect(staff.getByRole('button', { name: 'Start conversation' })).toBeEnabled();
  await staff.getByRole('checkbox', { name: /Sam South/ }).check();
  await expect(staff.getByRole('alert')).toContainText('not in the same company');
  await expect(staff.getByRole('button', { name: 'Start conversation' })).toBeDisabled();
  await staff.screenshot({ path: 'screenshots/new-conversation-error-desktop.png' });
  const after = await parlor.api('GET', '/v1/message-channels?membershipType=group');
  expect(after.data).toHaveLength(before.data.length);
  await staff.context().close();
});

test('a mass message reaches each client in their own conversation, unseen by the others', async ({ browser }) => {
  const dan = await parlor.activeClient('Dan', 'Dale');
  const eve = await parlor.activeClient('Eve', 'East');
  const staff = await signIn(browser, parlor, OWNER);
  await openMenuItem(staff, 'New mass message');
  await staff.getByRole('checkbox', { name: /Dan Dale/ }).check();
  await staff.getByRole('checkbox', { name: /Eve East/ }).check();
  await staff.getByRole('textbox', { name: 'Message' }).fill('Our office is closed on Friday.');
  await staff.getByRole('button', { name: 'Send to 2 clients' }).click();
  await expect(staff.getByRole('status')).toHaveText('Sent to 2 clients.');

  for (const [client, other] of [[dan, eve], [eve, dan]]) {
    const page = await signIn(browser, parlor, client);
    await expect(messages(page)).toContainText('Our office is closed on Friday.');
    await expect(page.getByRole('heading', { name: WORKSPACE })).toBeVisible();
    await expect(page.locator('body')).not.toContainText(other.name);
    await page.context().close();
  }
  await staff.context().close();
});
