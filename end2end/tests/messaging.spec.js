// Staff and a client talk in real time, each in their own browser.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER, WORKSPACE } from './support/parlor.js';
import { signIn, signInOn } from './support/people.js';

const parlor = serverForThisFile();

const conversation = (page) => page.getByRole('list', { name: 'Messages' });

test('staff and a client message each other live', async ({ browser }) => {
  const ann = await parlor.activeClient('Ann', 'Archer');
  const staff = await signIn(browser, parlor, OWNER);
  const client = await signIn(browser, parlor, ann);

  // The client finds their channel, titled with the workspace, and the welcome message.
  await client.getByRole('link', { name: new RegExp(WORKSPACE) }).click();
  await expect(conversation(client).getByText(`Welcome`, { exact: false })).toBeVisible();

  // Staff opens Ann's channel and sends with Enter.
  await staff.getByRole('link', { name: /Ann Archer/ }).click();
  const box = staff.getByRole('textbox', { name: 'Message' });
  await box.fill('Hello Ann, your return is ready.');
  await box.press('Enter');
  await expect(conversation(staff).getByText('Hello Ann, your return is ready.')).toBeVisible();

  // The client sees it without reloading, and replies with the Send button.
  await expect(conversation(client).getByText('Hello Ann, your return is ready.')).toBeVisible();
  await client.getByRole('textbox', { name: 'Message' }).fill('Thank you!\nI will sign today.');
  await client.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(conversation(staff).getByText('I will sign today.', { exact: false })).toBeVisible();

  // Every line appears once, on both sides.
  await expect(conversation(staff).locator('.message', { hasText: 'Hello Ann' })).toHaveCount(1);
  await expect(conversation(client).locator('.message', { hasText: 'Hello Ann' })).toHaveCount(1);
  await expect(conversation(client).locator('.message', { hasText: 'Thank you!' })).toHaveCount(1);

  await staff.screenshot({ path: 'screenshots/conversation-desktop.png' });
  await staff.context().close();
  await client.context().close();
});

test('a message in another channel shows as unread until opened', async ({ browser }) => {
  const bob = await parlor.activeClient('Bob', 'Baker');
  const staff = await signIn(browser, parlor, OWNER);
  const client = await signIn(browser, parlor, bob);
  await client.getByRole('link', { name: new RegExp(WORKSPACE) }).click();
  await client.getByRole('textbox', { name: 'Message' }).fill('Is anyone there?');
  await client.getByRole('textbox', { name: 'Message' }).press('Enter');

  const bobsChannel = staff.getByRole('link', { name: /Bob Baker/ });
  await expect(bobsChannel.getByLabel('1 unread')).toBeVisible();
  await expect(staff.getByRole('navigation', { name: 'Main' }).getByLabel(/unread/)).toHaveText('1');
  await expect(bobsChannel).toContainText('Is anyone there?');

  await bobsChannel.click();
  await expect(conversation(staff).getByText('Is anyone there?')).toBeVisible();
  await expect(bobsChannel.getByLabel(/unread/)).toHaveCount(0);
  await staff.context().close();
  await client.context().close();
});

test('the phone layout shows one column at a time', async ({ browser }) => {
  await parlor.activeClient('Cara', 'Cole');
  const phone = await signIn(browser, parlor, OWNER, { width: 360, height: 740 });
  await expect(phone.getByRole('region', { name: 'Channels' })).toBeVisible();
  await phone.screenshot({ path: 'screenshots/channels-phone.png' });
  await phone.getByRole('link', { name: /Cara Cole/ }).click();
  await expect(phone.getByRole('region', { name: 'Channels' })).toBeHidden();
  await expect(phone.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await phone.screenshot({ path: 'screenshots/conversation-phone.png' });
  await phone.context().close();
});

const channelOf = async (client) =>
  (await parlor.api('GET', `/v1/message-channels?clientId=${client.id}`)).data[0].id;

test('what is said while a page is still loading shows once it runs', async ({ browser }) => {
  const dan = await parlor.activeClient('Dan', 'Dale');
  const eve = await parlor.activeClient('Eve', 'Earl');
  const [dans, eves] = [await channelOf(dan), await channelOf(eve)];
  // No service worker: it would serve the app's code from its cache.
  const context = await browser.newContext({ baseURL: parlor.url, serviceWorkers: 'block' });
  const staff = await context.newPage();
  await signInOn(staff, OWNER);

  // A link to Dan's conversation, opened on a slow connection: the page
  // is there, its code is not yet, while both clients write.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await staff.route(/\/pkg\/.+\.wasm$/, async (route) => { await held; await route.continue(); });
  await staff.goto(`/messages/${dans}`, { waitUntil: 'commit' });
  await expect(conversation(staff).getByText('Welcome', { exact: false })).toBeVisible();
  await parlor.api('POST', '/v1/messages', { channelId: dans, senderId: dan.id, text: 'Sent while your page loaded' });
  await parlor.api('POST', '/v1/messages', { channelId: eves, senderId: eve.id, text: 'Eve writes meanwhile' });
  await expect(staff.locator('body[data-hydrated]')).not.toBeAttached();
  release();
  await expect(staff.locator('body[data-hydrated]')).toBeAttached();

  await expect(conversation(staff).getByText('Sent while your page loaded')).toBeVisible();
  await expect(conversation(staff).locator('.message', { hasText: 'Sent while your page loaded' })).toHaveCount(1);
  const evesChannel = staff.getByRole('link', { name: /Eve Earl/ });
  await expect(evesChannel).toContainText('Eve writes meanwhile');
  await expect(evesChannel.getByLabel('1 unread')).toBeVisible();

  // And what is said afterwards still arrives live, once.
  await parlor.api('POST', '/v1/messages', { channelId: dans, senderId: dan.id, text: 'And now live' });
  await expect(conversation(staff).locator('.message', { hasText: 'And now live' })).toHaveCount(1);
  await staff.context().close();
});

test('a message sent while a conversation is opening is not lost', async ({ browser }) => {
  const fay = await parlor.activeClient('Fay', 'Ford');
  const gus = await parlor.activeClient('Gus', 'Gray');
  const [fays, guss] = [await channelOf(fay), await channelOf(gus)];
  const staff = await signIn(browser, parlor, OWNER);
  const faysChannel = staff.getByRole('link', { name: /Fay Ford/ });

  // Fay writes after the server has read the conversation and before the
  // page has it, and Gus after her: the socket tells the page of both
  // (its channel list shows them) before the conversation arrives.
  await staff.route('**/api/open_conversation*', async (route) => {
    const response = await route.fetch();
    await parlor.api('POST', '/v1/messages', { channelId: fays, senderId: fay.id, text: 'Written as it opened' });
    await parlor.api('POST', '/v1/messages', { channelId: guss, senderId: gus.id, text: 'Gus elsewhere' });
    await expect(faysChannel).toContainText('Written as it opened');
    await expect(staff.getByRole('link', { name: /Gus Gray/ })).toContainText('Gus elsewhere');
    await route.fulfill({ response });
  }, { times: 1 });
  await faysChannel.click();

  await expect(conversation(staff).getByText('Written as it opened')).toBeVisible();
  await expect(conversation(staff).locator('.message', { hasText: 'Written as it opened' })).toHaveCount(1);
  await expect(conversation(staff).locator('.message', { hasText: 'Welcome' })).toHaveCount(1);
  await staff.context().close();
});
