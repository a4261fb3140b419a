// Arriving for the first time: the setup link, and a client's invitation.

import { test, expect } from '@playwright/test';
import { startParlor, WORKSPACE } from './support/parlor.js';

test('the setup link from the first start creates the workspace and its admin', async ({ page }) => {
  const parlor = await startParlor({ init: false });
  try {
    const link = parlor.logs().match(/(http:\/\/\S+\/setup\/\S+)/)?.[1];
    expect(link, `no setup link in:\n${parlor.logs()}`).toBeTruthy();
    await page.goto(link);
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
    await page.getByLabel('Workspace name').fill('Harbor Accounting');
    await page.getByLabel('Given name').fill('Hana');
    await page.getByLabel('Family name').fill('Hart');
    await page.getByLabel('E-mail').fill('hana@example.com');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expect(page).toHaveURL(/\/messages/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav).toContainText('Harbor Accounting');
    await expect(nav).toContainText('Hana Hart');

    // The link works once.
    await page.context().clearCookies();
    await page.goto(link);
    await page.getByLabel('Workspace name').fill('Again');
    await page.getByLabel('Given name').fill('Eve');
    await page.getByLabel('Family name').fill('Evil');
    await page.getByLabel('E-mail').fill('eve@example.com');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expect(page.getByRole('alert')).not.toBeEmpty();
    await expect(page).toHaveURL(/\/setup\//);
  } finally {
    await parlor.stop();
  }
});

test.describe('invitations', () => {
  let parlor;
  test.beforeAll(async () => {
    parlor = await startParlor();
  });
  test.afterAll(async () => {
    await parlor?.stop();
  });

  test('an invited client sets a password and is greeted by the welcome message', async ({ page }) => {
    const dana = await parlor.invitedClient('Dana', 'Diaz');
    await page.goto(dana.inviteUrl);
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
    await expect(page.getByRole('heading', { name: 'Welcome, Dana' })).toBeVisible();
    await page.getByLabel('Password').fill('my new password');
    await page.getByRole('button', { name: 'Set password' }).click();

    await expect(page).toHaveURL(/\/messages\/.+/);
    const conversation = page.getByRole('list', { name: 'Messages' });
    await expect(conversation).toContainText(`Welcome to ${WORKSPACE}, Dana!`);
    await page.screenshot({ path: 'screenshots/welcome-desktop.png' });

    // Used up: the same link now explains itself instead of asking again.
    await page.context().clearCookies();
    await page.goto(dana.inviteUrl);
    await expect(page.getByRole('heading', { name: 'This invitation cannot be used' })).toBeVisible();
  });

  test('a wrong password is refused with a clear message', async ({ page }) => {
    const erin = await parlor.activeClient('Erin', 'Ellis');
    await page.goto('/sign-in'.replace(/^/, parlor.url));
    await expect(page.locator('body[data-hydrated]')).toBeAttached();
    await page.getByLabel('E-mail').fill(erin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText(/password/i);
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
