// Starts a real Parlor server for a test file: a fresh workspace, an API key
// acting as its owner, on SQLite or (PARLOR_TEST_DATABASE_URL) a fresh
// PostgreSQL database that stop() drops again.

import { test } from '@playwright/test';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = process.env.PARLOR_BIN || path.join(root, 'target', 'debug', 'parlor');
const SITE_DIR = path.join(root, 'target', 'site');

export const WORKSPACE = 'Ledger & Co';
export const OWNER = { email: 'owner@example.com', password: 'correct horse battery', name: 'Olivia Owner' };

/** A loopback port nothing listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function postgres(adminUrl, sql) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * `init: false` starts a server with no workspace, as on a first start;
 * `args` are more flags for `parlor serve`.
 */
export async function startParlor({ init = true, args = [] } = {}) {
  const adminUrl = process.env.PARLOR_TEST_DATABASE_URL || '';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parlor-e2e-'));
  const storage = ['--data-dir', dataDir];
  let database = null;
  if (adminUrl) {
    database = `parlor_e2e_${randomBytes(6).toString('hex')}`;
    await postgres(adminUrl, `CREATE DATABASE "${database}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    storage.push('--database-url', url.toString());
  }
  let apiKey = null;
  if (init) {
    await run(BIN, ['admin', 'init', ...storage, '--workspace-name', WORKSPACE,
      '--owner-email', OWNER.email, '--owner-password', OWNER.password,
      '--owner-given-name', 'Olivia', '--owner-family-name', 'Owner']);
    const { stdout } = await run(BIN, ['admin', 'api-key', 'create', ...storage, '--name', 'e2e']);
    apiKey = stdout.trim().split('\n').pop().trim();
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let logs = '';
  // Every panic the server reports, kept whole however long the run: a
  // panic anywhere fails the test file (see stop()).
  const panics = [];
  let partial = '';
  const child = spawn(BIN, ['serve', ...storage, '--listen', `127.0.0.1:${port}`,
    '--public-url', url, '--site-dir', SITE_DIR, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
  });
  const keep = (chunk) => {
    logs = (logs + chunk).slice(-20_000);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    panics.push(...lines.filter((line) => /panicked at|a page panicked|did not finish rendering/.test(line)));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`parlor serve exited:\n${logs}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error(`parlor serve did not become healthy:\n${logs}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  /** Calls the /v1 API as the workspace owner. */
  async function api(method, urlPath, body) {
    const response = await fetch(`${url}${urlPath}`, {
      method,
      headers: { 'X-API-Key': apiKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new Error(`${method} ${urlPath}: ${response.status} ${text}`);
    return json;
  }

  /** A new client with an invitation link (not yet accepted). */
  async function invitedClient(givenName, familyName, extra = {}) {
    const email = `${givenName.toLowerCase()}.${randomBytes(3).toString('hex')}@example.com`;
    const client = await api('POST', '/v1/clients', { givenName, familyName, email, ...extra });
    return { ...client, email, name: `${givenName} ${familyName}` };
  }

  /** A client who accepted their invitation and has a password. */
  async function activeClient(givenName, familyName, extra = {}) {
    const client = await invitedClient(givenName, familyName, extra);
    const token = client.inviteUrl.split('/invite/')[1];
    const password = 'client password 1';
    await api('POST', `/v1/invitations/${token}/accept`, { password });
    return { ...client, password };
  }

  /**
   * A staff member who signs in with a password; `extra` sets the role and
   * access. Admins never choose it: the member accepts their invitation.
   */
  async function staffMember(givenName, familyName, extra = {}) {
    const email = `${givenName.toLowerCase()}.${randomBytes(3).toString('hex')}@example.com`;
    const password = 'staff password 1';
    const user = await api('POST', '/v1/internal-users', {
      givenName, familyName, email, role: 'staff', ...extra,
    });
    const token = user.inviteUrl.split('/invite/')[1];
    await api('POST', `/v1/invitations/${token}/accept`, { password });
    return { ...user, email, password, name: `${givenName} ${familyName}` };
  }

  async function stop() {
    process.off('exit', killOnExit);
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    if (database) await postgres(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await rm(dataDir, { recursive: true, force: true });
    if (panics.length > 0) throw new Error(`the server panicked:\n${panics.join('\n')}`);
  }

  return {
    url, apiKey, api, invitedClient, activeClient, staffMember, stop, logs: () => logs, panics: () => [...panics],
  };
}

/**
 * The server for the tests of one file: started before them, stopped after.
 * Reads like the server itself: `parlor.url`, `parlor.api`, ….
 */
export function serverForThisFile(options = {}) {
  let server;
  test.beforeAll(async () => {
    server = await startParlor(typeof options === 'function' ? await options() : options);
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  return new Proxy({}, { get: (_, name) => server?.[name] });
}
