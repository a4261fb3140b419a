// Companies: create, retrieve, update, list, page, delete.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allPages, refused, serverForThisFile } from './server.js';

const parlor = serverForThisFile();

describe('companies', () => {
  let acme;

  test('createCompany returns the new company', async () => {
    acme = await parlor.api.createCompany({ requestBody: { name: 'Acme Accounting' } });
    assert.equal(acme.object, 'company');
    assert.equal(acme.name, 'Acme Accounting');
    assert.equal(acme.isPlaceholder, false);
    assert.match(acme.id, /^[0-9a-f-]{36}$/);
    assert.match(acme.fallbackColor, /^#[0-9A-Fa-f]{6}$/);
    assert.ok(!Number.isNaN(Date.parse(acme.createdAt)));
  });

  test('retrieveCompany returns the same company', async () => {
    const got = await parlor.api.retrieveCompany({ id: acme.id });
    assert.equal(got.id, acme.id);
    assert.equal(got.name, 'Acme Accounting');
    assert.equal(got.isPlaceholder, false);
  });

  test('updateCompany renames it, and the new name is kept', async () => {
    const updated = await parlor.api.updateCompany({
      id: acme.id,
      requestBody: { name: 'Acme Accounting LLP' },
    });
    assert.equal(updated.id, acme.id);
    assert.equal(updated.name, 'Acme Accounting LLP');
    const got = await parlor.api.retrieveCompany({ id: acme.id });
    assert.equal(got.name, 'Acme Accounting LLP');
  });

  test('listCompanies filters by exact name', async () => {
    await parlor.api.createCompany({ requestBody: { name: 'Brightside Legal' } });
    const byNewName = await parlor.api.listCompanies({ name: 'Acme Accounting LLP' });
    assert.deepEqual(byNewName.data.map((c) => c.id), [acme.id]);
    const byOldName = await parlor.api.listCompanies({ name: 'Acme Accounting' });
    assert.deepEqual(byOldName.data, []);
    const other = await parlor.api.listCompanies({ name: 'Brightside Legal' });
    assert.equal(other.data.length, 1);
    assert.equal(other.data[0].name, 'Brightside Legal');
  });

  test('listCompanies filters placeholders out and in', async () => {
    const real = await parlor.api.listCompanies({ isPlaceholder: false });
    assert.ok(real.data.length >= 2);
    assert.ok(real.data.every((c) => c.isPlaceholder === false));
    assert.ok(real.data.some((c) => c.id === acme.id));
    const placeholders = await parlor.api.listCompanies({ isPlaceholder: true });
    assert.ok(placeholders.data.every((c) => c.isPlaceholder === true));
    assert.ok(!placeholders.data.some((c) => c.id === acme.id));
  });

  test('paging with limit 2 and nextToken returns every company exactly once', async () => {
    const created = [];
    for (let i = 1; i <= 5; i++) {
      const c = await parlor.api.createCompany({ requestBody: { name: `Paging Partner ${i}` } });
      created.push(c.id);
    }
    const everything = (await parlor.api.listCompanies({ limit: 1000 })).data.map((c) => c.id);
    assert.ok(everything.length >= 7);

    const pages = await allPages((args) => parlor.api.listCompanies(args), {}, { limit: 2 });
    for (const page of pages) assert.ok(page.data.length <= 2, `page of ${page.data.length}`);
    assert.equal(pages.length, Math.ceil(everything.length / 2));
    const paged = pages.flatMap((p) => p.data.map((c) => c.id));
    assert.equal(new Set(paged).size, paged.length, 'a company appeared on two pages');
    assert.deepEqual(paged, everything, 'paging must give the same companies in the same order');
    for (const id of created) assert.ok(paged.includes(id), `company ${id} was skipped`);
  });

  test('deleteCompany removes it', async () => {
    const doomed = await parlor.api.createCompany({ requestBody: { name: 'Short Lived Ltd' } });
    const res = await parlor.api.deleteCompany({ id: doomed.id });
    assert.deepEqual(res, { id: doomed.id, object: 'company', deleted: true });
    await refused(parlor.api.retrieveCompany({ id: doomed.id }), 404);
    const { data } = await parlor.api.listCompanies({ name: 'Short Lived Ltd' });
    assert.deepEqual(data, []);
    await refused(parlor.api.deleteCompany({ id: doomed.id }), 404);
  });
});
