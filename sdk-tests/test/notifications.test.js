// Notifications: send, list (with and without read ones), mark read and
// unread, delete, and a refused send — through the official SDK.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertErrorBody, refused, serverForThisFile } from './server.js';

const parlor = serverForThisFile();

describe('notifications', () => {
  let ownerId;
  let ann;
  let acme;

  before(async () => {
    acme = await parlor.api.createCompany({ requestBody: { name: 'Acme' } });
    ann = await parlor.api.createClient({
      requestBody: { givenName: 'Ann', familyName: 'Lee', email: 'ann@example.com', companyId: acme.id },
    });
    const owner = await parlor.request('GET', '/v1/internal-users');
    assert.equal(owner.status, 200);
    ownerId = owner.body.data.find((u) => u.email === 'owner@example.com').id;
  });

  test('createNotification to a client, listed, read, unread and deleted', async () => {
    const created = await parlor.api.createNotification({
      requestBody: {
        senderId: ownerId,
        recipientClientId: ann.id,
        deliveryTargets: {
          inProduct: { title: 'Your return is ready', body: 'Please sign page 3' },
          email: { subject: 'Your return is ready', header: 'Ready to sign', body: 'Open the portal', title: 'Sign' },
        },
      },
    });
    assert.equal(created.object, 'notification');
    assert.equal(created.senderId, ownerId);
    assert.equal(created.senderType, 'internalUser');
    assert.equal(created.recipientClientId, ann.id);
    assert.equal(created.recipientCompanyId, acme.id);
    assert.equal(created.deliveryTargets.inProduct.title, 'Your return is ready');
    assert.equal(created.deliveryTargets.inProduct.body, 'Please sign page 3');
    assert.equal(created.deliveryTargets.inProduct.isRead, false);
    assert.equal(created.deliveryTargets.email.subject, 'Your return is ready');
    assert.equal(created.deliveryTargets.email.header, 'Ready to sign');
    assert.ok(!Number.isNaN(Date.parse(created.createdAt)));

    // The SDK sends includeRead=false and the unset filters empty.
    const unread = await parlor.api.listNotifications({ recipientClientId: ann.id });
    assert.deepEqual(unread.data.map((n) => n.id), [created.id]);
    const everyone = await parlor.api.listNotifications({});
    assert.ok(everyone.data.some((n) => n.id === created.id));

    const read = await parlor.api.markNotificationRead({ id: created.id });
    assert.equal(read.id, created.id);
    assert.equal(read.deliveryTargets.inProduct.isRead, true);
    const afterRead = await parlor.api.listNotifications({ recipientClientId: ann.id });
    assert.deepEqual(afterRead.data, [], 'read notifications are left out by default');
    const withRead = await parlor.api.listNotifications({ recipientClientId: ann.id, includeRead: true });
    assert.deepEqual(withRead.data.map((n) => n.id), [created.id]);

    const unreadAgain = await parlor.api.markNotificationUnread({ id: created.id });
    assert.equal(unreadAgain.deliveryTargets.inProduct.isRead, false);
    const listedAgain = await parlor.api.listNotifications({ recipientClientId: ann.id });
    assert.deepEqual(listedAgain.data.map((n) => n.id), [created.id]);

    const deleted = await parlor.api.deleteNotification({ id: created.id });
    assert.deepEqual(deleted, { id: created.id, object: 'notification', deleted: true });
    const gone = await parlor.api.listNotifications({ recipientClientId: ann.id, includeRead: true });
    assert.deepEqual(gone.data, []);
    assertErrorBody(await refused(parlor.api.markNotificationRead({ id: created.id }), 404));
  });

  test('createNotification to an internal user is listed by recipientInternalUserId', async () => {
    const created = await parlor.api.createNotification({
      requestBody: {
        senderId: ann.id,
        recipientInternalUserId: ownerId,
        deliveryTargets: { inProduct: { title: 'Ann uploaded a file' } },
      },
    });
    assert.equal(created.senderType, 'client');
    assert.equal(created.recipientInternalUserId, ownerId);
    const { data } = await parlor.api.listNotifications({ recipientInternalUserId: ownerId });
    assert.deepEqual(data.map((n) => n.id), [created.id]);
    const legacy = await parlor.api.listNotifications({ recipientId: ownerId });
    assert.deepEqual(legacy.data.map((n) => n.id), [created.id]);
    await parlor.api.deleteNotification({ id: created.id });
  });

  test('createNotification to an unknown client is refused with 422 and stores nothing', async () => {
    const body = await refused(
      parlor.api.createNotification({
        requestBody: {
          senderId: ownerId,
          recipientClientId: 'no-such-client',
          deliveryTargets: { inProduct: { title: 'Nobody' } },
        },
      }),
      422,
    );
    assertErrorBody(body);
    assert.match(body.message, /no client/);
    const { data } = await parlor.api.listNotifications({ includeRead: true });
    assert.ok(!data.some((n) => n.deliveryTargets?.inProduct?.title === 'Nobody'));
  });
});
