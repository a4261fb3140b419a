// Sign-ins the server ends: a page open when someone's session ends
// elsewhere takes them to the sign-in page, and back to where they were;
// with or without JavaScript.

import { test, expect } from '@playwright/test';
import { serverForThisFile } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

/** Opens `path` on `page` and waits until its realtime socket is live. */
async function openLive(page, path) {
  const socket = page.waitForEvent('websocket', (ws) => ws.url().includes('/v1/realtime'));
  await page.goto(path);
  const ws = await socket;
  await ws.waitForEvent('framereceived', { predicate: (f) => String(f.payload).includes('"ready"') });
  return ws;
}

test('a conversation whose sign-in ended elsewhere asks to sign in again and comes back to it', async ({ browser }) => {
  const ann = await parlor.activeClient('Ann', 'Archer');
  const [channel] = (await parlor.api('GET', `/v1/message-channels?memberId=${ann.id}`)).data;
  const sam = await parlor.staffMember('Sam', 'Signer');
  const here = await signIn(browser, parlor, sam);
  const conversation = `/messages/${channel.id}`;
  const socket = await openLive(here, conversation);
  await expect(here.getByRole('heading', { name: 'Ann Archer' })).toBeVisible();
  const closed = socket.waitForEvent('close');

  // Signing out ends only the session it is made in; a new password ends
  // every other one, and so the page's socket.
  const elsewhere = await signIn(browser, parlor, sam);
  await elsewhere.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await elsewhere.getByLabel('Current password').fill(sam.password);
  await elsewhere.getByLabel('New password').fill('sam new password');
  await elsewhere.getByRole('button', { name: 'Change password' }).click();
  await expect(elsewhere.getByRole('status')).toContainText('Password changed');

  // The server closes the socket within seconds (it checks every 3); the
  // page then asks to sign in instead of reconnecting with a dead session.
  await closed;
  await expect(here).toHaveURL(`${parlor.url}/sign-in?next=${conversation}`, { timeout: 15_000 });
  await expect(here.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(here.locator('body[data-hydrated]')).toBeAttached();
  await here.getByLabel('E-mail').fill(sam.email);
  await here.getByLabel('Password').fill('sam new password');
  await here.getByRole('button', { name: 'Sign in' }).click();
  await expect(here).toHaveURL(`${parlor.url}${conversation}`);
  await expect(here.getByRole('heading', { name: 'Ann Archer' })).toBeVisible();
  await here.context().close();
  await elsewhere.context().close();
});

test('a socket closed for any other reason reconnects, and the conversation stays live', async ({ browser }) => {
  const bea = await parlor.activeClient('Bea', 'Brook');
  const [channel] = (await parlor.api('GET', `/v1/message-channels?memberId=${bea.id}`)).data;
  const page = await (await browser.newContext({ baseURL: parlor.url })).newPage();
  await page.goto('/sign-in');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('E-mail').fill(bea.email);
  await page.getByLabel('Password').fill(bea.password);
  // The real server behind every socket; the first one, once live, is
  // closed as the server closes one that fell behind (4008).
  let sockets = 0;
  await page.routeWebSocket(/\/v1\/realtime/, (socket) => {
    sockets += 1;
    const first = sockets === 1;
    const server = socket.connectToServer();
    server.onMessage((frame) => {
      socket.send(frame);
      if (first && String(frame).includes('"ready"')) socket.close({ code: 4008, reason: 'fell behind' });
    });
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${parlor.url}/messages/${channel.id}`);
  await expect.poll(() => sockets, { timeout: 15_000 }).toBeGreaterThan(1);

  await parlor.api('POST', '/v1/messages', { channelId: channel.id, text: 'Still here after the drop' });
  await expect(page.getByRole('list', { name: 'Messages' })).toContainText('Still here after the drop');
  await expect(page).toHaveURL(`${parlor.url}/messages/${channel.id}`);
  await page.context().close();
});

test('without JavaScript, a signed-out link leads to sign in, and signing in leads back to it', async ({ browser }) => {
  const cy = await parlor.activeClient('Cy', 'Cole');
  const [channel] = (await parlor.api('GET', `/v1/message-channels?memberId=${cy.id}`)).data;
  const context = await browser.newContext({ baseURL: parlor.url, javaScriptEnabled: false });
  const page = await context.newPage();
  const conversation = `/messages/${channel.id}?from=mail`;
  const first = await page.goto(conversation);
  // A real redirect: the browser asked for the conversation and got sign-in.
  expect(first.request().redirectedFrom()?.url()).toBe(`${parlor.url}${conversation}`);
  expect(await first.request().redirectedFrom().response().then((r) => r.status())).toBe(303);
  await expect(page).toHaveURL(`${parlor.url}/sign-in?next=/messages/${channel.id}?from=mail`);

  // A wrong password: back on the form, told why.
  await page.getByLabel('E-mail').fill(cy.email);
  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).not.toBeEmpty();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await page.getByLabel('E-mail').fill(cy.email);
  await page.getByLabel('Password').fill(cy.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${parlor.url}${conversation}`);
  // The conversation is rendered whole by the server, script or not.
  await expect(page.getByRole('list', { name: 'Messages' })).toBeVisible();
  // The navigation is plain links: they work without the app's script.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await expect(page).toHaveURL(`${parlor.url}/account`);
  await expect(page.getByRole('heading', { name: 'Account' })).toBeVisible();
  await context.close();
});
