// A firm runs Parlor from the browser alone: from the setup link of a new
// server to companies, clients, conversations, a colleague with limited
// access, passwords and API keys, without one call to the API.

import { test, expect } from '@playwright/test';
import { startParlor } from './support/parlor.js';
import { startMailSink } from './support/mail.js';
import { signInOn } from './support/people.js';

const ADMIN = { email: 'hana@example.com', password: 'a long enough password' };
const COLLEAGUE = { email: 'theo@example.com', password: 'theo chooses this one' };

let mail;
let parlor;
test.beforeAll(async () => {
  mail = await startMailSink();
  parlor = await startParlor({
    init: false,
    args: ['--smtp-host', '127.0.0.1', '--smtp-port', String(mail.port), '--smtp-tls', 'none'],
  });
});
test.afterAll(async () => {
  await parlor?.stop();
  await mail?.stop();
});

/** The newest e-mail to `to` with a link containing `part`, and that link's path. */
async function linkMailedTo(to, part) {
  let link;
  await expect.poll(async () => {
    const found = (await mail.messagesTo(to)).reverse().find((m) => m.includes(part));
    link = found?.match(new RegExp(`https?://[^\\s"<>]+${part}[A-Za-z0-9_.-]+`))?.[0];
    return Boolean(link);
  }, { timeout: 20_000 }).toBe(true);
  return new URL(link).pathname;
}

async function addClient(page, { given, family, email, newCompany, company }) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  const form = page.locator('details.add-client');
  if (!(await form.evaluate((d) => d.open))) await page.getByText('Add client').click();
  await page.getByLabel('Given name').fill(given);
  await page.getByLabel('Family name').fill(family);
  await page.getByLabel('E-mail').fill(email);
  if (newCompany) await page.getByLabel('Or a new company').fill(newCompany);
  if (company) await page.getByRole('checkbox', { name: company }).check();
  await page.getByRole('button', { name: 'Save client' }).click();
  await expect(page.getByRole('list', { name: 'Client list' })).toContainText(`${given} ${family}`);
}

test('a new firm sets up, works with its clients and its team, from the browser alone', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await (await browser.newContext({ baseURL: parlor.url })).newPage();

  // The setup link printed by the first start makes the workspace and its admin.
  const setup = parlor.logs().match(/(http:\/\/\S+\/setup\/\S+)/)?.[1];
  expect(setup, 'a setup link in the log').toBeTruthy();
  await admin.goto(new URL(setup).pathname);
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  await admin.getByLabel('Workspace name').fill('Harbor Accounting');
  await admin.getByLabel('Given name').fill('Hana');
  await admin.getByLabel('Family name').fill('Hart');
  await admin.getByLabel('E-mail').fill(ADMIN.email);
  await admin.getByLabel('Password').fill(ADMIN.password);
  await admin.getByRole('button', { name: 'Create workspace' }).click();
  await expect(admin).toHaveURL(/\/messages/);
  await expect(admin.getByText('No conversations yet')).toBeVisible();

  // A company made from Add client, two clients in it, one in another.
  await addClient(admin, { given: 'Ivy', family: 'Irwin', email: 'ivy@example.com', newCompany: 'Northwind' });
  await addClient(admin, { given: 'Jack', family: 'Jones', email: 'jack@example.com', company: 'Northwind' });
  await addClient(admin, { given: 'Omar', family: 'Ortiz', email: 'omar@example.com', newCompany: 'Southgate' });
  const omarsPage = await admin.getByRole('list', { name: 'Client list' })
    .getByRole('link', { name: /Omar Ortiz/ }).getAttribute('href');

  // A group conversation with both Northwind clients.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages' }).click();
  await admin.locator('summary[aria-label="New"]').click();
  await admin.getByRole('menuitem', { name: 'New conversation' }).click();
  await admin.getByRole('checkbox', { name: /Ivy Irwin/ }).check();
  await admin.getByRole('checkbox', { name: /Jack Jones/ }).check();
  await admin.getByRole('button', { name: 'Start conversation' }).click();
  await expect(admin.getByRole('heading', { name: 'Ivy, Jack' })).toBeVisible();
  await admin.getByRole('textbox', { name: 'Message' }).fill('Welcome to you both');
  await admin.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(admin.getByRole('list', { name: 'Messages' })).toContainText('Welcome to you both');

  // Northwind's company conversation, from its page.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Companies' }).click();
  await admin.getByRole('list', { name: 'Company list' }).getByRole('link', { name: /Northwind/ }).click();
  await expect(admin.getByRole('list', { name: 'Clients of this company' })).toContainText('Jack Jones');
  await admin.getByRole('button', { name: 'Open company conversation' }).click();
  await expect(admin).toHaveURL(/\/messages\/.+/);
  await admin.getByRole('textbox', { name: 'Message' }).fill('News for all of Northwind');
  await admin.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(admin.getByRole('list', { name: 'Messages' })).toContainText('News for all of Northwind');

  // A colleague invited by e-mail, staff limited to Northwind.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await admin.getByText('Invite someone').click();
  const invite = admin.getByRole('form', { name: 'Invite someone' });
  await invite.getByLabel('Given name').fill('Theo');
  await invite.getByLabel('Family name').fill('Tran');
  await invite.getByLabel('E-mail').fill(COLLEAGUE.email);
  await invite.getByRole('radio', { name: 'Staff' }).check();
  await invite.getByRole('checkbox', { name: 'Limit client access to these companies' }).check();
  await invite.getByRole('checkbox', { name: 'Northwind' }).check();
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(admin.getByRole('list', { name: 'Team members' })).toContainText('Theo Tran');

  const colleague = await (await browser.newContext({ baseURL: parlor.url })).newPage();
  await colleague.goto(await linkMailedTo(COLLEAGUE.email, '/invite/'));
  await expect(colleague.locator('body[data-hydrated]')).toBeAttached();
  await colleague.getByLabel('Password').fill(COLLEAGUE.password);
  await colleague.getByRole('button', { name: 'Set password' }).click();
  await expect(colleague).toHaveURL(/\/messages/);
  await colleague.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  const theirs = colleague.getByRole('list', { name: 'Client list' });
  await expect(theirs).toContainText('Ivy Irwin');
  await expect(theirs).toContainText('Jack Jones');
  await expect(theirs).not.toContainText('Omar Ortiz');
  // Nor can they open Omar's page by its address.
  await colleague.goto(omarsPage);
  await expect(colleague.getByRole('alert')).toContainText(/not found/i);
  await expect(colleague.getByRole('heading', { name: 'Omar Ortiz' })).toHaveCount(0);
  await colleague.context().close();

  // Edit a client, then delete another after confirming.
  await addClient(admin, { given: 'Pat', family: 'Price', email: 'pat@example.com', company: 'Southgate' });
  await admin.getByRole('list', { name: 'Client list' }).getByRole('link', { name: /Pat Price/ }).click();
  await admin.getByRole('button', { name: 'Edit' }).click();
  await admin.getByLabel('Given name').fill('Patricia');
  await admin.getByRole('button', { name: 'Save client' }).click();
  await expect(admin.getByRole('heading', { name: 'Patricia Price' })).toBeVisible();
  await admin.getByRole('button', { name: 'Delete client…' }).click();
  await admin.getByRole('alertdialog', { name: 'Delete client' }).getByRole('button', { name: 'Delete client' }).click();
  await expect(admin).toHaveURL(/\/clients$/);
  await expect(admin.getByRole('list', { name: 'Client list' })).not.toContainText('Patricia');
  await expect(admin.getByRole('list', { name: 'Client list' })).toContainText('Omar Ortiz');

  // An API key made and revoked on Settings.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await admin.getByLabel('Key name').fill('Bookkeeping sync');
  await admin.getByRole('button', { name: 'Create key' }).click();
  await expect(admin.getByRole('figure', { name: 'New API key' }).getByLabel('Secret')).not.toBeEmpty();
  const keys = admin.getByRole('table', { name: 'API keys' });
  await keys.getByRole('button', { name: 'Revoke Bookkeeping sync' }).click();
  await admin.getByRole('alertdialog', { name: 'Revoke Bookkeeping sync?' }).getByRole('button', { name: 'Revoke key' }).click();
  await expect(keys.getByRole('row', { name: /Bookkeeping sync/ })).toHaveCount(0);

  // A new password, and signing in with it.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await admin.getByLabel('Current password').fill(ADMIN.password);
  await admin.getByLabel('New password').fill('an even longer new password');
  await admin.getByRole('button', { name: 'Change password' }).click();
  await expect(admin.getByRole('status')).toContainText('Password changed');
  await admin.context().clearCookies();
  await signInOn(admin, { email: ADMIN.email, password: 'an even longer new password' });
  await expect(admin).toHaveURL(/\/messages/);
  await expect(admin.getByRole('navigation', { name: 'Main' })).toContainText('Hana Hart');
  await admin.context().close();
});
