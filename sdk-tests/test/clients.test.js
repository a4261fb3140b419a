// Clients: create (with and without a company), retrieve, list, update, and
// the e-mail rules.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertErrorBody, refused, serverForThisFile } from './server.js';

const parlor = serverForThisFile();

describe('clients', () => {
  let acme;
  let ann;
  let bob;

  before(async () => {
    acme = await parlor.api.createCompany({ requestBody: { name: 'Acme' } });
  });

  test('createClient with a companyId puts the client in that company', async () => {
    ann = await parlor.api.createClient({
      requestBody: { givenName: 'Ann', familyName: 'Lee', email: 'ann@example.com', companyId: acme.id },
    });
    assert.equal(ann.object, 'client');
    assert.equal(ann.givenName, 'Ann');
    assert.equal(ann.familyName, 'Lee');
    assert.equal(ann.email, 'ann@example.com');
    assert.equal(ann.companyId, acme.id);
    assert.deepEqual(ann.companyIds, [acme.id]);
    assert.equal(ann.status, 'notInvited');
    assert.ok(ann.inviteUrl.startsWith(`${parlor.url}/invite/`), ann.inviteUrl);
  });

  test('createClient without a company creates a placeholder company for them', async () => {
    bob = await parlor.api.createClient({
      requestBody: { givenName: 'Bob', familyName: 'Ray', email: 'bob@example.com' },
    });
    assert.ok(bob.companyId, 'the client must get a company');
    assert.notEqual(bob.companyId, acme.id);
    const placeholder = await parlor.api.retrieveCompany({ id: bob.companyId });
    assert.equal(placeholder.isPlaceholder, true);
    assert.equal(placeholder.name, 'Bob Ray');
    const { data } = await parlor.api.listCompanies({ isPlaceholder: true });
    assert.deepEqual(data.map((c) => c.id), [bob.companyId]);
  });

  test('retrieveClient returns the client without the invitation link, which only create and a re-invite hand out', async () => {
    const got = await parlor.api.retrieveClient({ id: ann.id });
    assert.equal(got.id, ann.id);
    assert.equal(got.email, 'ann@example.com');
    assert.equal(got.companyId, acme.id);
    assert.equal(got.inviteUrl, null);
  });

  test('listClients filters by company', async () => {
    const inAcme = await parlor.api.listClients({ companyId: acme.id });
    assert.deepEqual(inAcme.data.map((c) => c.id), [ann.id]);
    const inPlaceholder = await parlor.api.listClients({ companyId: bob.companyId });
    assert.deepEqual(inPlaceholder.data.map((c) => c.id), [bob.id]);
  });

  test('listClients without a filter lists every client', async () => {
    const all = await parlor.api.listClients({});
    assert.deepEqual(all.data.map((c) => c.id).sort(), [ann.id, bob.id].sort());
  });

  test('listClients filters by e-mail and by name', async () => {
    const byEmail = await parlor.api.listClients({ email: 'bob@example.com' });
    assert.deepEqual(byEmail.data.map((c) => c.id), [bob.id]);
    const nobody = await parlor.api.listClients({ email: 'nobody@example.com' });
    assert.deepEqual(nobody.data, []);
    const byName = await parlor.api.listClients({ givenName: 'Ann', familyName: 'Lee' });
    assert.deepEqual(byName.data.map((c) => c.id), [ann.id]);
  });

  test('updateClient changes only the fields given', async () => {
    const updated = await parlor.api.updateClient({
      id: ann.id,
      requestBody: { givenName: 'Annie' },
    });
    assert.equal(updated.givenName, 'Annie');
    assert.equal(updated.familyName, 'Lee');
    assert.equal(updated.email, 'ann@example.com');
    assert.equal(updated.companyId, acme.id);
    const got = await parlor.api.retrieveClient({ id: ann.id });
    assert.equal(got.givenName, 'Annie');
    assert.equal(got.familyName, 'Lee');
  });

  test('updateClient with a companyId moves the client to that company', async () => {
    const moved = await parlor.api.updateClient({ id: bob.id, requestBody: { companyId: acme.id } });
    assert.equal(moved.companyId, acme.id);
    const inAcme = await parlor.api.listClients({ companyId: acme.id });
    assert.deepEqual(inAcme.data.map((c) => c.id).sort(), [ann.id, bob.id].sort());
  });

  test('a second client with the same e-mail is refused with 409', async () => {
    const body = await refused(
      parlor.api.createClient({
        requestBody: { givenName: 'Other', familyName: 'Ann', email: 'ann@example.com', companyId: acme.id },
      }),
      409,
    );
    assertErrorBody(body);
    assert.match(body.message, /ann@example\.com/);
    const { data } = await parlor.api.listClients({ companyId: acme.id });
    assert.deepEqual(data.map((c) => c.id).sort(), [ann.id, bob.id].sort());
  });

  test('the owner e-mail cannot be reused for a client either', async () => {
    await refused(
      parlor.api.createClient({
        requestBody: { givenName: 'Owner', familyName: 'Clone', email: 'owner@example.com' },
      }),
      409,
    );
  });

  test('an invalid e-mail is refused with a {code, message} body', async () => {
    let error;
    try {
      await parlor.api.createClient({
        requestBody: { givenName: 'Nope', familyName: 'Nope', email: 'not-an-email', companyId: acme.id },
      });
    } catch (err) {
      error = err;
    }
    assert.ok(error, 'creating a client with e-mail "not-an-email" succeeded');
    assert.equal(error.name, 'ApiError');
    assert.ok([400, 422].includes(error.status), `status ${error.status}`);
    assertErrorBody(error.body);
    assert.match(error.body.message, /e-?mail/i);
    const { data } = await parlor.api.listClients({ companyId: acme.id });
    assert.ok(!data.some((c) => c.email === 'not-an-email'));
  });
});
