// Files in conversations: attach by dragging or with the button, and the
// other side gets the very same bytes.

import { test, expect } from '@playwright/test';
import { randomBytes, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const messages = (page) => page.getByRole('list', { name: 'Messages' });
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

// A 1x1 red PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

/** Drops files onto the conversation the way a browser does. */
async function dropFiles(page, files) {
  // The conversation, not its loading placeholder.
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  const transfer = await page.evaluateHandle((files) => {
    const transfer = new DataTransfer();
    for (const { name, type, base64 } of files) {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], name, { type }));
    }
    return transfer;
  }, files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') })));
  const zone = page.locator('section.conversation');
  await zone.dispatchEvent('dragover', { dataTransfer: transfer });
  await expect(zone).toHaveClass(/dragging/);
  await zone.dispatchEvent('drop', { dataTransfer: transfer });
}

test('a file dropped on the conversation reaches the client byte for byte', async ({ browser }) => {
  const olga = await parlor.activeClient('Olga', 'Ortiz');
  const staff = await signIn(browser, parlor, OWNER);
  const client = await signIn(browser, parlor, olga);
  await staff.getByRole('link', { name: /Olga Ortiz/ }).click();

  const contract = randomBytes(300_000);
  await dropFiles(staff, [{ name: 'contract 2026.pdf', type: 'application/pdf', bytes: contract }]);
  const uploads = staff.getByRole('list', { name: 'Files to send' });
  await expect(uploads).toContainText('contract 2026.pdf');
  await expect(uploads).toContainText('Ready');
  await staff.getByRole('textbox', { name: 'Message' }).fill('Here is your contract.');
  await staff.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(uploads.getByRole('listitem')).toHaveCount(0);

  const card = messages(client).getByRole('link', { name: /contract 2026\.pdf/ });
  await expect(card).toBeVisible();
  await expect(messages(client)).toContainText('Here is your contract.');
  const [download] = await Promise.all([client.waitForEvent('download'), card.click()]);
  expect(download.suggestedFilename()).toBe('contract 2026.pdf');
  expect(sha256(await readFile(await download.path()))).toBe(sha256(contract));
  await staff.screenshot({ path: 'screenshots/file-desktop.png' });
  await staff.context().close();
  await client.context().close();
});

test('images show as previews, and files alone make a message', async ({ browser }) => {
  const pia = await parlor.activeClient('Pia', 'Park');
  const client = await signIn(browser, parlor, pia);
  const staff = await signIn(browser, parlor, OWNER);
  await staff.getByRole('link', { name: /Pia Park/ }).click();

  // The client attaches with the button, no text.
  const [chooser] = await Promise.all([
    client.waitForEvent('filechooser'),
    client.getByRole('button', { name: 'Attach files' }).click(),
  ]);
  await chooser.setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: PNG });
  await expect(client.getByRole('list', { name: 'Files to send' })).toContainText('Ready');
  await client.getByRole('button', { name: 'Send', exact: true }).click();

  const preview = messages(staff).getByRole('img', { name: 'receipt.png' });
  await expect(preview).toBeVisible();
  expect(await preview.evaluate((img) => img.naturalWidth)).toBe(1);

  // The channel list names the file, live and as the server lists it.
  const entry = staff.getByRole('link', { name: /Pia Park/ });
  await expect(entry).toContainText('📎 receipt.png');
  await staff.reload();
  await expect(entry).toContainText('📎 receipt.png');
  await staff.context().close();
  await client.context().close();
});

test('a refused file is marked and never sent', async ({ browser }) => {
  const quinn = await parlor.activeClient('Quinn', 'Quill');
  const client = await signIn(browser, parlor, quinn);
  await dropFiles(client, [{ name: 'empty.txt', type: 'text/plain', bytes: Buffer.alloc(0) }]);
  const uploads = client.getByRole('list', { name: 'Files to send' });
  await expect(uploads.getByRole('alert')).toContainText(/empty/i);
  await client.getByRole('button', { name: 'Remove empty.txt' }).click();
  await expect(uploads.getByRole('listitem')).toHaveCount(0);
  await client.context().close();
});
