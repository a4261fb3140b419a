// Settings → Webhooks: an admin adds a webhook pointing at a receiver this
// test runs on loopback, sends test events, sees a real event delivered and
// signed, and reads the deliveries, a failure included.

import { test, expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

// The receiver listens on loopback, which Parlor refuses without this flag.
const parlor = serverForThisFile({ args: ['--allow-private-webhook-targets'] });

/** A receiver keeping every delivery; it answers the statuses in `answers` first, then 200. */
function startReceiver() {
  const received = [];
  const answers = [];
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ raw, body: JSON.parse(raw.toString('utf8')), signature: request.headers['x-copilot-signature'] });
      response.writeHead(answers.shift() ?? 200, { 'content-type': 'text/plain' });
      response.end('ok');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/parlor`, received, answers, close: () => server.close() });
    });
  });
}

test('an admin adds a webhook in Settings, tests it and sees its deliveries', async ({ browser }) => {
  const receiver = await startReceiver();
  const admin = await signIn(browser, parlor, OWNER);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await admin.getByRole('link', { name: 'Manage webhooks' }).click();
  await expect(admin).toHaveURL(/\/settings\/webhooks$/);
  await expect(admin.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await expect(admin.getByText('There are no webhooks yet.')).toBeVisible();

  // A refused address says why beside the field.
  await admin.getByLabel('Address (https://…)').fill('ftp://example.com/hook');
  await admin.getByRole('button', { name: 'Add webhook' }).click();
  await expect(admin.getByRole('alert')).toContainText('only http and https');

  await admin.getByLabel('Address (https://…)').fill(receiver.url);
  // "A message is sent" is chosen already; add clients too.
  await expect(admin.getByRole('checkbox', { name: /A message is sent/ })).toBeChecked();
  await admin.getByRole('checkbox', { name: /A client is added/ }).check();
  await admin.getByRole('button', { name: 'Add webhook' }).click();
  const shown = admin.getByRole('figure', { name: 'Signing secret' });
  await expect(shown).toContainText('Copy it now');
  const secret = (await shown.getByLabel('Secret').textContent()).trim();
  expect(secret).toMatch(/^whsec_/);

  const item = admin.getByRole('listitem', { name: receiver.url });
  await expect(item).toContainText('message.sent, client.created');
  await expect(item).toContainText('Enabled');
  await expect(item.getByText('Nothing delivered yet.')).toBeVisible();

  const test = item.getByRole('button', { name: `Send a test event to ${receiver.url}` });
  await test.click();
  await expect(item.getByRole('status')).toContainText('Test event: 200 in');
  expect(receiver.received[0].body.eventType).toBe('webhook.test');
  // A receiver that fails is shown failing.
  receiver.answers.push(500);
  await test.click();
  await expect(item.getByRole('status')).toContainText('the receiver answered 500');

  // A real event: a client added with the API arrives signed with the secret.
  await parlor.api('POST', '/v1/clients', { givenName: 'Hook', familyName: 'Tester', email: 'hook.tester@example.com' });
  await expect.poll(() => receiver.received.filter((r) => r.body.eventType === 'client.created').length).toBe(1);
  const delivered = receiver.received.find((r) => r.body.eventType === 'client.created');
  expect(delivered.body.data.givenName).toBe('Hook');
  expect(delivered.signature).toBe(createHmac('sha256', secret).update(delivered.raw).digest('hex'));

  // The deliveries, newest first: the welcome message of the client's new
  // conversation, the client, the failed test, the first test.
  const rows = admin.getByRole('listitem', { name: receiver.url }).getByRole('table', { name: 'Deliveries' }).getByRole('row');
  await expect(async () => {
    await admin.getByRole('button', { name: 'Refresh' }).click();
    await expect(rows).toHaveCount(5, { timeout: 1000 });
  }).toPass();
  await expect(rows.nth(1)).toContainText('message.sent');
  await expect(rows.nth(2)).toContainText('client.created');
  await expect(rows.nth(2)).toContainText('200 in');
  await expect(rows.nth(3)).toContainText('the receiver answered 500');
  await expect(rows.nth(4)).toContainText('webhook.test');
  await admin.screenshot({ path: 'screenshots/webhooks-desktop.png', fullPage: true });

  // After a reload the webhook is listed, its secret is not.
  await admin.reload();
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  await expect(admin.getByRole('listitem', { name: receiver.url })).toBeVisible();
  await expect(admin.getByText(secret)).toHaveCount(0);

  // Disabled, then deleted.
  await admin.getByRole('listitem', { name: receiver.url }).getByRole('button', { name: 'Disable' }).click();
  await expect(admin.getByRole('listitem', { name: receiver.url })).toContainText('Disabled');
  await admin.getByRole('button', { name: `Delete the webhook to ${receiver.url}` }).click();
  await admin.getByRole('alertdialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete webhook' }).click();
  await expect(admin.getByText('There are no webhooks yet.')).toBeVisible();
  await admin.context().close();
  receiver.close();
});
