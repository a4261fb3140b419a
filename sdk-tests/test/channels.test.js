// Message channels: individual, group and company; listing; the same-company rule.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertErrorBody, refused, serverForThisFile } from './server.js';

const parlor = serverForThisFile();

const client = (givenName, familyName, companyId) =>
  parlor.api.createClient({
    requestBody: {
      givenName,
      familyName,
      email: `${givenName.toLowerCase()}.${familyName.toLowerCase()}@example.com`,
      ...(companyId ? { companyId } : {}),
    },
  });

describe('message channels', () => {
  let acme;
  let globex;
  let ann;
  let amy;
  let gus;
  let annChannel;
  let group;
  let companyChannel;

  before(async () => {
    acme = await parlor.api.createCompany({ requestBody: { name: 'Acme' } });
    globex = await parlor.api.createCompany({ requestBody: { name: 'Globex' } });
    ann = await client('Ann', 'Lee', acme.id);
    amy = await client('Amy', 'Lee', acme.id);
    gus = await client('Gus', 'Hale', globex.id);
  });

  test('a new client already has their individual channel', async () => {
    const { data } = await parlor.api.listMessageChannels({ clientId: ann.id });
    assert.equal(data.length, 1);
    assert.equal(data[0].object, 'messageChannel');
    assert.equal(data[0].membershipType, 'individual');
    assert.equal(data[0].clientId, ann.id);
    assert.deepEqual(data[0].memberIds, [ann.id]);
    annChannel = data[0];
  });

  test('a second individual channel for the same client is refused with 409', async () => {
    const body = await refused(
      parlor.api.createMessageChannel({ requestBody: { membershipType: 'individual', clientId: ann.id } }),
      409,
    );
    assertErrorBody(body);
  });

  test('createMessageChannel opens an individual channel for one client', async () => {
    // Close Ann's default channel first (Parlor-only endpoint; the SDK has no delete).
    const del = await parlor.request('DELETE', `/v1/message-channels/${annChannel.id}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    await refused(parlor.api.retrieveMessageChannel({ id: annChannel.id }), 404);

    const ch = await parlor.api.createMessageChannel({
      requestBody: { membershipType: 'individual', clientId: ann.id },
    });
    assert.equal(ch.object, 'messageChannel');
    assert.equal(ch.membershipType, 'individual');
    assert.equal(ch.clientId, ann.id);
    assert.deepEqual(ch.memberIds, [ann.id]);
    assert.notEqual(ch.id, annChannel.id);
    annChannel = ch;

    const got = await parlor.api.retrieveMessageChannel({ id: ch.id });
    assert.equal(got.id, ch.id);
    assert.deepEqual(got.memberIds, [ann.id]);
  });

  test('a group channel holds two clients of the same company', async () => {
    group = await parlor.api.createMessageChannel({
      requestBody: { membershipType: 'group', memberIds: [ann.id, amy.id] },
    });
    assert.equal(group.membershipType, 'group');
    assert.equal(group.companyId, acme.id);
    assert.deepEqual([...group.memberIds].sort(), [ann.id, amy.id].sort());
    const got = await parlor.api.retrieveMessageChannel({ id: group.id });
    assert.deepEqual([...got.memberIds].sort(), [ann.id, amy.id].sort());
  });

  test('a group of clients from two companies is refused with 422 "same company"', async () => {
    const body = await refused(
      parlor.api.createMessageChannel({
        requestBody: { membershipType: 'group', memberIds: [ann.id, gus.id] },
      }),
      422,
    );
    assertErrorBody(body);
    assert.match(body.message, /same company/);
  });

  test('a company channel holds everyone in the company, including later arrivals', async () => {
    companyChannel = await parlor.api.createMessageChannel({
      requestBody: { membershipType: 'company', companyId: acme.id },
    });
    assert.equal(companyChannel.membershipType, 'company');
    assert.equal(companyChannel.companyId, acme.id);
    assert.deepEqual([...companyChannel.memberIds].sort(), [ann.id, amy.id].sort());

    const abe = await client('Abe', 'Lee', acme.id);
    const got = await parlor.api.retrieveMessageChannel({ id: companyChannel.id });
    assert.deepEqual([...got.memberIds].sort(), [ann.id, amy.id, abe.id].sort());
  });

  test('listMessageChannels filters by membershipType', async () => {
    const groups = await parlor.api.listMessageChannels({ membershipType: 'group' });
    assert.deepEqual(groups.data.map((c) => c.id), [group.id]);
    const companies = await parlor.api.listMessageChannels({ membershipType: 'company' });
    assert.deepEqual(companies.data.map((c) => c.id), [companyChannel.id]);
    const individuals = await parlor.api.listMessageChannels({ membershipType: 'individual' });
    assert.ok(individuals.data.length >= 4, `only ${individuals.data.length} individual channels`);
    assert.ok(individuals.data.every((c) => c.membershipType === 'individual'));
    assert.ok(individuals.data.some((c) => c.id === annChannel.id));
  });

  test('listMessageChannels by clientId gives that client\'s individual channel', async () => {
    const { data } = await parlor.api.listMessageChannels({ clientId: ann.id });
    assert.deepEqual(data.map((c) => c.id), [annChannel.id]);
  });

  test('listMessageChannels by memberId gives every channel the client is in', async () => {
    const { data } = await parlor.api.listMessageChannels({ memberId: ann.id });
    assert.deepEqual(
      data.map((c) => c.id).sort(),
      [annChannel.id, group.id, companyChannel.id].sort(),
    );
    const gusChannels = await parlor.api.listMessageChannels({ memberId: gus.id });
    assert.ok(!gusChannels.data.some((c) => c.id === group.id || c.id === companyChannel.id));
  });
});
