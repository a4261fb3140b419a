// Settings: the default channel and the welcome message.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER, WORKSPACE } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

test('settings changes take effect for the next new client', async ({ browser }) => {
  const acme = await parlor.api('POST', '/v1/companies', { name: 'Acme Bakery' });
  const staff = await signIn(browser, parlor, OWNER);
  await staff.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await staff.getByRole('radio', { name: 'Company' }).check();
  const template = staff.getByRole('textbox', { name: 'Welcome message' });
  await template.fill('Hi {{client.givenName}}, {{company.name}} and {{workspace.name}} talk here.');
  await expect(staff.getByLabel('Welcome message preview')).toHaveText(
    `Hi Jamie, Rivera Design and ${WORKSPACE} talk here.`,
  );
  await staff.screenshot({ path: 'screenshots/settings-desktop.png' });
  await staff.getByRole('button', { name: 'Save settings' }).click();
  await expect(staff.getByRole('status')).toHaveText('Settings saved.');

  // A bad template is refused with the reason, and the saved one stays.
  await template.fill('Hi {{client.nickname}}');
  await expect(staff.getByLabel('Welcome message preview')).toContainText('client.nickname');
  await staff.getByRole('button', { name: 'Save settings' }).click();
  await expect(staff.getByRole('alert')).toContainText('client.nickname');
  const saved = await parlor.api('GET', '/v1/settings/messaging');
  expect(saved).toMatchObject({ defaultChannelType: 'company', welcomeMessage: expect.stringContaining('{{company.name}}') });

  // The next client joins their company's channel and is greeted by the new
  // text; a channel for several clients greets them all ("everyone").
  const fay = await parlor.invitedClient('Fay', 'Fox', { companyId: acme.id });
  const channels = await parlor.api('GET', `/v1/message-channels?memberId=${fay.id}`);
  expect(channels.data.map((c) => c.membershipType)).toEqual(['company']);
  const client = await (await browser.newContext()).newPage();
  await client.goto(fay.inviteUrl);
  await expect(client.locator('body[data-hydrated]')).toBeAttached();
  await client.getByLabel('Password').fill('fay password 1');
  await client.getByRole('button', { name: 'Set password' }).click();
  await expect(client.getByRole('heading', { name: 'Acme Bakery' })).toBeVisible();
  await expect(client.getByRole('list', { name: 'Messages' })).toContainText(
    `Hi everyone, Acme Bakery and ${WORKSPACE} talk here.`,
  );
  await staff.context().close();
  await client.context().close();
});
