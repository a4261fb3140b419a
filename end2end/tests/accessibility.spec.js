// Every main screen, at desktop and phone width, as an admin and as a
// client, passes axe-core's checks with nothing serious or critical.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn, signInOn } from './support/people.js';
import { expectAccessible } from './support/axe.js';

const parlor = serverForThisFile();

const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 740 } };

/**
 * Opens `path` once the app has hydrated, waits for `ready`, checks it, and
 * keeps a screenshot of it (screenshots/, one per screen and width, to be
 * looked at when a screen changes).
 */
async function check(page, name, path, ready) {
  await page.goto(path);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(ready(page)).toBeVisible();
  await expectAccessible(page, name);
  const file = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  await page.screenshot({ path: `screenshots/screen-${file}.png`, fullPage: true });
}

for (const [device, viewport] of Object.entries(WIDTHS)) {
  test(`the main screens are accessible on a ${device}`, async ({ browser }) => {
    // Seventeen screens, each analysed and photographed.
    test.setTimeout(300_000);
    const acme = await parlor.api('POST', '/v1/companies', { name: `Acme ${device}` });
    const client = await parlor.activeClient('Rosa', `Reyes ${device}`, { companyId: acme.id });
    const { data: [channel] } = await parlor.api('GET', `/v1/message-channels?clientId=${client.id}`);
    await parlor.api('POST', '/v1/messages', {
      channelId: channel.id, senderId: client.id, text: 'Could you look at the **Q3 figures** before Friday?',
    });
    await parlor.api('POST', '/v1/messages', {
      channelId: channel.id, text: 'Of course: see https://example.com/q3 for the draft.',
    });

    const visitor = await (await browser.newContext({ baseURL: parlor.url, viewport })).newPage();
    await check(visitor, `sign-in (${device})`, '/sign-in',
      (p) => p.getByRole('heading', { name: 'Sign in' }));
    await check(visitor, `forgot password (${device})`, '/forgot-password',
      (p) => p.getByRole('button'));
    await visitor.context().close();

    const staff = await signIn(browser, parlor, OWNER, viewport);
    const screens = [
      ['messages', '/messages', (p) => p.getByRole('link', { name: new RegExp(client.name) }).first()],
      ['conversation', `/messages/${channel.id}`, (p) => p.getByText('before Friday')],
      ['clients', '/clients', (p) => p.getByRole('heading', { name: 'Clients' })],
      ['client', `/clients/${client.id}`, (p) => p.getByRole('heading', { name: client.name })],
      ['new conversation', '/new/conversation', (p) => p.getByRole('heading', { name: 'New conversation' })],
      ['new mass message', '/new/mass-message', (p) => p.getByRole('heading', { name: 'New mass message' })],
      ['companies', '/companies', (p) => p.getByRole('heading', { name: 'Companies' })],
      ['company', `/companies/${acme.id}`, (p) => p.getByRole('heading', { name: acme.name })],
      ['team', '/team', (p) => p.getByRole('heading', { name: 'Team' })],
      ['settings', '/settings', (p) => p.getByRole('heading', { name: 'Settings' })],
      ['webhooks', '/settings/webhooks', (p) => p.getByRole('heading', { name: 'Webhooks', level: 1 })],
      ['saved replies', '/settings/saved-replies', (p) => p.getByRole('heading', { name: 'Saved replies', level: 1 })],
      ['audit log', '/settings/audit-log', (p) => p.locator('table.audit-log')],
      ['notifications', '/notifications', (p) => p.getByRole('list', { name: 'Client messages' })],
      ['account', '/account', (p) => p.getByRole('heading', { name: 'Account' })],
    ];
    for (const [name, path, ready] of screens) {
      await check(staff, `admin: ${name} (${device})`, path, ready);
    }
    await staff.context().close();

    // A client with one conversation is taken straight into it.
    const person = await (await browser.newContext({ baseURL: parlor.url, viewport })).newPage();
    await signInOn(person, client);
    await check(person, `client: messages (${device})`, '/messages',
      (p) => p.getByRole('textbox', { name: 'Message' }));
    await check(person, `client: conversation (${device})`, `/messages/${channel.id}`,
      (p) => p.getByText('before Friday'));
    await check(person, `client: account (${device})`, '/account',
      (p) => p.getByRole('heading', { name: 'Account' }));
    await person.context().close();
  });
}
