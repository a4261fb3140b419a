// Passwords: "Forgot password?" e-mails a link that sets a new one, and
// everyone changes their own on the Account page.

import { test, expect } from '@playwright/test';
import { serverForThisFile } from './support/parlor.js';
import { startMailSink } from './support/mail.js';
import { signIn, signInOn } from './support/people.js';

let mail;
test.beforeAll(async () => {
  mail = await startMailSink();
});
test.afterAll(async () => {
  await mail?.stop();
});
const parlor = serverForThisFile(() => ({
  args: ['--smtp-host', '127.0.0.1', '--smtp-port', String(mail.port), '--smtp-tls', 'none'],
}));

test('a forgotten password is replaced through the e-mailed link', async ({ browser }) => {
  const ann = await parlor.activeClient('Ann', 'Forgetful');
  const context = await browser.newContext({ baseURL: parlor.url });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await page.getByLabel('E-mail').fill(ann.email);
  await page.getByRole('button', { name: 'Send link' }).click();
  await expect(page.getByRole('status')).toContainText('If an account uses this address');

  let email;
  await expect.poll(async () => {
    [email] = (await mail.messagesTo(ann.email)).filter((m) => m.includes('/reset/'));
    return Boolean(email);
  }, { timeout: 20_000 }).toBe(true);
  const link = email.match(/https?:\/\/[^\s"<>]+\/reset\/[A-Za-z0-9_.-]+/)[0];
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('New password').fill('ann new password');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page).toHaveURL(/\/messages/);

  // The link worked once; the new password signs in.
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole('heading', { name: 'This link cannot be used' })).toBeVisible();
  const again = await (await browser.newContext({ baseURL: parlor.url })).newPage();
  await signInOn(again, { email: ann.email, password: 'ann new password' });
  await context.close();
  await again.context().close();
});

test('changing your password keeps you signed in here and signs you out elsewhere', async ({ browser }) => {
  const sam = await parlor.staffMember('Sam', 'Changer');
  const here = await signIn(browser, parlor, sam);
  const elsewhere = await signIn(browser, parlor, sam);
  await here.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await expect(here.getByRole('heading', { name: 'Account' })).toBeVisible();
  await here.getByLabel('Current password').fill('not my password');
  await here.getByLabel('New password').fill('sam new password');
  await here.getByRole('button', { name: 'Change password' }).click();
  await expect(here.getByRole('alert')).toContainText('current password is not right');

  await here.getByLabel('Current password').fill(sam.password);
  await here.getByLabel('New password').fill('sam new password');
  await here.getByRole('button', { name: 'Change password' }).click();
  await expect(here.getByRole('status')).toContainText('Password changed');

  await here.reload();
  await expect(here.getByRole('heading', { name: 'Account' })).toBeVisible();
  await elsewhere.reload();
  await expect(elsewhere.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await here.context().close();
  await elsewhere.context().close();
});
