// Every main screen fits a 360 px phone without sideways scrolling, and is
// photographed at desktop and phone width for review.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 740 } };

for (const [device, viewport] of Object.entries(WIDTHS)) {
  test(`the main screens fit a ${device}`, async ({ browser }) => {
    const acme = await parlor.api('POST', '/v1/companies', { name: `Acme ${device}` });
    const client = await parlor.activeClient('Rosa', `Reyes ${device}`, { companyId: acme.id });
    const { data: [channel] } = await parlor.api('GET', `/v1/message-channels?clientId=${client.id}`);
    await parlor.api('POST', '/v1/messages', {
      channelId: channel.id, senderId: client.id, text: 'Could you look at the Q3 figures before Friday?',
    });
    const staff = await signIn(browser, parlor, OWNER, viewport);
    // The server renders the channel list into the page, before any script runs.
    const html = await (await staff.request.get('/messages')).text();
    expect(html).toContain(client.name);
    const screens = [
      ['messages', '/messages', staff.getByRole('link', { name: new RegExp(client.name) })],
      ['clients', '/clients', staff.getByRole('heading', { name: 'Clients' })],
      ['client', `/clients/${client.id}`, staff.getByRole('heading', { name: client.name })],
      ['new-conversation', '/new/conversation', staff.getByRole('heading', { name: 'New conversation' })],
      ['mass-message', '/new/mass-message', staff.getByRole('heading', { name: 'New mass message' })],
      ['settings', '/settings', staff.getByRole('heading', { name: 'Settings' })],
      ['notifications', '/notifications', staff.getByRole('list', { name: 'Client messages' })],
    ];
    for (const [name, path, landmark] of screens) {
      await staff.goto(path);
      await expect(landmark).toBeVisible();
      const overflow = await staff.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
      await staff.screenshot({ path: `screenshots/${name}-${device}.png` });
    }
    await staff.context().close();

    const page = await (await browser.newContext({ baseURL: parlor.url, viewport })).newPage();
    await page.goto('/sign-in');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await page.screenshot({ path: `screenshots/sign-in-${device}.png` });
    await page.context().close();
  });
}
