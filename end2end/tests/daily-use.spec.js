// A conversation as people use it every day: long threads that open where
// reading continues, reloads, times and names, links, the author's menu,
// the keyboard, a phone, and the network dropping out.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER, WORKSPACE } from './support/parlor.js';
import { signIn, signInOn } from './support/people.js';

const parlor = serverForThisFile();

const messages = (page) => page.getByRole('list', { name: 'Messages' });
const box = (page) => page.getByRole('textbox', { name: 'Message' });

async function channelOf(client) {
  const { data } = await parlor.api('GET', `/v1/message-channels?clientId=${client.id}`);
  return data[0].id;
}

/** `count` numbered messages, alternating between the client and the team. */
async function longThread(client, channelId, count, prefix = 'Line') {
  for (let i = 1; i <= count; i++) {
    const senderId = i % 3 === 0 ? undefined : client.id;
    await parlor.api('POST', '/v1/messages', { channelId, text: `${prefix} ${i} of ${count}`, ...(senderId && { senderId }) });
  }
}

/** Sends with Enter and waits for the server's acknowledgement; `shown` is the rendered text. */
async function send(page, text, shown = text) {
  await box(page).fill(text);
  await box(page).press('Enter');
  const line = messages(page).locator('.message', { hasText: shown });
  await expect(line).toHaveCount(1);
  await expect(line.getByText('Sending…')).toHaveCount(0);
}

for (const [device, viewport] of Object.entries({ desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } })) {
  test(`a 60-message thread opens at the newest message with the composer in view (${device})`, async ({ browser }) => {
    const client = await parlor.activeClient('Lola', `Long ${device}`);
    const channel = await channelOf(client);
    await longThread(client, channel, 60);
    // The team has read it all: no "new messages" line to open at.
    await parlor.api('POST', `/v1/message-channels/${channel}/read`);
    const page = await signIn(browser, parlor, OWNER, viewport);
    await page.goto(`/messages/${channel}`);
    await expect(page.locator('body[data-hydrated]')).toBeAttached();

    await expect(messages(page).getByText('Line 60 of 60')).toBeInViewport();
    await expect(box(page)).toBeInViewport();
    await expect(page.getByRole('heading', { name: `Lola Long ${device}` })).toBeInViewport();
    await expect(page).toHaveTitle(`Lola Long ${device} · ${WORKSPACE}`);
    // Only the message list scrolls: the window itself never does.
    expect(await page.evaluate(() => document.scrollingElement.scrollHeight - window.innerHeight)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `screenshots/long-conversation-${device}.png` });

    // Scrolling up loads older history without moving what is on screen.
    const log = page.getByRole('log', { name: 'Conversation history' });
    const anchor = messages(page).locator('.message', { hasText: 'Line 11 of 60' });
    // Older history arrives a moment after the scroll, as on a real network.
    await page.route('**/api/older_messages**', async (route) => {
      await new Promise((r) => setTimeout(r, 400));
      await route.continue();
    });
    await log.evaluate((el) => { el.scrollTop = 0; });
    const before = await anchor.boundingBox();
    await expect(messages(page).getByText('Line 1 of 60', { exact: true })).toBeAttached();
    const after = await anchor.boundingBox();
    expect(Math.abs(after.y - before.y), 'the view jumped when older messages loaded').toBeLessThan(4);
    await expect(box(page)).toBeInViewport();

    // Reading above: a new message shows a pill instead of pulling the view down.
    await parlor.api('POST', '/v1/messages', { channelId: channel, senderId: client.id, text: 'Are you there?' });
    const pill = page.getByRole('button', { name: 'New messages ↓' });
    await expect(pill).toBeVisible();
    await expect(messages(page).getByText('Are you there?')).not.toBeInViewport();
    await pill.click();
    await expect(messages(page).getByText('Are you there?')).toBeInViewport();
    await expect(pill).toHaveCount(0);
    // At the bottom, the next one stays in view by itself.
    await parlor.api('POST', '/v1/messages', { channelId: channel, senderId: client.id, text: 'Hello again' });
    await expect(messages(page).getByText('Hello again')).toBeInViewport();
    await expect(pill).toHaveCount(0);
    await page.context().close();
  });
}

test('a conversation with unread messages opens at the "New messages" line', async ({ browser }) => {
  const client = await parlor.activeClient('Nell', 'New');
  const channel = await channelOf(client);
  await longThread(client, channel, 30, 'Read');
  await parlor.api('POST', `/v1/message-channels/${channel}/read`);
  for (let i = 1; i <= 45; i++) {
    await parlor.api('POST', '/v1/messages', { channelId: channel, senderId: client.id, text: `Unread ${i}` });
  }
  const page = await signIn(browser, parlor, OWNER);
  await page.getByRole('link', { name: /Nell New/ }).click();
  await expect(page.getByRole('separator', { name: 'New messages' })).toBeInViewport();
  await expect(messages(page).getByText('Unread 1', { exact: true })).toBeInViewport();
  await expect(messages(page).getByText('Unread 45', { exact: true })).not.toBeInViewport();
  // The conversation has the keyboard: typing goes to the composer.
  await expect(box(page)).toBeFocused();
  await page.context().close();
});

test('reloading mid-conversation, then sending, works', async ({ browser }) => {
  const client = await parlor.activeClient('Rhea', 'Reload');
  const channel = await channelOf(client);
  const page = await signIn(browser, parlor, OWNER);
  await page.getByRole('link', { name: /Rhea Reload/ }).click();
  await send(page, 'Before the reload');
  await page.reload();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(messages(page).getByText('Before the reload')).toBeVisible();
  await send(page, 'After the reload');
  await page.getByRole('button', { name: 'Send', exact: true }).isEnabled();
  const texts = (await parlor.api('GET', `/v1/messages?channelId=${channel}`)).data.map((m) => m.text);
  expect(texts.filter((t) => t === 'After the reload')).toHaveLength(1);
  await expect(messages(page).locator('.message', { hasText: 'After the reload' })).toHaveCount(1);
  await page.context().close();
});

test('messages show their time, group by person, and render links, lines, lists and quotes', async ({ browser }) => {
  const client = await parlor.activeClient('Tess', 'Time');
  const channel = await channelOf(client);
  for (const text of ['First from Tess', 'Second from Tess', 'Third from Tess']) {
    await parlor.api('POST', '/v1/messages', { channelId: channel, senderId: client.id, text });
  }
  // Read in Kolkata, five and a half hours ahead of UTC.
  const context = await browser.newContext({ baseURL: parlor.url, timezoneId: 'Asia/Kolkata', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signInOn(page, OWNER);
  await page.getByRole('link', { name: /Tess Time/ }).click();

  const lines = messages(page).locator('.message');
  const first = lines.filter({ hasText: 'First from Tess' });
  const second = lines.filter({ hasText: 'Second from Tess' });
  await expect(first.locator('.sender')).toHaveText('Tess Time');
  await expect(second.locator('.sender')).toHaveCount(0);
  await expect(lines.filter({ hasText: 'Third from Tess' }).locator('.sender')).toHaveCount(0);

  // The time is the reader's local time, with the full date on hover.
  const sent = (await parlor.api('GET', `/v1/messages?channelId=${channel}`)).data.find((m) => m.text === 'First from Tess');
  const local = new Date(Date.parse(sent.createdAt) + 330 * 60_000);
  const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  const time = first.locator('time');
  await expect(time).toHaveText(hhmm);
  await expect(time).toHaveAttribute('title', new RegExp(`^\\w+day \\d{1,2} \\w+ ${local.getUTCFullYear()}, ${hhmm}$`));
  await expect(second.locator('time')).toHaveAttribute('datetime', /Z$/);

  // One's own message breaks the group and starts with a name again.
  await send(page, 'Line one\nsee https://example.com/docs?id=7 please', 'Line one');
  const mine = lines.filter({ hasText: 'Line one' });
  await expect(mine.locator('.sender')).toHaveCount(1);
  const link = mine.getByRole('link', { name: 'https://example.com/docs?id=7' });
  await expect(link).toHaveAttribute('href', 'https://example.com/docs?id=7');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(mine.locator('.text br')).toHaveCount(1);

  // Shift+Enter starts a new line; lists and quotes render without gaps.
  await box(page).fill('- one');
  await box(page).press('Shift+Enter');
  await box(page).pressSequentially('- two');
  await box(page).press('Enter');
  const list = lines.filter({ has: page.locator('.text ul') }).locator('.text ul');
  await expect(list.locator('li')).toHaveCount(2);
  const listHeight = (await list.boundingBox()).height;
  const lineHeight = (await mine.locator('.text p').first().boundingBox()).height / 2;
  expect(listHeight, 'a two-item list is two lines tall').toBeLessThan(lineHeight * 3);
  await send(page, '> quoted words', 'quoted words');
  const quote = lines.filter({ hasText: 'quoted words' }).locator('blockquote');
  await expect(quote).toBeVisible();
  expect(await quote.evaluate((el) => getComputedStyle(el).borderLeftStyle)).toBe('solid');
  await page.screenshot({ path: 'screenshots/times-and-grouping-desktop.png' });
  await context.close();
});

test('the author edits and deletes from the message menu, and the channel list follows', async ({ browser }) => {
  const client = await parlor.activeClient('Mia', 'Menu');
  const staff = await signIn(browser, parlor, OWNER);
  const other = await signIn(browser, parlor, client);
  await staff.getByRole('link', { name: /Mia Menu/ }).click();
  await send(staff, 'Invoice **attached**', 'Invoice attached');
  const entry = other.getByRole('link', { name: new RegExp(WORKSPACE) });
  await expect(entry).toContainText('Invoice attached');

  const line = messages(staff).locator('.message', { hasText: 'Invoice attached' });
  await line.hover();
  await line.getByRole('button', { name: 'Message actions' }).click();
  await staff.getByRole('menuitem', { name: 'Edit' }).click();
  await staff.getByRole('textbox', { name: 'Edit message text' }).fill('Invoice corrected');
  await staff.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(entry).toContainText('Invoice corrected');

  // Delete asks first; Cancel keeps the message.
  const corrected = messages(staff).locator('.message', { hasText: 'Invoice corrected' });
  await corrected.hover();
  await corrected.getByRole('button', { name: 'Message actions' }).click();
  await staff.getByRole('menuitem', { name: 'Delete' }).click();
  const ask = staff.getByRole('alertdialog', { name: 'Delete this message?' });
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(corrected).toBeVisible();
  await corrected.hover();
  await corrected.getByRole('button', { name: 'Message actions' }).click();
  await staff.getByRole('menuitem', { name: 'Delete' }).click();
  await ask.getByRole('button', { name: 'Delete' }).click();
  await expect(messages(other)).toContainText('This message was deleted.');
  await expect(entry).toContainText('This message was deleted.');
  await staff.context().close();
  await other.context().close();
});

test('a message written offline is sent when the network is back, once', async ({ browser }) => {
  const client = await parlor.activeClient('Otto', 'Offline');
  const channel = await channelOf(client);
  const page = await signIn(browser, parlor, OWNER);
  await page.getByRole('link', { name: /Otto Offline/ }).click();
  await expect(box(page)).toBeVisible();
  await page.context().setOffline(true);
  await box(page).fill('Written on the train');
  await box(page).press('Enter');
  const line = messages(page).locator('.message', { hasText: 'Written on the train' });
  await expect(line.getByRole('status')).toHaveText('You are offline — the message will be sent when you are back.');
  await expect(page.locator('body')).not.toContainText('server function');
  await page.context().setOffline(false);
  await expect(line.getByRole('status')).toHaveCount(0, { timeout: 15_000 });
  await expect(line.getByText('Sending…')).toHaveCount(0);
  const texts = (await parlor.api('GET', `/v1/messages?channelId=${channel}`)).data.map((m) => m.text);
  expect(texts.filter((t) => t === 'Written on the train')).toHaveLength(1);
  await page.context().close();
});

test('the + menu works from the keyboard', async ({ browser }) => {
  const page = await signIn(browser, parlor, OWNER);
  const plus = page.getByRole('button', { name: 'New' }).or(page.locator('summary[aria-label="New"]'));
  await plus.focus();
  await page.keyboard.press('Enter');
  const first = page.getByRole('menuitem', { name: 'New conversation' });
  const second = page.getByRole('menuitem', { name: 'New mass message' });
  await page.keyboard.press('ArrowDown');
  await expect(first).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(second).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(first).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(first).toBeHidden();
  await expect(plus).toBeFocused();
  // Open again and choose with Enter.
  await page.keyboard.press('ArrowDown');
  await expect(first).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'New conversation' })).toBeVisible();
  await page.context().close();
});

test('a client\'s first sign-in lands in the conversation holding their welcome message', async ({ browser }) => {
  const acme = await parlor.api('POST', '/v1/companies', { name: 'Acme Landing' });
  const friend = await parlor.activeClient('Finn', 'Friend', { companyId: acme.id });
  const zoe = await parlor.invitedClient('Zoe', 'Zed', { companyId: acme.id });
  // A second and a third conversation before she ever signs in.
  await parlor.api('POST', '/v1/message-channels', { membershipType: 'group', memberIds: [zoe.id, friend.id] });
  await parlor.api('POST', '/v1/message-channels', { membershipType: 'company', companyId: acme.id });
  const { data } = await parlor.api('GET', `/v1/message-channels?memberId=${zoe.id}`);
  expect(data.length, 'the premise: several conversations').toBeGreaterThan(1);

  const page = await (await browser.newContext({ baseURL: parlor.url })).newPage();
  await page.goto(zoe.inviteUrl);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('Password').fill('zoe password 1');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page).toHaveURL(/\/messages\/.+/);
  await expect(messages(page).locator('.message').first()).toContainText(`Welcome to ${WORKSPACE}`);
  await page.context().close();
});

test('after a mass message is sent, the form is empty again', async ({ browser }) => {
  const one = await parlor.activeClient('Mo', 'Mass');
  const page = await signIn(browser, parlor, OWNER);
  await page.goto('/new/mass-message');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByRole('searchbox', { name: 'Find clients' }).fill('Mo Mass');
  await page.getByRole('checkbox', { name: /Mo Mass/ }).check();
  await page.getByRole('textbox', { name: 'Message' }).fill('Office closed on Friday');
  await page.getByRole('button', { name: 'Send to 1 clients' }).click();
  await expect(page.getByRole('status')).toHaveText('Sent to 1 client.');
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  await expect(page.getByRole('checkbox', { name: /Mo Mass/ })).not.toBeChecked();
  await expect(page.getByRole('button', { name: /Send to 0 clients/ })).toBeDisabled();
  const received = (await parlor.api('GET', `/v1/messages?channelId=${await channelOf(one)}`)).data.map((m) => m.text);
  expect(received.filter((t) => t === 'Office closed on Friday')).toHaveLength(1);
  await page.context().close();
});

test('on a phone the composer fits, the top bar is one line, and a conversation has a way back', async ({ browser }) => {
  await parlor.activeClient('Pia', 'Phone');
  const page = await signIn(browser, parlor, OWNER, { width: 360, height: 740 });
  const bar = page.getByRole('navigation', { name: 'Main' });
  const link = bar.getByRole('link', { name: /^Messages/ });
  const barBox = await bar.boundingBox();
  expect(barBox.height, 'the top bar is one line').toBeLessThan((await link.boundingBox()).height * 1.8);
  await page.getByRole('link', { name: /Pia Phone/ }).click();
  const send = page.getByRole('button', { name: 'Send', exact: true });
  const attach = page.getByRole('button', { name: 'Attach files' });
  await expect(send).toBeInViewport({ ratio: 1 });
  await expect(attach).toBeInViewport({ ratio: 1 });
  expect((await attach.boundingBox()).width, 'the files button is an icon').toBeLessThanOrEqual(48);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'screenshots/composer-phone.png' });
  await page.getByRole('link', { name: 'Back to conversations' }).click();
  await expect(page.getByRole('link', { name: /Pia Phone/ })).toBeVisible();
  await expect(page.getByRole('main')).toHaveCount(1);
  await page.context().close();
});
