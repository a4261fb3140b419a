// Inside a conversation: edits, deletes, typing, "seen", Markdown and history.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const messages = (page) => page.getByRole('list', { name: 'Messages' });

async function staffAndClient(browser, given, family) {
  const person = await parlor.activeClient(given, family);
  const staff = await signIn(browser, parlor, OWNER);
  const client = await signIn(browser, parlor, person);
  await staff.getByRole('link', { name: new RegExp(`${given} ${family}`) }).click();
  await expect(client.getByRole('textbox', { name: 'Message' })).toBeVisible();
  return { person, staff, client };
}

async function send(page, text) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
}

test('authors edit and delete their own messages, and the other side sees it live', async ({ browser }) => {
  const { staff, client } = await staffAndClient(browser, 'Kim', 'Kent');
  await send(staff, 'Meeting at 3');
  const line = messages(staff).locator('.message', { hasText: 'Meeting at 3' });
  await line.hover();
  await line.getByRole('button', { name: 'Message actions' }).click();
  await staff.getByRole('menuitem', { name: 'Edit' }).click();
  await staff.getByRole('textbox', { name: 'Edit message text' }).fill('Meeting at 4');
  await staff.getByRole('button', { name: 'Save', exact: true }).click();
  const seenByClient = messages(client).locator('.message', { hasText: 'Meeting at 4' });
  await expect(seenByClient).toContainText('(edited)');
  await expect(messages(client)).not.toContainText('Meeting at 3');

  // Nobody edits someone else's message.
  await send(client, 'Works for me');
  await expect(messages(staff).locator('.message', { hasText: 'Works for me' })).toBeVisible();
  await expect(
    messages(staff).locator('.message', { hasText: 'Works for me' }).getByRole('button', { name: 'Message actions' }),
  ).toHaveCount(0);

  const edited = messages(staff).locator('.message', { hasText: 'Meeting at 4' });
  await edited.hover();
  await edited.getByRole('button', { name: 'Message actions' }).click();
  await staff.getByRole('menuitem', { name: 'Delete' }).click();
  await staff.getByRole('alertdialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(messages(client)).toContainText('This message was deleted.');
  await expect(messages(client)).not.toContainText('Meeting at 4');
  await staff.context().close();
  await client.context().close();
});

test('typing shows on the other side, and a read message is marked seen', async ({ browser }) => {
  const { staff, client } = await staffAndClient(browser, 'Lee', 'Lane');
  await client.getByRole('textbox', { name: 'Message' }).pressSequentially('I have a que');
  await expect(staff.getByText('Lee Lane is typing…')).toBeVisible();

  await send(staff, 'Go ahead, ask away');
  // The client has the conversation open, so it is read at once.
  await expect(messages(client)).toContainText('Go ahead, ask away');
  const mine = messages(staff).locator('.message', { hasText: 'Go ahead, ask away' });
  await expect(mine.getByText('Seen')).toBeVisible();
  await staff.context().close();
  await client.context().close();
});

test('Markdown is rendered and HTML from users never reaches the page', async ({ browser }) => {
  const { staff, client } = await staffAndClient(browser, 'Max', 'Moss');
  await send(client, '**Invoice** attached <img src=x onerror="window.pwned=1"> [click](javascript:window.pwned=2) see https://example.com');
  const line = messages(staff).locator('.message', { hasText: 'Invoice' });
  await expect(line.locator('strong')).toHaveText('Invoice');
  await expect(line).toContainText('<img src=x onerror="window.pwned=1">');
  await expect(line.locator('img')).toHaveCount(0);
  await expect(line.locator('a[href^="javascript"]')).toHaveCount(0);
  expect(await staff.evaluate(() => window.pwned)).toBeUndefined();
  await staff.context().close();
  await client.context().close();
});

test('history loads older messages when scrolled up, under a day heading and a new-messages line', async ({ browser }) => {
  const nina = await parlor.activeClient('Nina', 'North');
  const [channel] = (await parlor.api('GET', `/v1/message-channels?clientId=${nina.id}`)).data;
  for (let n = 1; n <= 70; n++) {
    await parlor.api('POST', '/v1/messages', { channelId: channel.id, senderId: nina.id, text: `Question ${n}` });
  }
  const staff = await signIn(browser, parlor, OWNER);
  await staff.getByRole('link', { name: /Nina North/ }).click();
  const list = messages(staff);
  await expect(list).toContainText('Question 70');
  await expect(list).not.toContainText('Question 1\n');
  await expect(list.locator('.message .text', { hasText: /^Question 20$/ })).toHaveCount(0);
  await expect(staff.getByRole('separator', { name: 'New messages' })).toBeAttached();
  const today = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  await expect(staff.getByRole('separator', { name: today })).toHaveCount(1);

  await staff.getByRole('log', { name: 'Conversation history' }).evaluate((element) => { element.scrollTop = 0; });
  await expect(list.locator('.message', { hasText: 'Question 1' }).first()).toBeAttached();
  await expect(list.locator('.message .text', { hasText: /^Question 1$/ })).toHaveCount(1);
  await expect(list.locator('.message .text', { hasText: /^Question 20$/ })).toHaveCount(1);
  await expect(list.locator('.message')).toHaveCount(71);
  await staff.context().close();
});
