// A real SMTP server on loopback for the browser tests: scripts/smtp_sink.py
// (aiosmtpd from target/smtp-venv, installed by `make smtp-test-server`),
// which writes each message it receives to a file of its own.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from './parlor.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PYTHON = path.join(root, 'target', 'smtp-venv', 'bin', 'python');

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Undoes quoted-printable: soft line breaks and =XX escapes. */
function unquote(text) {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

export async function startMailSink() {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parlor-e2e-mail-'));
  const child = spawn(PYTHON, [path.join(root, 'scripts', 'smtp_sink.py'), String(port), dir], { stdio: 'ignore' });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  for (let i = 0; !(await canConnect(port)); i++) {
    if (child.exitCode !== null) throw new Error(`smtp_sink.py exited (${child.exitCode}); run make smtp-test-server`);
    if (i > 150) throw new Error('smtp_sink.py did not listen within 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }

  /** Every message so far to `to`, oldest first, as decoded text. */
  async function messagesTo(to) {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.eml')).sort();
    const texts = await Promise.all(names.map(async (n) => unquote(await readFile(path.join(dir, n), 'utf8'))));
    return texts.filter((t) => t.startsWith(`X-Envelope-To: ${to}\r\n`));
  }

  async function stop() {
    process.off('exit', killOnExit);
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }

  return { port, messagesTo, stop };
}
