// Deleting clients and companies, and what happens to what they owned.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refused, serverForThisFile } from './server.js';

const parlor = serverForThisFile();

describe('deletes', () => {
  test('deleting a client deletes their individual channel', async () => {
    const carl = await parlor.api.createClient({
      requestBody: { givenName: 'Carl', familyName: 'Moss', email: 'carl@example.com' },
    });
    const [channel] = (await parlor.api.listMessageChannels({ clientId: carl.id })).data;
    assert.ok(channel, 'Carl has no individual channel');
    await parlor.api.sendMessage({ requestBody: { channelId: channel.id, text: 'Welcome aboard' } });
    const before = await parlor.api.listClients({ companyId: carl.companyId });
    assert.deepEqual(before.data.map((c) => c.id), [carl.id]);

    const res = await parlor.api.deleteClient({ id: carl.id });
    assert.deepEqual(res, { id: carl.id, object: 'client', deleted: true });

    await refused(parlor.api.retrieveClient({ id: carl.id }), 404);
    await refused(parlor.api.retrieveMessageChannel({ id: channel.id }), 404);
    await refused(parlor.api.listMessages({ channelId: channel.id }), 404);
    const { data } = await parlor.api.listClients({ companyId: carl.companyId });
    assert.deepEqual(data, []);
  });

  test('a deleted client\'s e-mail can be used again', async () => {
    const again = await parlor.api.createClient({
      requestBody: { givenName: 'Carl', familyName: 'Moss', email: 'carl@example.com' },
    });
    assert.equal(again.email, 'carl@example.com');
  });

  test('deleting a company moves each of its clients to a placeholder company of their own', async () => {
    const acme = await parlor.api.createCompany({ requestBody: { name: 'Acme' } });
    const ann = await parlor.api.createClient({
      requestBody: { givenName: 'Ann', familyName: 'Lee', email: 'ann@example.com', companyId: acme.id },
    });
    const amy = await parlor.api.createClient({
      requestBody: { givenName: 'Amy', familyName: 'Lee', email: 'amy@example.com', companyId: acme.id },
    });
    const companyChannel = await parlor.api.createMessageChannel({
      requestBody: { membershipType: 'company', companyId: acme.id },
    });

    const res = await parlor.api.deleteCompany({ id: acme.id });
    assert.deepEqual(res, { id: acme.id, object: 'company', deleted: true });
    await refused(parlor.api.retrieveCompany({ id: acme.id }), 404);
    await refused(parlor.api.retrieveMessageChannel({ id: companyChannel.id }), 404);

    const annNow = await parlor.api.retrieveClient({ id: ann.id });
    const amyNow = await parlor.api.retrieveClient({ id: amy.id });
    assert.notEqual(annNow.companyId, acme.id);
    assert.notEqual(amyNow.companyId, acme.id);
    assert.notEqual(annNow.companyId, amyNow.companyId, 'each client gets their own placeholder');
    assert.equal(annNow.email, 'ann@example.com');

    const annCompany = await parlor.api.retrieveCompany({ id: annNow.companyId });
    assert.equal(annCompany.isPlaceholder, true);
    assert.equal(annCompany.name, 'Ann Lee');
    const amyCompany = await parlor.api.retrieveCompany({ id: amyNow.companyId });
    assert.equal(amyCompany.isPlaceholder, true);

    // Their individual channels survive the move.
    const { data } = await parlor.api.listMessageChannels({ clientId: ann.id });
    assert.equal(data.length, 1);
    assert.deepEqual(data[0].memberIds, [ann.id]);
    assert.deepEqual((await parlor.api.listClients({ companyId: acme.id })).data, []);
  });
});
