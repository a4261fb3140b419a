// Notifications: the notification centre and the unread counts (sidebar,
// tab title, tab icon) follow what clients write, live; desktop
// notifications pop up while the tab is hidden; the link in an unread
// e-mail opens its conversation after signing in.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER, WORKSPACE } from './support/parlor.js';
import { startMailSink } from './support/mail.js';
import { signIn } from './support/people.js';

let mail;
test.beforeAll(async () => {
  mail = await startMailSink();
});
test.afterAll(async () => {
  await mail?.stop();
});
const parlor = serverForThisFile(() => ({
  args: ['--smtp-host', '127.0.0.1', '--smtp-port', String(mail.port), '--smtp-tls', 'none',
    // Short enough for a test, long enough that a busy machine's browser has
    // marked an open conversation read before its messages are due.
    '--email-delay-secs', '3'],
}));

const nav = (page) => page.getByRole('navigation', { name: 'Main' });
const notificationsLink = (page) => nav(page).getByRole('link', { name: /Notifications/ });

async function channelOf(client) {
  const { data } = await parlor.api('GET', `/v1/message-channels?clientId=${client.id}`);
  return data[0].id;
}

/** A message from the client, sent by the workspace's integration on their behalf. */
async function clientWrites(client, channelId, text) {
  return parlor.api('POST', '/v1/messages', { channelId, text, senderId: client.id });
}

async function ownerId() {
  const { data } = await parlor.api('GET', '/v1/internal-users');
  return data.find((u) => u.email === OWNER.email).id;
}

async function iconHref(page) {
  return decodeURIComponent(await page.evaluate(() => document.querySelector("link[rel='icon']").href));
}

test('the notification centre and the unread counts follow client messages live', async ({ browser }) => {
  const ann = await parlor.activeClient('Ann', 'Archer');
  const channel = await channelOf(ann);
  const staff = await signIn(browser, parlor, OWNER);
  await notificationsLink(staff).click();
  await expect(staff.getByRole('heading', { name: 'Notifications', exact: true })).toBeVisible();
  const entries = staff.getByRole('list', { name: 'Client messages' });
  await expect(staff.getByText('No client has written yet.')).toBeVisible();
  await expect(staff).toHaveTitle(`Notifications · ${WORKSPACE}`);

  // Ann writes: her conversation appears, counted everywhere, without a reload.
  await clientWrites(ann, channel, 'Could you check my invoice?');
  const annEntry = entries.getByRole('listitem', { name: 'Ann Archer' });
  await expect(annEntry).toContainText('1 unread from clients');
  await expect(annEntry).toContainText('Ann Archer: Could you check my invoice?');
  await expect(notificationsLink(staff).getByLabel('1 waiting')).toHaveText('1');
  await expect(nav(staff).getByLabel(/unread/)).toHaveText('1');
  await expect(staff).toHaveTitle(`(1) Notifications · ${WORKSPACE}`);
  expect(await iconHref(staff)).toContain('>1</text>');

  await clientWrites(ann, channel, 'It is number 2041.');
  await expect(annEntry).toContainText('2 unread from clients');
  await expect(annEntry).toContainText('It is number 2041.');
  await expect(staff).toHaveTitle(`(2) Notifications · ${WORKSPACE}`);
  expect(await iconHref(staff)).toContain('>2</text>');

  // Mark read, then unread again.
  await annEntry.getByRole('button', { name: 'Mark read' }).click();
  await expect(annEntry).toContainText('Read');
  await expect(notificationsLink(staff).getByLabel(/waiting/)).toHaveCount(0);
  await expect(staff).toHaveTitle(`Notifications · ${WORKSPACE}`);
  expect(await iconHref(staff)).not.toContain('<circle');
  await annEntry.getByRole('button', { name: 'Mark unread' }).click();
  await expect(annEntry).toContainText('1 unread from clients');
  await expect(notificationsLink(staff).getByLabel('1 waiting')).toHaveText('1');
  await expect(staff).toHaveTitle(`(1) Notifications · ${WORKSPACE}`);

  // An integration's notification arrives live too, and can be read and deleted.
  await parlor.api('POST', '/v1/notifications', {
    senderId: ann.id,
    recipientInternalUserId: await ownerId(),
    deliveryTargets: { inProduct: { title: 'Invoice 2041 paid', body: 'Ann Archer paid $1,200.' } },
  });
  const updates = staff.getByRole('list', { name: 'Updates' });
  const paid = updates.getByRole('listitem', { name: 'Invoice 2041 paid' });
  await expect(paid).toContainText('Ann Archer paid $1,200.');
  await expect(notificationsLink(staff).getByLabel('2 waiting')).toHaveText('2');
  await paid.getByRole('button', { name: 'Mark read' }).click();
  await expect(notificationsLink(staff).getByLabel('1 waiting')).toHaveText('1');
  await paid.getByRole('button', { name: 'Delete' }).click();
  await expect(updates).toHaveCount(0);
  const left = await parlor.api('GET', `/v1/notifications?recipientInternalUserId=${await ownerId()}&includeRead=true`);
  expect(left.data).toHaveLength(0);

  // The entry opens the conversation, which reads it.
  await annEntry.getByRole('link').click();
  await expect(staff).toHaveURL(new RegExp(`/messages/${channel}$`));
  await expect(staff.getByRole('list', { name: 'Messages' }).getByText('It is number 2041.')).toBeVisible();
  await expect(staff).toHaveTitle(`Ann Archer · ${WORKSPACE}`);
  await staff.screenshot({ path: 'screenshots/conversation-after-notification.png' });
  await staff.context().close();
});

test('clients get the notification page without the staff part', async ({ browser }) => {
  const bea = await parlor.activeClient('Bea', 'Brook');
  const client = await signIn(browser, parlor, bea);
  await notificationsLink(client).click();
  await expect(client.getByRole('heading', { name: 'Notifications', exact: true })).toBeVisible();
  await expect(client.getByRole('group', { name: 'E-mail me about unread messages' })).toBeVisible();
  await expect(client.getByText('Client messages')).toHaveCount(0);
  await client.context().close();
});

test('desktop notifications, once turned on, pop up only while the tab is hidden', async ({ browser }) => {
  const cid = await parlor.activeClient('Cid', 'Cole');
  const channel = await channelOf(cid);
  const staff = await signIn(browser, parlor, OWNER);
  await staff.context().grantPermissions(['notifications'], { origin: parlor.url });
  // Watch the browser's own Notification constructor (it still runs).
  await staff.evaluate(() => {
    const Real = window.Notification;
    window.shown = [];
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.shown.push({ title, body: options?.body, tag: options?.tag });
      }
      static get permission() { return Real.permission; }
      static requestPermission(...args) { return Real.requestPermission(...args); }
    };
  });
  await notificationsLink(staff).click();
  await staff.getByRole('button', { name: 'Turn on desktop notifications' }).click();
  await expect(staff.getByRole('button', { name: 'Turn off desktop notifications' })).toBeVisible();

  // While the tab is in sight, nothing pops up.
  await clientWrites(cid, channel, 'Seen in the tab');
  await expect(staff.getByRole('list', { name: 'Client messages' })).toContainText('Seen in the tab');
  expect(await staff.evaluate(() => window.shown)).toEqual([]);

  // Hidden: the message pops up, titled with its conversation.
  await staff.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await clientWrites(cid, channel, 'Are you there?');
  await expect.poll(() => staff.evaluate(() => window.shown)).toEqual([
    { title: 'Cid Cole', body: 'Are you there?', tag: channel },
  ]);

  // Turned off, nothing more.
  await staff.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
  });
  await staff.getByRole('button', { name: 'Turn off desktop notifications' }).click();
  await staff.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  });
  await clientWrites(cid, channel, 'Hello again');
  await expect(staff.getByRole('list', { name: 'Client messages' })).toContainText('Hello again');
  expect(await staff.evaluate(() => window.shown.length)).toBe(1);
  await staff.context().close();
});

test('the link in an unread-message e-mail opens the conversation after signing in', async ({ browser }) => {
  // A client invited by e-mail, who set a password and then left.
  const dee = await parlor.activeClient('Dee', 'Dale');
  const channel = await channelOf(dee);
  await parlor.api('POST', '/v1/messages', { channelId: channel, text: 'Your documents are ready to sign.' });

  let email;
  await expect.poll(async () => {
    [email] = (await mail.messagesTo(dee.email)).filter((m) => m.includes('unread message'));
    return Boolean(email);
  }, { timeout: 15_000 }).toBe(true);
  const link = email.match(/https?:\/\/[^\s"<>]+\/messages\/[A-Za-z0-9_-]+/)[0];
  expect(link).toBe(`${parlor.url}/messages/${channel}`);

  const context = await browser.newContext({ baseURL: parlor.url });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('E-mail').fill(dee.email);
  await page.getByLabel('Password').fill(dee.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/messages/${channel}$`));
  await expect(page.getByRole('list', { name: 'Messages' }).getByText('Your documents are ready to sign.')).toBeVisible();
  await context.close();
});

test('the link in an unread-message e-mail opens a live conversation for someone signed in', async ({ browser }) => {
  const ida = await parlor.activeClient('Ida', 'Irving');
  const channel = await channelOf(ida);
  // Signed in, but elsewhere in the app: the message goes unread and is e-mailed.
  const page = await signIn(browser, parlor, ida);
  await notificationsLink(page).click();
  await expect(page.getByRole('heading', { name: 'Notifications', exact: true })).toBeVisible();
  await parlor.api('POST', '/v1/messages', { channelId: channel, text: 'Please sign page 4.' });
  let email;
  await expect.poll(async () => {
    [email] = (await mail.messagesTo(ida.email)).filter((m) => m.includes('unread message'));
    return Boolean(email);
  }, { timeout: 15_000 }).toBe(true);
  const link = email.match(/https?:\/\/[^\s"<>]+\/messages\/[A-Za-z0-9_-]+/)[0];

  // Clicked in the mail program: a new tab on that page, with the session.
  const tab = await page.context().newPage();
  const answer = await tab.goto(link);
  expect(answer.status()).toBe(200);
  await expect(tab.locator('body[data-hydrated]')).toBeAttached();
  await expect(tab.getByRole('list', { name: 'Messages' }).getByText('Please sign page 4.')).toBeVisible();
  await tab.getByRole('textbox', { name: 'Message' }).fill('Signed, thank you');
  await tab.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect.poll(async () => (await parlor.api('GET', `/v1/messages?channelId=${channel}`)).data.map((m) => m.text))
    .toContain('Signed, thank you');
  await expect(tab.locator('.message', { hasText: 'Signed, thank you' }).getByText('Sending…')).toHaveCount(0);
  expect(parlor.panics()).toEqual([]);
  await page.context().close();
});

test('each person chooses how often unread messages are e-mailed', async ({ browser }) => {
  const eve = await parlor.activeClient('Eve', 'Egan');
  const client = await signIn(browser, parlor, eve);
  await notificationsLink(client).click();
  const choice = client.getByRole('group', { name: 'E-mail me about unread messages' });
  await expect(choice.getByLabel('In one summary per conversation')).toBeChecked();
  await choice.getByLabel('Never').check();
  await expect(client.getByRole('status')).toHaveText('Saved.');
  await client.reload();
  await expect(client.getByRole('group', { name: 'E-mail me about unread messages' }).getByLabel('Never')).toBeChecked();

  // Never means never: a message left unread brings no e-mail.
  const channel = await channelOf(eve);
  await client.context().close();
  await parlor.api('POST', '/v1/messages', { channelId: channel, text: 'Nothing to e-mail' });
  // The premise: someone who did not opt out is e-mailed about the same kind of message.
  const fay = await parlor.activeClient('Fay', 'Ford');
  await parlor.api('POST', '/v1/messages', { channelId: await channelOf(fay), text: 'To be e-mailed' });
  await expect.poll(async () => (await mail.messagesTo(fay.email)).filter((m) => m.includes('unread message')).length,
    { timeout: 15_000 }).toBe(1);
  expect((await mail.messagesTo(eve.email)).filter((m) => m.includes('unread message'))).toEqual([]);
});

test('no e-mail about a conversation the recipient has open', async ({ browser }) => {
  const gil = await parlor.activeClient('Gil', 'Grant');
  const hal = await parlor.activeClient('Hal', 'Hart');
  const [gilChannel, halChannel] = [await channelOf(gil), await channelOf(hal)];
  const staff = await signIn(browser, parlor, OWNER);
  await staff.getByRole('link', { name: /Gil Grant/ }).click();
  // Open: the conversation is on screen before Gil writes.
  await expect(staff.getByRole('list', { name: 'Messages' }).getByText('Welcome', { exact: false })).toBeVisible();
  await clientWrites(gil, gilChannel, 'While you are looking');
  await expect(staff.getByRole('list', { name: 'Messages' }).getByText('While you are looking')).toBeVisible();

  // The premise: a message in a conversation the owner does not have open is e-mailed.
  await clientWrites(hal, halChannel, 'Elsewhere');
  const about = async (channel) => (await mail.messagesTo(OWNER.email))
    .filter((m) => m.includes(`/messages/${channel}`));
  await expect.poll(async () => (await about(halChannel)).length, { timeout: 15_000 }).toBe(1);
  expect(await about(gilChannel)).toEqual([]);
  await staff.context().close();
});
