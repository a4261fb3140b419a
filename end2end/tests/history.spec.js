// Message history: everyone sees that a message was edited; staff open
// what it said before, and read who deleted a message and when, while a
// client sees only what clients always saw. Each person in a browser of
// their own.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { expectAccessible } from './support/axe.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const messages = (page) => page.getByRole('list', { name: 'Messages' });
const TIME = '\\d{2}:\\d{2}';

async function send(page, text) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
}

async function openConversation(page, name) {
  await page.getByRole('link', { name: new RegExp(name) }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
}

async function openMenu(page, line, item) {
  await line.hover();
  await line.getByRole('button', { name: 'Message actions' }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

test('a client edits a message; staff see "edited" and open what it said before', async ({ browser }) => {
  const ann = await parlor.activeClient('Ann', 'Archer');
  const client = await signIn(browser, parlor, ann);
  await expect(client.getByRole('textbox', { name: 'Message' })).toBeVisible();
  // Staff on a phone: the versions fit its width.
  const staff = await signIn(browser, parlor, OWNER, { width: 360, height: 740 });
  await openConversation(staff, 'Ann Archer');

  await send(client, 'Invoice 1042 is wrong');
  const mine = messages(client).locator('.message', { hasText: 'Invoice 1042 is wrong' });
  await openMenu(client, mine, 'Edit');
  await client.getByRole('textbox', { name: 'Edit message text' }).fill('Invoice 1043 is wrong');
  await client.getByRole('button', { name: 'Save', exact: true }).click();

  // The client sees that it was edited, and nothing to open.
  const hers = messages(client).locator('.message', { hasText: 'Invoice 1043 is wrong' });
  await expect(hers).toContainText('(edited)');
  await expect(hers.getByRole('button', { name: '(edited)' })).toHaveCount(0);

  // Staff see it live, and open the earlier version with the keyboard.
  const line = messages(staff).locator('.message', { hasText: 'Invoice 1043 is wrong' });
  const edited = line.getByRole('button', { name: '(edited)' });
  await expect(edited).toBeVisible();
  await edited.focus();
  await staff.keyboard.press('Enter');
  const versions = line.getByRole('dialog', { name: 'Earlier versions' });
  await expect(versions).toBeFocused();
  await expect(versions.getByRole('listitem')).toHaveCount(1);
  await expect(versions).toContainText('Invoice 1042 is wrong');
  await expect(versions.getByText(new RegExp(`^Changed by Ann Archer at ${TIME}$`))).toBeVisible();
  await expect(edited).toHaveAttribute('aria-expanded', 'true');
  const box = await versions.boundingBox();
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(360);
  await expectAccessible(staff, 'earlier versions (phone)');
  // Escape closes it and gives the keyboard back.
  await staff.keyboard.press('Escape');
  await expect(versions).toHaveCount(0);
  await expect(edited).toBeFocused();

  // Never on the client's page.
  await expect(client.getByRole('dialog', { name: 'Earlier versions' })).toHaveCount(0);
  await expect(messages(client)).not.toContainText('Invoice 1042');
  await staff.context().close();
  await client.context().close();
});

test('staff delete a message; a colleague reads who deleted it and what it said, the client only that it was deleted', async ({ browser }) => {
  const ben = await parlor.activeClient('Ben', 'Baker');
  const colleague = await parlor.staffMember('Cara', 'Clerk');
  const client = await signIn(browser, parlor, ben);
  await expect(client.getByRole('textbox', { name: 'Message' })).toBeVisible();
  const owner = await signIn(browser, parlor, OWNER);
  await openConversation(owner, 'Ben Baker');
  const other = await signIn(browser, parlor, colleague);
  await openConversation(other, 'Ben Baker');

  await send(owner, 'Meeting at 3 at the old office');
  await expect(messages(other)).toContainText('Meeting at 3 at the old office');
  await expect(messages(client)).toContainText('Meeting at 3 at the old office');
  const line = messages(owner).locator('.message', { hasText: 'Meeting at 3' });
  await openMenu(owner, line, 'Delete');
  await owner.getByRole('alertdialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();

  // The deleter, and the colleague live.
  await expect(messages(owner).getByText(new RegExp(`^Deleted by you at ${TIME}`))).toBeVisible();
  const deleted = messages(other).locator('.message', { hasText: /Deleted by Olivia Owner at/ });
  await expect(deleted).toBeVisible();
  await expect(deleted).not.toContainText('Meeting at 3');
  await deleted.getByRole('button', { name: 'Show what it said' }).click();
  const versions = deleted.getByRole('dialog', { name: 'Earlier versions' });
  await expect(versions).toContainText('Meeting at 3 at the old office');
  await expect(versions.getByText(new RegExp(`^Deleted by Olivia Owner at ${TIME}$`))).toBeVisible();
  await versions.getByRole('button', { name: 'Close' }).click();
  await expect(versions).toHaveCount(0);

  // Loaded afresh, the colleague still reads who deleted it.
  await other.reload();
  await expect(messages(other).getByText(/^Deleted by Olivia Owner at/)).toBeVisible();

  // The client sees what clients always saw: no text, no name, nothing to open.
  await expect(messages(client)).toContainText('This message was deleted.');
  await expect(messages(client)).not.toContainText('Meeting at 3');
  await expect(messages(client)).not.toContainText('Deleted by');
  await expect(messages(client).getByRole('button', { name: 'Show what it said' })).toHaveCount(0);
  await client.reload();
  await expect(messages(client)).toContainText('This message was deleted.');
  await expect(messages(client)).not.toContainText('Meeting at 3');
  for (const page of [owner, other, client]) await page.context().close();
});
