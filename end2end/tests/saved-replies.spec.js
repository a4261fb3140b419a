// Saved replies: an admin shares a template in Settings; staff insert it into
// a client's conversation by typing / or with the button, filled in for that
// client and with its file, and send it; the mass message form offers the
// same picker and fills the template in for each client.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const conversation = (page) => page.getByRole('list', { name: 'Messages' });
const CHECKLIST = Buffer.from('Checklist: receipts, statements, last year\'s return.\n');

/** Opens a page of the app directly and waits until it is hydrated. */
async function open(page, path) {
  await page.goto(`${parlor.url}${path}`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
}

async function channelOf(client) {
  return (await parlor.api('GET', `/v1/message-channels?clientId=${client.id}`)).data[0].id;
}

/** A shared reply with a file, made through the API as the owner. */
async function sharedReply(title, text) {
  const form = new FormData();
  form.append('file', new Blob([CHECKLIST], { type: 'text/plain' }), 'checklist.txt');
  const uploaded = await fetch(`${parlor.url}/v1/attachments`, {
    method: 'POST', headers: { 'X-API-Key': parlor.apiKey }, body: form,
  }).then((r) => r.json());
  return parlor.api('POST', '/v1/saved-replies', {
    title, text, isShared: true, attachmentIds: [uploaded.data[0].id],
  });
}

test('an admin shares a reply in Settings, then types / in a conversation and sends it filled in', async ({ browser }) => {
  const ann = await parlor.activeClient('Ann', 'Archer');
  const admin = await signIn(browser, parlor, OWNER);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await admin.getByRole('link', { name: 'Manage saved replies' }).click();
  await expect(admin).toHaveURL(/\/settings\/saved-replies$/);
  await expect(admin.getByRole('heading', { name: 'Saved replies', level: 1 })).toBeVisible();

  // A variable the template cannot have is refused beside the text.
  const form = admin.getByRole('form', { name: 'Add a saved reply' });
  await form.getByLabel('Title', { exact: true }).fill('Return ready');
  await form.getByLabel('Text', { exact: true }).fill('Hi {{client.nickname}}');
  await form.getByRole('button', { name: 'Add saved reply' }).click();
  await expect(form.getByRole('alert')).toContainText('unknown variable');

  await form.getByLabel('Text', { exact: true }).fill('Hi {{client.givenName}}, your return is ready.');
  await form.getByLabel('Shared with the whole team').check();
  const [chooser] = await Promise.all([
    admin.waitForEvent('filechooser'),
    form.getByRole('button', { name: /Attach files/ }).click(),
  ]);
  await chooser.setFiles({ name: 'checklist.txt', mimeType: 'text/plain', buffer: CHECKLIST });
  await expect(form.getByRole('list', { name: 'Files of the saved reply' })).toContainText('Ready');
  await form.getByRole('button', { name: 'Add saved reply' }).click();
  const shared = admin.getByRole('list', { name: 'Shared saved replies' });
  await expect(shared.getByRole('listitem', { name: 'Return ready' })).toContainText('checklist.txt');
  await admin.screenshot({ path: 'screenshots/saved-replies-desktop.png' });

  // In Ann's conversation, a slash at the start opens the picker, filtered by what follows.
  await open(admin, `/messages/${await channelOf(ann)}`);
  const box = admin.getByRole('textbox', { name: 'Message' });
  await box.pressSequentially('/retu');
  const picker = admin.getByRole('listbox', { name: 'Saved replies' });
  await expect(picker.getByRole('option', { name: /Return ready/ })).toHaveAttribute('aria-selected', 'true');
  await box.pressSequentially('x');
  await expect(admin.getByRole('dialog', { name: 'Saved replies' })).toContainText('No saved reply matches');
  await box.press('Backspace');
  await box.press('Enter');
  await expect(box).toHaveValue('Hi Ann, your return is ready.');
  await expect(picker).toHaveCount(0);
  await expect(admin.getByRole('list', { name: 'Files to send' })).toContainText('checklist.txt');
  await box.press('Enter');

  const sent = conversation(admin).locator('.message', { hasText: 'Hi Ann, your return is ready.' });
  await expect(sent).toHaveCount(1);
  await expect(sent).toContainText('checklist.txt');
  const client = await signIn(browser, parlor, ann);
  await open(client, `/messages/${await channelOf(ann)}`);
  await expect(conversation(client).getByText('Hi Ann, your return is ready.')).toBeVisible();
  // Saved replies are the team's: a client's composer has no such button.
  await expect(client.getByRole('button', { name: 'Saved replies' })).toHaveCount(0);
  await client.getByRole('textbox', { name: 'Message' }).pressSequentially('/retu');
  await expect(client.getByRole('listbox', { name: 'Saved replies' })).toHaveCount(0);
  await admin.context().close();
  await client.context().close();
});

test('staff insert a shared reply with the button, at the cursor, and send it', async ({ browser }) => {
  const bea = await parlor.activeClient('Bea', 'Brook');
  await sharedReply('Documents needed', 'Could you send the documents, {{client.givenName}}?');
  const sam = await parlor.staffMember('Sam', 'Staff');
  const staff = await signIn(browser, parlor, sam);
  await open(staff, `/messages/${await channelOf(bea)}`);
  const box = staff.getByRole('textbox', { name: 'Message' });
  await box.fill('Thanks for the call. ');

  await staff.getByRole('button', { name: 'Saved replies' }).click();
  const filter = staff.getByRole('searchbox', { name: 'Filter saved replies' });
  await expect(filter).toBeFocused();
  await filter.fill('documents');
  const option = staff.getByRole('option', { name: /Documents needed/ });
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await filter.press('Enter');
  await expect(box).toHaveValue('Thanks for the call. Could you send the documents, Bea?');
  await expect(box).toBeFocused();
  await expect(staff.getByRole('list', { name: 'Files to send' })).toContainText('checklist.txt');

  // Escape closes the picker and gives the keyboard back to the text.
  await staff.getByRole('button', { name: 'Saved replies' }).click();
  await expect(filter).toBeFocused();
  await filter.press('Escape');
  await expect(staff.getByRole('dialog', { name: 'Saved replies' })).toHaveCount(0);
  await expect(box).toBeFocused();

  await staff.getByRole('button', { name: 'Send', exact: true }).click();
  const sent = conversation(staff).locator('.message', { hasText: 'Could you send the documents, Bea?' });
  await expect(sent).toHaveCount(1);
  await expect(sent).toContainText('checklist.txt');
  const history = await parlor.api('GET', `/v1/messages?channelId=${await channelOf(bea)}&limit=1`);
  expect(history.data[0].text).toBe('Thanks for the call. Could you send the documents, Bea?');
  expect(history.data[0].attachments.map((a) => a.name)).toEqual(['checklist.txt']);
  await staff.context().close();
});

test('the mass message form inserts the template, filled in for each client as it is sent', async ({ browser }) => {
  const cal = await parlor.activeClient('Cal', 'Cole');
  const dee = await parlor.activeClient('Dee', 'Dune');
  await sharedReply('Season opens', 'Tax season opens, {{client.givenName}}.');
  const admin = await signIn(browser, parlor, OWNER);
  await open(admin, '/new/mass-message');
  await expect(admin.getByRole('heading', { name: 'New mass message' })).toBeVisible();
  for (const name of ['Cal Cole', 'Dee Dune']) {
    await admin.getByRole('searchbox', { name: 'Find clients' }).fill(name);
    await admin.getByRole('checkbox', { name: new RegExp(name) }).check();
  }
  await admin.getByRole('button', { name: 'Saved replies' }).click();
  await admin.getByRole('searchbox', { name: 'Filter saved replies' }).fill('season');
  await admin.getByRole('option', { name: /Season opens/ }).click();
  const text = admin.getByRole('textbox', { name: 'Message' });
  await expect(text).toHaveValue('Tax season opens, {{client.givenName}}.');
  await expect(admin.getByRole('list', { name: 'Files to send' })).toContainText('checklist.txt');
  await admin.getByRole('button', { name: 'Send to 2 clients' }).click();
  await expect(admin.getByRole('status')).toContainText('Sent to 2 clients.');

  for (const [client, expected] of [[cal, 'Tax season opens, Cal.'], [dee, 'Tax season opens, Dee.']]) {
    const newest = (await parlor.api('GET', `/v1/messages?channelId=${await channelOf(client)}&limit=1`)).data[0];
    expect(newest.text).toBe(expected);
    expect(newest.attachments.map((a) => a.name)).toEqual(['checklist.txt']);
  }
  await admin.context().close();
});
