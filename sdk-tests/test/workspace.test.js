// The workspace, authentication, and records that do not exist.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WORKSPACE_NAME, assertErrorBody, refused, serverForThisFile } from './server.js';

const parlor = serverForThisFile();

describe('workspace', () => {
  test('retrieveWorkspace returns the workspace created by `parlor admin init`', async () => {
    const ws = await parlor.api.retrieveWorkspace();
    assert.equal(ws.object, 'workspace');
    assert.equal(ws.brandName, WORKSPACE_NAME);
    assert.match(ws.id, /^[0-9a-f-]{36}$/);
    assert.equal(ws.isCompaniesEnabled, true);
    assert.equal(ws.portalUrl, parlor.url);
  });
});

describe('authentication', () => {
  test('a wrong API key is refused with 401 and no data', async () => {
    const body = await parlor.withApiKey('parlor_this-key-was-never-issued', (wrong) =>
      refused(wrong.retrieveWorkspace(), 401),
    );
    assertErrorBody(body);
    assert.equal(body.brandName, undefined);
  });

  test('a wrong API key cannot create anything', async () => {
    await parlor.withApiKey('parlor_this-key-was-never-issued', (wrong) =>
      refused(wrong.createCompany({ requestBody: { name: 'Intruder Inc' } }), 401),
    );
    const { data } = await parlor.api.listCompanies({ name: 'Intruder Inc' });
    assert.deepEqual(data, []);
  });

  test('the right key works again after a wrong one', async () => {
    const ws = await parlor.api.retrieveWorkspace();
    assert.equal(ws.brandName, WORKSPACE_NAME);
  });
});

describe('unknown ids answer 404 with {code, message}', () => {
  const missing = '01a21282-0000-7000-8000-000000000000';

  test('client', async () => {
    assertErrorBody(await refused(parlor.api.retrieveClient({ id: missing }), 404));
    await refused(parlor.api.updateClient({ id: missing, requestBody: { givenName: 'X' } }), 404);
    await refused(parlor.api.deleteClient({ id: missing }), 404);
  });

  test('company', async () => {
    assertErrorBody(await refused(parlor.api.retrieveCompany({ id: missing }), 404));
    await refused(parlor.api.updateCompany({ id: missing, requestBody: { name: 'X' } }), 404);
    await refused(parlor.api.deleteCompany({ id: missing }), 404);
  });

  test('message channel, and messages in it', async () => {
    assertErrorBody(await refused(parlor.api.retrieveMessageChannel({ id: missing }), 404));
    await refused(parlor.api.listMessages({ channelId: missing }), 404);
    await refused(parlor.api.sendMessage({ requestBody: { channelId: missing, text: 'hello?' } }), 404);
  });

  test('an id that is not even a UUID', async () => {
    await refused(parlor.api.retrieveClient({ id: 'not-an-id' }), 404);
    await refused(parlor.api.retrieveCompany({ id: 'not-an-id' }), 404);
    await refused(parlor.api.retrieveMessageChannel({ id: 'not-an-id' }), 404);
  });
});
