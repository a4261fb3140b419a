// Shared harness: starts a real Parlor server with a fresh workspace and API
// key, and hands out the official @assembly-js/node-sdk pointed at it.
//
//   const parlor = await startParlor();   // in before()
//   parlor.api.retrieveWorkspace()         // the SDK, authorised with the key
//   parlor.request('DELETE', '/v1/...')    // plain fetch, for Parlor-only calls
//   await parlor.stop();                   // in after(): kills the server, drops its data
//
// Storage: SQLite in a temporary data directory, or — when
// PARLOR_TEST_DATABASE_URL is set — a fresh PostgreSQL database
// parlor_sdk_<hex> created for this server and dropped by stop().

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { register } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export const PARLOR_BIN =
  process.env.PARLOR_BIN || path.resolve(here, '..', '..', 'target', 'debug', 'parlor');

export const WORKSPACE_NAME = 'Ledger & Co';
export const OWNER_EMAIL = 'owner@example.com';
const OWNER_PASSWORD = 'correct horse battery';

// Servers still running in this process: killed synchronously if the process
// exits without its after() hook having run (a crash, an uncaught error).
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

let sdkModule;

/** Loads @assembly-js/node-sdk once per process, in local mode. */
async function loadSdk() {
  if (!sdkModule) {
    // Without ASSEMBLY_ENV=local the SDK refuses a plain API key (it expects
    // the Assembly app's encrypted session token).
    process.env.ASSEMBLY_ENV = 'local';
    register('./sdk-resolve-hook.js', import.meta.url);
    sdkModule = await import('@assembly-js/node-sdk');
  }
  return sdkModule;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function parlorCli(args) {
  try {
    const { stdout } = await execFileP(PARLOR_BIN, args, { timeout: 60_000 });
    return stdout;
  } catch (err) {
    throw new Error(
      `parlor ${args.slice(0, 2).join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
  }
}

async function createDatabase(adminUrl) {
  const { default: pg } = await import('pg');
  const name = `parlor_sdk_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropDatabase(adminUrl, name) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function waitForHealthy(url, child, logs) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`parlor serve exited early (${child.exitCode ?? child.signalCode}):\n${logs()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`parlor serve did not answer /healthz within 30 s:\n${logs()}`);
}

/**
 * Starts a Parlor server with a new workspace ("Ledger & Co") and an API key,
 * and returns the SDK authorised with that key.
 */
export async function startParlor() {
  const adminDbUrl = process.env.PARLOR_TEST_DATABASE_URL || '';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parlor-sdk-'));
  let database = null;
  let child = null;

  const cleanup = async () => {
    if (child) {
      running.delete(child);
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
      child = null;
    }
    if (database) {
      await dropDatabase(adminDbUrl, database.name);
      database = null;
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const storage = ['--data-dir', dataDir];
    if (adminDbUrl) {
      database = await createDatabase(adminDbUrl);
      storage.push('--database-url', database.url);
    }

    await parlorCli([
      'admin', 'init', ...storage,
      '--workspace-name', WORKSPACE_NAME,
      '--owner-email', OWNER_EMAIL,
      '--owner-password', OWNER_PASSWORD,
    ]);
    const keyOutput = await parlorCli(['admin', 'api-key', 'create', ...storage, '--name', 'sdk']);
    const apiKey = keyOutput.trim().split('\n').pop().trim();
    assert.match(apiKey, /^parlor_/, `unexpected api-key output:\n${keyOutput}`);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    child = spawn(PARLOR_BIN, ['serve', ...storage, '--listen', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
    });
    running.add(child);
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    await waitForHealthy(url, child, () => output);

    const sdk = await loadSdk();
    sdk.OpenAPI.BASE = url; // the SDK's paths already begin with /v1
    const api = sdk.assemblyApi({ apiKey });

    /** Plain HTTP for what the SDK cannot express. */
    async function request(method, urlPath, body, { key = apiKey } = {}) {
      const res = await fetch(`${url}${urlPath}`, {
        method,
        headers: {
          'X-API-Key': key,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = text;
      }
      return { status: res.status, body: json };
    }

    /** Runs fn with the SDK authorised by another key, then restores ours. */
    async function withApiKey(otherKey, fn) {
      const other = sdk.assemblyApi({ apiKey: otherKey });
      try {
        return await fn(other);
      } finally {
        sdk.assemblyApi({ apiKey });
      }
    }

    return {
      url,
      apiKey,
      api,
      OpenAPI: sdk.OpenAPI,
      backend: adminDbUrl ? 'postgres' : 'sqlite',
      request,
      withApiKey,
      logs: () => output,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup().catch(() => {});
    throw err;
  }
}

/**
 * Asserts that an SDK call is refused with an ApiError of the given status,
 * and returns the error body ({code, message}) for further checks.
 */
export async function refused(promise, status) {
  let error;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  assert.ok(error, `expected the call to be refused with ${status}, but it succeeded`);
  assert.equal(error.name, 'ApiError', `expected an ApiError, got ${error.stack}`);
  assert.equal(error.status, status, `expected ${status}, got ${error.status}: ${JSON.stringify(error.body)}`);
  return error.body;
}

/** Asserts an error body has the documented {code, message} shape. */
export function assertErrorBody(body) {
  assert.equal(typeof body, 'object', `error body is not JSON: ${body}`);
  assert.equal(typeof body.code, 'string');
  assert.ok(body.code.length > 0, 'error code is empty');
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0, 'error message is empty');
}

/** Follows nextToken through every page of an SDK list call. */
export async function allPages(list, args, { limit }) {
  const pages = [];
  let nextToken;
  for (let i = 0; i < 1000; i++) {
    const page = await list({ ...args, limit, nextToken });
    pages.push(page);
    nextToken = page.nextToken;
    if (!nextToken) return pages;
  }
  throw new Error('paging did not end after 1000 pages');
}

/**
 * The server for the tests of one file: started before them, stopped after.
 * Reads like the server itself: `parlor.api`, `parlor.request`, ….
 */
export function serverForThisFile() {
  let server;
  before(async () => {
    server = await startParlor();
  }, { timeout: 60_000 });
  after(async () => {
    await server?.stop();
  });
  return new Proxy({}, { get: (_, name) => server?.[name] });
}
