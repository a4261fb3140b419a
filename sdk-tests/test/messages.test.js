// Messages: who may send, size limit, newest-first listing, paging.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { allPages, assertErrorBody, refused, serverForThisFile } from './server.js';

const parlor = serverForThisFile();

describe('messages', () => {
  let ownerId;
  let ann;
  let bob;
  let annChannel;

  before(async () => {
    const acme = await parlor.api.createCompany({ requestBody: { name: 'Acme' } });
    ann = await parlor.api.createClient({
      requestBody: { givenName: 'Ann', familyName: 'Lee', email: 'ann@example.com', companyId: acme.id },
    });
    bob = await parlor.api.createClient({
      requestBody: { givenName: 'Bob', familyName: 'Ray', email: 'bob@example.com' },
    });
    annChannel = (await parlor.api.listMessageChannels({ clientId: ann.id })).data[0];
    assert.ok(annChannel, 'Ann has no individual channel');
    const owner = await parlor.request('GET', '/v1/internal-users');
    assert.equal(owner.status, 200);
    ownerId = owner.body.data.find((u) => u.email === 'owner@example.com').id;
  });

  test('sendMessage without senderId sends as the owner of the API key', async () => {
    const msg = await parlor.api.sendMessage({
      requestBody: { channelId: annChannel.id, text: 'Your return is ready' },
    });
    assert.equal(msg.object, 'message');
    assert.equal(msg.channelId, annChannel.id);
    assert.equal(msg.text, 'Your return is ready');
    assert.equal(msg.senderId, ownerId);
    assert.equal(msg.isAttachmentIncluded, false);
    assert.ok(!Number.isNaN(Date.parse(msg.createdAt)));

    const channel = await parlor.api.retrieveMessageChannel({ id: annChannel.id });
    assert.equal(channel.lastMessageDate, msg.createdAt);
  });

  test('sendMessage on behalf of a client who is a member of the channel', async () => {
    const msg = await parlor.api.sendMessage({
      requestBody: { channelId: annChannel.id, text: 'Thanks, signing now', senderId: ann.id },
    });
    assert.equal(msg.senderId, ann.id);
    assert.equal(msg.text, 'Thanks, signing now');
  });

  test('sendMessage on behalf of a client who is not a member is refused with 422', async () => {
    const body = await refused(
      parlor.api.sendMessage({
        requestBody: { channelId: annChannel.id, text: 'Let me in', senderId: bob.id },
      }),
      422,
    );
    assertErrorBody(body);
    assert.match(body.message, /not a member/);
    const { data } = await parlor.api.listMessages({ channelId: annChannel.id });
    assert.ok(!data.some((m) => m.text === 'Let me in'));
  });

  test('text over 10000 characters is refused with 413; exactly 10000 is accepted', async () => {
    const body = await refused(
      parlor.api.sendMessage({ requestBody: { channelId: annChannel.id, text: 'x'.repeat(10_001) } }),
      413,
    );
    assertErrorBody(body);
    const ok = await parlor.api.sendMessage({
      requestBody: { channelId: annChannel.id, text: 'y'.repeat(10_000) },
    });
    assert.equal(ok.text.length, 10_000);
  });

  test('listMessages returns the newest message first', async () => {
    const first = await parlor.api.sendMessage({ requestBody: { channelId: annChannel.id, text: 'first' } });
    const second = await parlor.api.sendMessage({ requestBody: { channelId: annChannel.id, text: 'second' } });
    const { data } = await parlor.api.listMessages({ channelId: annChannel.id });
    assert.equal(data[0].id, second.id);
    assert.equal(data[1].id, first.id);
    assert.equal(data[0].text, 'second');
    for (let i = 1; i < data.length; i++) {
      assert.ok(data[i - 1].createdAt >= data[i].createdAt, `message ${i} is newer than message ${i - 1}`);
    }
    assert.ok(data.every((m) => m.channelId === annChannel.id));
  });

  test('paging 25 messages with limit 10 returns each exactly once, newest first', async () => {
    const group = await parlor.api.createMessageChannel({
      requestBody: {
        membershipType: 'group',
        memberIds: [
          ann.id,
          (await parlor.api.createClient({
            requestBody: { givenName: 'Amy', familyName: 'Lee', email: 'amy@example.com', companyId: ann.companyId },
          })).id,
        ],
      },
    });
    const sent = [];
    for (let i = 1; i <= 25; i++) {
      const m = await parlor.api.sendMessage({ requestBody: { channelId: group.id, text: `note ${i}` } });
      sent.push(m.id);
    }

    const pages = await allPages((args) => parlor.api.listMessages(args), { channelId: group.id }, { limit: 10 });
    for (const page of pages) assert.ok(page.data.length <= 10, `page of ${page.data.length}`);
    const paged = pages.flatMap((p) => p.data.map((m) => m.id));
    assert.equal(new Set(paged).size, paged.length, 'a message appeared on two pages');

    const everything = (await parlor.api.listMessages({ channelId: group.id, limit: 1000 })).data.map((m) => m.id);
    assert.deepEqual(paged, everything);
    // Only our 25 (plus any welcome message the channel was opened with).
    const ours = paged.filter((id) => sent.includes(id));
    assert.deepEqual(ours, [...sent].reverse(), 'every message once, newest first');
    assert.ok(paged.length - ours.length <= 1, `unexpected extra messages: ${paged.length - ours.length}`);
    assert.equal(pages[0].data[0].text, 'note 25');
  });
});
