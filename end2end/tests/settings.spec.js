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

test('an admin limits what one person may upload, and an upload over it is refused in the conversation', async ({ browser }) => {
  const admin = await signIn(browser, parlor, OWNER);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const perPerson = admin.getByRole('textbox', { name: 'Per person (MiB)' });
  const wholeWorkspace = admin.getByRole('textbox', { name: 'Whole workspace (MiB)' });
  const save = admin.getByRole('button', { name: 'Save settings' });
  await expect(perPerson).toHaveValue('');
  await expect(wholeWorkspace).toHaveValue('');

  // What is not a size is refused beside its field, and cannot be saved.
  await perPerson.fill('lots');
  await expect(admin.getByRole('alert')).toHaveText(
    'Enter a size in MiB, such as 50 or 0.5, or leave it empty for no limit.',
  );
  await expect(perPerson).toHaveAttribute('aria-invalid', 'true');
  await expect(save).toBeDisabled();
  await perPerson.fill('1');
  await expect(admin.getByRole('alert')).toHaveCount(0);
  await save.click();
  await expect(admin.getByRole('status')).toHaveText('Settings saved.');
  expect(await parlor.api('GET', '/v1/settings/messaging')).toMatchObject({
    personFileQuotaBytes: 1024 * 1024,
    workspaceFileQuotaBytes: null,
  });
  await admin.reload();
  await expect(perPerson).toHaveValue('1');
  await expect(wholeWorkspace).toHaveValue('');

  // A client's files count from upload, sent or not: two that fit alone
  // do not fit together.
  const rita = await parlor.activeClient('Rita', 'Reed');
  const client = await signIn(browser, parlor, rita);
  await expect(client.getByRole('textbox', { name: 'Message' })).toBeVisible();
  const uploads = client.getByRole('list', { name: 'Files to send' });
  const attach = async (name, size) => {
    const [chooser] = await Promise.all([
      client.waitForEvent('filechooser'),
      client.getByRole('button', { name: 'Attach files' }).click(),
    ]);
    await chooser.setFiles({ name, mimeType: 'application/pdf', buffer: Buffer.alloc(size, 1) });
  };
  await attach('invoice.pdf', 600_000);
  await expect(uploads.getByRole('listitem').filter({ hasText: 'invoice.pdf' })).toContainText('Ready');
  await attach('ledger.pdf', 600_000);
  const refused = uploads.getByRole('listitem').filter({ hasText: 'ledger.pdf' });
  await expect(refused.getByRole('alert')).toContainText('over your quota of 1 MiB');
  await expect(refused.getByRole('alert')).toContainText('ask an admin to raise the per-person quota');
  await admin.context().close();
  await client.context().close();
});
