// The Companies pages, and running clients from the browser alone: a new
// company typed while adding a client, renaming it, its conversation, and
// editing, inviting and deleting a client.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

test('an admin runs companies and clients from the browser', async ({ browser }) => {
  const staff = await signIn(browser, parlor, OWNER);
  const nav = staff.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Companies' }).click();
  await expect(staff.getByText('No companies yet — create one')).toBeVisible();
  await parlor.api('POST', '/v1/companies', { name: 'Other Co' });

  await nav.getByRole('link', { name: 'Clients' }).click();
  await expect(staff.getByText('No clients yet — add your first client')).toBeVisible();
  await staff.getByText('Add client').click();
  await staff.getByLabel('Given name').fill('Kim');
  await staff.getByLabel('Family name').fill('Kent');
  await staff.getByLabel('E-mail').fill('kim@example.com');
  await staff.getByLabel('Or a new company').fill('Kent Ledgers');
  await staff.getByRole('button', { name: 'Save client' }).click();
  const list = staff.getByRole('list', { name: 'Client list' });
  await expect(list).toContainText('Kim Kent');
  await expect(list).toContainText('Kent Ledgers');
  await expect(list).toContainText('Not invited');
  // The form is cleared for the next client.
  await expect(staff.getByLabel('Given name')).toHaveValue('');
  await expect(staff.getByLabel('Or a new company')).toHaveValue('');

  await staff.getByLabel('Given name').fill('Lou');
  await staff.getByLabel('Family name').fill('Lane');
  await staff.getByLabel('E-mail').fill('lou@example.com');
  await staff.getByRole('checkbox', { name: 'Kent Ledgers' }).check();
  await staff.getByRole('button', { name: 'Save client' }).click();
  await expect(list).toContainText('Lou Lane');

  await nav.getByRole('link', { name: 'Companies' }).click();
  const companies = staff.getByRole('list', { name: 'Company list' });
  await expect(companies).toContainText('Kent Ledgers');
  await expect(companies.getByRole('link', { name: /Kent Ledgers/ })).toContainText('2 clients');
  await companies.getByRole('link', { name: /Kent Ledgers/ }).click();
  await expect(staff.getByRole('heading', { name: 'Kent Ledgers' })).toBeVisible();
  const members = staff.getByRole('list', { name: 'Clients of this company' });
  await expect(members).toContainText('Kim Kent');
  await expect(members).toContainText('Lou Lane');

  await staff.getByLabel('Name', { exact: true }).fill('Kent & Lane');
  await staff.getByRole('button', { name: 'Save company' }).click();
  await expect(staff.getByRole('heading', { name: 'Kent & Lane' })).toBeVisible();
  await staff.setViewportSize({ width: 360, height: 740 });
  await staff.screenshot({ path: 'screenshots/company-phone.png', fullPage: true });
  await staff.setViewportSize({ width: 1280, height: 800 });

  await staff.getByRole('button', { name: 'Open company conversation' }).click();
  await expect(staff).toHaveURL(/\/messages\/.+/);
  await staff.getByRole('textbox', { name: 'Message' }).fill('Hello, Kent & Lane.');
  await staff.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(staff.getByRole('list', { name: 'Messages' })).toContainText('Hello, Kent & Lane.');
  const conversationUrl = staff.url();
  // Opening it again finds the same conversation.
  await staff.goBack();
  await staff.getByRole('button', { name: 'Open company conversation' }).click();
  await expect(staff).toHaveURL(conversationUrl);

  // Edit a client: a new name, and moved from Kent & Lane to Other Co.
  await nav.getByRole('link', { name: 'Clients' }).click();
  await list.getByRole('link', { name: /Kim Kent/ }).click();
  await expect(staff.getByRole('heading', { name: 'Kim Kent' })).toBeVisible();
  await expect(staff.locator('dd.status')).toHaveText('Not invited');
  await staff.getByRole('button', { name: 'Edit' }).click();
  await staff.getByLabel('Given name').fill('Kimberly');
  await staff.getByRole('checkbox', { name: 'Kent & Lane' }).uncheck();
  await staff.getByRole('checkbox', { name: 'Other Co' }).check();
  await staff.getByRole('button', { name: 'Save client' }).click();
  await expect(staff.getByRole('heading', { name: 'Kimberly Kent' })).toBeVisible();
  await expect(staff.locator('dd.companies')).toHaveText('Other Co');

  // Invite: the status becomes Invited, and the admin may copy the link.
  await staff.getByRole('button', { name: 'Invite Kimberly Kent' }).click();
  await expect(staff.locator('dd.status')).toHaveText('Invited');
  await expect(staff.getByRole('button', { name: 'Copy invite link for Kimberly Kent' })).toHaveAttribute('data-invite-url', /\/invite\//);
  await expect(staff.getByRole('button', { name: 'Invite Kimberly Kent' })).toHaveText('Send invitation again');

  // Delete, after a confirmation that says what happens; Cancel first.
  await staff.getByRole('button', { name: 'Delete client…' }).click();
  const confirm = staff.getByRole('alertdialog', { name: 'Delete client' });
  await expect(confirm).toContainText('lose access');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await staff.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await staff.getByRole('button', { name: 'Delete client…' }).click();
  await staff.getByRole('alertdialog', { name: 'Delete client' }).getByRole('button', { name: 'Delete client' }).click();
  await expect(staff).toHaveURL(/\/clients$/);
  await expect(list).toContainText('Lou Lane');
  await expect(list).not.toContainText('Kimberly');
  await staff.context().close();
});

test('a company made on the Companies page clears the form; a taken name is refused', async ({ browser }) => {
  const staff = await signIn(browser, parlor, OWNER);
  await staff.goto('/companies');
  await expect(staff.locator('body[data-hydrated]')).toBeAttached();
  await expect(staff.getByRole('heading', { name: 'Companies' })).toBeVisible();
  await expect(staff.getByLabel('New company')).toBeVisible();
  await staff.getByLabel('New company').fill('Fresh Firm');
  await staff.getByRole('button', { name: 'Create company' }).click();
  await expect(staff.getByRole('list', { name: 'Company list' })).toContainText('Fresh Firm');
  await expect(staff.getByLabel('New company')).toHaveValue('');
  // A second company of the same name is refused next to the field.
  await staff.getByLabel('New company').fill('Fresh Firm');
  await staff.getByRole('button', { name: 'Create company' }).click();
  await expect(staff.getByRole('alert').filter({ hasText: 'already exists' })).toBeVisible();
  await staff.context().close();
});
