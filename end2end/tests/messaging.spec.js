// Staff and a client talk in real time, each in their own browser.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER, WORKSPACE } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const conversation = (page) => page.getByRole('list', { name: 'Messages' });

test('staff and a client message each other live', async ({ browser }) => {
  const ann = await parlor.activeClient('Ann', 'Archer');
  const staff = await signIn(browser, parlor, OWNER);
  const client = await signIn(browser, parlor, ann);

  // The client finds their channel, titled with the workspace, and the welcome message.
  await client.getByRole('link', { name: new RegExp(WORKSPACE) }).click();
  await expect(conversation(client).getByText(`Welcome`, { exact: false })).toBeVisible();

  // Staff opens Ann's channel and sends with Enter.
  await staff.getByRole('link', { name: /Ann Archer/ }).click();
  const box = staff.getByRole('textbox', { name: 'Message' });
  await box.fill('Hello Ann, your return is ready.');
  await box.press('Enter');
  await expect(conversation(staff).getByText('Hello Ann, your return is ready.')).toBeVisible();

  // The client sees it without reloading, and replies with the Send button.
  await expect(conversation(client).getByText('Hello Ann, your return is ready.')).toBeVisible();
  await client.getByRole('textbox', { name: 'Message' }).fill('Thank you!\nI will sign today.');
  await client.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(conversation(staff).getByText('I will sign today.', { exact: false })).toBeVisible();

  // Every line appears once, on both sides.
  await expect(conversation(staff).locator('.message', { hasText: 'Hello Ann' })).toHaveCount(1);
  await expect(conversation(client).locator('.message', { hasText: 'Hello Ann' })).toHaveCount(1);
  await expect(conversation(client).locator('.message', { hasText: 'Thank you!' })).toHaveCount(1);

  await staff.screenshot({ path: 'screenshots/conversation-desktop.png' });
  await staff.context().close();
  await client.context().close();
});

test('a message in another channel shows as unread until opened', async ({ browser }) => {
  const bob = await parlor.activeClient('Bob', 'Baker');
  const staff = await signIn(browser, parlor, OWNER);
  const client = await signIn(browser, parlor, bob);
  await client.getByRole('link', { name: new RegExp(WORKSPACE) }).click();
  await client.getByRole('textbox', { name: 'Message' }).fill('Is anyone there?');
  await client.getByRole('textbox', { name: 'Message' }).press('Enter');

  const bobsChannel = staff.getByRole('link', { name: /Bob Baker/ });
  await expect(bobsChannel.getByLabel('1 unread')).toBeVisible();
  await expect(staff.getByRole('navigation', { name: 'Main' }).getByLabel(/unread/)).toHaveText('1');
  await expect(bobsChannel).toContainText('Is anyone there?');

  await bobsChannel.click();
  await expect(conversation(staff).getByText('Is anyone there?')).toBeVisible();
  await expect(bobsChannel.getByLabel(/unread/)).toHaveCount(0);
  await staff.context().close();
  await client.context().close();
});

test('the phone layout shows one column at a time', async ({ browser }) => {
  await parlor.activeClient('Cara', 'Cole');
  const phone = await signIn(browser, parlor, OWNER, { width: 360, height: 740 });
  await expect(phone.getByRole('region', { name: 'Channels' })).toBeVisible();
  await phone.screenshot({ path: 'screenshots/channels-phone.png' });
  await phone.getByRole('link', { name: /Cara Cole/ }).click();
  await expect(phone.getByRole('region', { name: 'Channels' })).toBeHidden();
  await expect(phone.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await phone.screenshot({ path: 'screenshots/conversation-phone.png' });
  await phone.context().close();
});
