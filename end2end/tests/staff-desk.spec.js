// The staff side of a client conversation: internal notes no client ever
// sees, @mentions, handling (assign, mark done) where the client's reply
// puts the conversation back under Needs reply, who else is looking, and
// sending later.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER, WORKSPACE } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const conversation = (page) => page.getByRole('list', { name: 'Messages' });

test('staff write a note the client never sees, while the client sees nothing change', async ({ browser }) => {
  const nia = await parlor.activeClient('Nia', 'North');
  const staff = await signIn(browser, parlor, OWNER);
  const client = await signIn(browser, parlor, nia);

  await staff.getByRole('link', { name: /Nia North/ }).click();
  const box = staff.getByRole('textbox', { name: 'Message' });
  await box.fill('Your documents arrived.');
  await box.press('Enter');
  await expect(conversation(staff).getByText('Your documents arrived.')).toBeVisible();

  // The client opens the conversation and reads it.
  const channel = client.getByRole('link', { name: new RegExp(WORKSPACE) });
  await channel.click();
  await expect(conversation(client).getByText('Your documents arrived.')).toBeVisible();
  await expect(channel.getByLabel(/unread/)).toHaveCount(0);

  // Staff switch the composer to a note: it looks different, says so, and
  // is marked in the conversation.
  await staff.getByRole('checkbox', { name: 'Internal note' }).check();
  await expect(staff.getByRole('button', { name: 'Add note' })).toBeVisible();
  await box.fill('Nia usually pays late: chase before filing.');
  await box.press('Enter');
  const note = conversation(staff).locator('.message.note', { hasText: 'chase before filing' });
  await expect(note).toBeVisible();
  await expect(note.getByText('Internal note')).toBeVisible();

  // A message after the note reaches the client: proof the socket is live,
  // and the note never came before it.
  await staff.getByRole('checkbox', { name: 'Internal note' }).uncheck();
  await box.fill('We file on Monday.');
  await box.press('Enter');
  await expect(conversation(client).getByText('We file on Monday.')).toBeVisible();
  await expect(conversation(client).getByText(/chase before filing/)).toHaveCount(0);
  await expect(client.getByText(/Internal note/)).toHaveCount(0);
  // The channel list's preview shows the message, not the note.
  await expect(channel).toContainText('We file on Monday.');

  // Reloading (everything from the server) still shows no note.
  await client.reload();
  await expect(conversation(client).getByText('We file on Monday.')).toBeVisible();
  await expect(conversation(client).getByText(/chase before filing/)).toHaveCount(0);
  // Staff still see it after a reload.
  await staff.reload();
  await expect(conversation(staff).locator('.message.note', { hasText: 'chase before filing' })).toBeVisible();

  await staff.context().close();
  await client.context().close();
});

test('staff assign a conversation, mark it done, and the client reply puts it under Needs reply', async ({ browser }) => {
  const colleague = await parlor.staffMember('Sam', 'Stone');
  const oli = await parlor.activeClient('Oli', 'Oak');
  const staff = await signIn(browser, parlor, OWNER);
  const client = await signIn(browser, parlor, oli);

  await staff.getByRole('link', { name: /Oli Oak/ }).click();
  const handling = staff.getByRole('group', { name: 'Handling' });
  await handling.getByLabel('Assignee').selectOption({ label: 'Sam Stone' });
  await handling.getByRole('button', { name: 'Mark done' }).click();
  await expect(handling.getByRole('status', { name: 'State' })).toHaveText('Done');

  // A note for Sam, naming him with the @ picker (arrows and Enter).
  await staff.getByRole('checkbox', { name: 'Internal note' }).check();
  const box = staff.getByRole('textbox', { name: 'Message' });
  await box.fill('Over to you @Sa');
  const offered = staff.getByRole('listbox', { name: 'Mention someone' });
  await expect(offered.getByRole('option', { name: '@Sam Stone' })).toBeVisible();
  await box.press('Enter');
  await expect(box).toHaveValue('Over to you @Sam Stone ');
  await box.press('End');
  await box.pressSequentially('please call Oli');
  await box.press('Enter');
  await expect(conversation(staff).locator('.message.note', { hasText: 'please call Oli' })).toBeVisible();

  // Sam finds it under Assigned to me, not under Needs reply, and is told
  // of the mention in his notification centre.
  const sam = await signIn(browser, parlor, colleague);
  await sam.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Notifications/ }).click();
  await expect(sam.getByText('Olivia Owner mentioned you')).toBeVisible();
  await sam.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Messages/ }).click();
  const views = sam.getByRole('group', { name: 'Show' });
  await views.getByRole('button', { name: 'Assigned to me' }).click();
  await expect(sam.getByRole('link', { name: /Oli Oak/ })).toBeVisible();
  await views.getByRole('button', { name: /Needs reply/ }).click();
  await expect(sam.getByRole('link', { name: /Oli Oak/ })).toHaveCount(0);
  await expect(sam.getByText('No client is waiting for an answer.')).toBeVisible();

  // The client writes: the conversation opens again and waits for an answer.
  await client.getByRole('link', { name: new RegExp(WORKSPACE) }).click();
  await client.getByRole('textbox', { name: 'Message' }).fill('One more question about the invoice');
  await client.getByRole('textbox', { name: 'Message' }).press('Enter');
  const waiting = sam.getByRole('link', { name: /Oli Oak/ });
  await expect(waiting).toBeVisible();
  await expect(waiting).toContainText(/waiting/);
  await expect(handling.getByRole('status', { name: 'State' })).toHaveText('Open');
  // The client saw none of the handling.
  await expect(client.getByRole('group', { name: 'Handling' })).toHaveCount(0);
  await expect(client.getByText('Sam Stone')).toHaveCount(0);

  // Sam answers: it leaves Needs reply.
  await waiting.click();
  await sam.getByRole('textbox', { name: 'Message' }).fill('Happy to help.');
  await sam.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(sam.getByRole('link', { name: /Oli Oak/ })).toHaveCount(0);

  await staff.context().close();
  await sam.context().close();
  await client.context().close();
});

test('staff see which colleagues have the conversation open, and the client never does', async ({ browser }) => {
  const rae = await parlor.staffMember('Rae', 'Reed');
  const uma = await parlor.activeClient('Uma', 'Upton');
  const owner = await signIn(browser, parlor, OWNER);
  const colleague = await signIn(browser, parlor, rae);
  const client = await signIn(browser, parlor, uma);
  await client.getByRole('link', { name: new RegExp(WORKSPACE) }).click();
  await expect(client.getByRole('textbox', { name: 'Message' })).toBeVisible();

  await owner.getByRole('link', { name: /Uma Upton/ }).click();
  await expect(owner.getByRole('textbox', { name: 'Message' })).toBeVisible();
  const conversationUrl = owner.url();
  // Rae arrives by the address, as from a link: each sees the other.
  await colleague.goto(conversationUrl);
  await expect(colleague.getByText('Olivia Owner is also here')).toBeVisible();
  await expect(owner.getByText('Rae Reed is also here')).toBeVisible();

  // Rae leaves for the list: gone for Olivia at once.
  await colleague.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Messages/ }).click();
  await expect(owner.getByText('Rae Reed is also here')).toHaveCount(0);
  // Back by a reload of the conversation's address.
  await colleague.goto(conversationUrl);
  await colleague.reload();
  await expect(owner.getByText('Rae Reed is also here')).toBeVisible();
  await expect(colleague.getByText('Olivia Owner is also here')).toBeVisible();

  // A message proves the client's socket is live; it never learnt who looked.
  await owner.getByRole('textbox', { name: 'Message' }).fill('We are both on it.');
  await owner.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(conversation(client).getByText('We are both on it.')).toBeVisible();
  await expect(client.getByText(/is also here|are also here/)).toHaveCount(0);

  // Closing the tab counts as leaving.
  await colleague.context().close();
  await expect(owner.getByText('Rae Reed is also here')).toHaveCount(0);

  await owner.context().close();
  await client.context().close();
});

/** A `datetime-local` value: the next whole minute at least 15 s away. */
function nextMinute() {
  const at = new Date(Date.now() + 15_000);
  at.setSeconds(0, 0);
  at.setMinutes(at.getMinutes() + 1);
  const two = (n) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
}

test('a message scheduled from the composer waits, can be taken back, and goes at its time', async ({ browser }) => {
  test.setTimeout(150_000);
  const pia = await parlor.activeClient('Pia', 'Pine');
  const staff = await signIn(browser, parlor, OWNER);
  const client = await signIn(browser, parlor, pia);
  await client.getByRole('link', { name: new RegExp(WORKSPACE) }).click();

  await staff.getByRole('link', { name: /Pia Pine/ }).click();
  const box = staff.getByRole('textbox', { name: 'Message' });
  const waiting = staff.getByRole('list', { name: 'Scheduled messages' });

  // One for tomorrow: listed with its time zone, kept over a reload, and
  // taken back into the composer to edit.
  await box.fill('Reminder for tomorrow');
  await staff.getByRole('button', { name: 'Send later' }).click();
  const tomorrow = new Date(Date.now() + 86_400_000);
  const two = (n) => String(n).padStart(2, '0');
  await staff.getByLabel('Send at').fill(`${tomorrow.getFullYear()}-${two(tomorrow.getMonth() + 1)}-${two(tomorrow.getDate())}T09:00`);
  await staff.getByRole('button', { name: 'Schedule' }).click();
  await expect(waiting.getByText('Reminder for tomorrow')).toBeVisible();
  await expect(waiting).toContainText(/Sends .*\(.+\)/);
  await expect(box).toHaveValue('');
  await staff.reload();
  await expect(waiting.getByText('Reminder for tomorrow')).toBeVisible();
  await waiting.getByRole('button', { name: 'Edit' }).click();
  await expect(box).toHaveValue('Reminder for tomorrow');
  await expect(waiting).toHaveCount(0);

  // One for the next minute: it goes by itself and reaches the client.
  await box.fill('Your return was filed this minute');
  await staff.getByRole('button', { name: 'Send later' }).click();
  await staff.getByLabel('Send at').fill(nextMinute());
  await staff.getByRole('button', { name: 'Schedule' }).click();
  await expect(waiting.getByText('Your return was filed this minute')).toBeVisible();
  await expect(conversation(client).getByText('Your return was filed this minute')).toBeVisible({ timeout: 100_000 });
  await expect(conversation(staff).getByText('Your return was filed this minute')).toBeVisible();
  await expect(waiting).toHaveCount(0);

  await staff.context().close();
  await client.context().close();
});
