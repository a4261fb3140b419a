// Reactions and "Seen by": a client reacts to a staff member's message and
// the staff's page shows it without a reload; staff see when the client has
// read it. Each person in a browser of their own.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER, WORKSPACE } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

const conversation = (page) => page.getByRole('list', { name: 'Messages' });
const TEXT = 'Your return is ready to sign.';

test('a client reacts to a staff message and the staff see it live, and that she read it', async ({ browser }) => {
  const ann = await parlor.activeClient('Ann', 'Archer');
  const channels = await parlor.api('GET', `/v1/message-channels?clientId=${ann.id}`);
  await parlor.api('POST', '/v1/messages', { channelId: channels.data[0].id, text: TEXT });

  const staff = await signIn(browser, parlor, OWNER);
  await staff.getByRole('link', { name: /Ann Archer/ }).click();
  const staffLine = conversation(staff).locator('.message', { hasText: TEXT });
  await expect(staffLine).toBeVisible();
  await expect(conversation(staff).getByText(/Seen by/)).toHaveCount(0);

  // Ann opens the conversation: the staff's page says she has seen it, and when.
  const client = await signIn(browser, parlor, ann);
  await client.getByRole('link', { name: new RegExp(WORKSPACE) }).click();
  const clientLine = conversation(client).locator('.message', { hasText: TEXT });
  await expect(clientLine).toBeVisible();
  await expect(staffLine.getByText(/^Seen by Ann Archer · \d{1,2}:\d{2}$/)).toBeVisible();
  await expect(conversation(client).getByText(/Seen by/)).toHaveCount(0);

  // She reacts with the keyboard: "Add reaction", then 👍 from the set.
  const add = clientLine.getByRole('button', { name: 'Add reaction' });
  await add.focus();
  await client.keyboard.press('Enter');
  await expect(add).toHaveAttribute('aria-expanded', 'true');
  // Escape closes the set and leaves the keyboard on its button.
  await client.keyboard.press('Escape');
  await expect(clientLine.getByRole('group', { name: 'Choose a reaction' })).toHaveCount(0);
  await expect(add).toBeFocused();
  await client.keyboard.press('Enter');
  await client.keyboard.press('Tab');
  await expect(clientLine.getByRole('button', { name: 'React with 👍' })).toBeFocused();
  await client.keyboard.press('Enter');
  const hers = clientLine.getByRole('button', { name: /^👍 1 person, including you/ });
  await expect(hers).toHaveAttribute('aria-pressed', 'true');
  // The line is drawn anew; the keyboard stays on her reaction.
  await expect(hers).toBeFocused();

  // The staff's page shows it at once, not as theirs.
  const onStaff = staffLine.getByRole('button', { name: /^👍 1 person; react with 👍/ });
  await expect(onStaff).toBeVisible();
  await expect(onStaff).toHaveAttribute('aria-pressed', 'false');
  await expect(onStaff).toContainText('1');

  // Staff join in with a click; Ann sees two, hers among them.
  await onStaff.click();
  await expect(staffLine.getByRole('button', { name: /^👍 2 people, including you/ })).toBeVisible();
  const both = clientLine.getByRole('button', { name: /^👍 2 people, including you/ });
  await expect(both).toContainText('2');

  // Ann takes hers back; the staff see one again, their own.
  await both.click();
  await expect(clientLine.getByRole('button', { name: /^👍 1 person; react with 👍/ })).toBeVisible();
  await expect(staffLine.getByRole('button', { name: /^👍 1 person, including you/ })).toBeVisible();

  await staff.screenshot({ path: 'screenshots/reactions-desktop.png' });
  await staff.context().close();
  await client.context().close();
});
