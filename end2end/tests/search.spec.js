// Search from the web app: one box over every conversation, results with the
// hit marked, and a result opens its conversation at that message, however
// far back in a long conversation it is. The page lives in its address, so
// it reloads and works before the app has loaded.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

/** The channel of a client's own conversation. */
async function channelOf(client) {
  const channels = await parlor.api('GET', `/v1/message-channels?clientId=${client.id}`);
  return channels.data[0].id;
}

test('a search finds a message far back in a long conversation and opens it there', async ({ browser }) => {
  test.setTimeout(120_000);
  const vera = await parlor.activeClient('Vera', 'Vale');
  const channel = await channelOf(vera);
  const say = (text, extra = {}) => parlor.api('POST', '/v1/messages', { channelId: channel, text, ...extra });
  for (let i = 0; i < 30; i += 1) await say(`Early note about the ledger, part ${i}`);
  const hit = await say('Your quarterly depreciation schedule is attached');
  for (let i = 0; i < 150; i += 1) await say(`Later message number ${i}`);
  await say('Depreciation: chase Vera for the missing invoices', { isInternal: true });

  const staff = await signIn(browser, parlor, OWNER);
  await staff.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
  await staff.getByRole('searchbox', { name: 'Search messages and files' }).fill('depreciation');
  await staff.getByRole('searchbox', { name: 'Search messages and files' }).press('Enter');
  const results = staff.getByRole('list', { name: 'Results' });
  await expect(results.getByRole('listitem')).toHaveCount(2);
  // Newest first: the note (staff see notes), then the message.
  await expect(results.getByRole('listitem').first()).toContainText('Internal note');
  const found = results.getByRole('listitem').nth(1);
  await expect(found).toContainText('Vera Vale');
  await expect(found.locator('mark')).toHaveText(['depreciation']);
  await expect(staff).toHaveURL(/\/search\?q=depreciation/);

  // Reloaded, the results come from the server as they were.
  await staff.reload();
  await expect(results.getByRole('listitem')).toHaveCount(2);

  // The message is 150 messages back: older pages load until it is there,
  // and it is shown, marked, with the keyboard on it.
  await results.getByRole('listitem').nth(1).getByRole('link').click();
  await expect(staff).toHaveURL(new RegExp(`/messages/${channel}\\?at=${hit.id}`));
  const line = staff.locator(`.message[data-id="${hit.id}"]`);
  await expect(line).toBeInViewport({ timeout: 20_000 });
  await expect(line).toHaveClass(/hit/);
  await expect(line).toBeFocused();
  // Everything after it is there to scroll down through.
  await expect(staff.getByText('Later message number 149')).toBeAttached();

  // The client finds the message but never the note.
  const client = await signIn(browser, parlor, vera);
  await client.goto('/search?q=depreciation');
  const theirs = client.getByRole('list', { name: 'Results' });
  await expect(theirs.getByRole('listitem')).toHaveCount(1);
  await expect(theirs).not.toContainText('chase Vera');

  // A search that finds nothing says so; one with no words asks for them.
  await client.goto('/search?q=zebra');
  await expect(client.getByRole('status')).toHaveText('Nothing found.');

  await staff.context().close();
  await client.context().close();
});

test('a search narrowed to files and dates, on a phone', async ({ browser }) => {
  const wyn = await parlor.activeClient('Wyn', 'West');
  const channel = await channelOf(wyn);
  await parlor.api('POST', '/v1/messages', { channelId: channel, text: 'Budget for the new year' });
  const xan = await parlor.activeClient('Xan', 'Xu');
  await parlor.api('POST', '/v1/messages', { channelId: await channelOf(xan), text: "Xan's budget" });
  const staff = await signIn(browser, parlor, OWNER, { width: 360, height: 740 });
  await staff.goto('/search?q=budget');
  const results = staff.getByRole('list', { name: 'Results' });
  await expect(results.getByRole('listitem')).toHaveCount(2);
  // Nothing on the page is wider than the phone.
  const overflow = await staff.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await staff.getByText('Filters').click();
  await staff.getByLabel('Only messages with files').check();
  await staff.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(staff).toHaveURL(/files=on/);
  await expect(staff.getByRole('status')).toHaveText('Nothing found.');

  await staff.goto('/search?q=budget&since=2000-01-01&until=2000-12-31');
  await expect(staff.getByRole('status')).toHaveText('Nothing found.');

  // From the client's page: their conversations only.
  await staff.goto(`/clients/${wyn.id}`);
  await staff.getByRole('searchbox', { name: "Search Wyn West's conversations" }).fill('budget');
  await staff.getByRole('searchbox', { name: "Search Wyn West's conversations" }).press('Enter');
  await expect(staff).toHaveURL(new RegExp(`clientId=${wyn.id}`));
  await expect(results.getByRole('listitem')).toHaveCount(1);
  await expect(results).toContainText('Budget for the new year');
  await staff.context().close();
});
