// Installable, and never serving private data from a cache.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signIn } from './support/people.js';

const parlor = serverForThisFile();

test('the app is installable and its service worker caches only the app shell', async ({ browser }) => {
  const page = await signIn(browser, parlor, OWNER);
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await page.request.get(manifestHref)).json();
  expect(manifest).toMatchObject({ name: 'Parlor', display: 'standalone', start_url: '/messages' });
  for (const icon of manifest.icons) {
    expect((await page.request.get(icon.src)).status(), icon.src).toBe(200);
  }

  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
  // The server-rendered page shows before its buttons work; signing out
  // below needs the app running.
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const cached = await page.evaluate(async () => {
    const keys = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) keys.push(new URL(request.url).pathname);
    }
    return keys.sort();
  });
  // The shell is this build's files, under the names the page loads them by.
  const [stylesheet, glue, wasm] = await page.evaluate(() => [
    'link[rel="stylesheet"]', 'link[rel="modulepreload"]', 'link[rel="preload"][as="fetch"]',
  ].map((link) => new URL(document.querySelector(link).href).pathname));
  expect(stylesheet).toMatch(/^\/parlor\.[0-9a-f]{16}\.css$/);
  expect(glue).toMatch(/^\/pkg\/[0-9a-f]{16}\/parlor\.js$/);
  expect(wasm).toBe(glue.replace('parlor.js', 'parlor_bg.wasm'));
  // The glue's loader of the lazy pages' code is part of the shell too.
  const loader = glue.replace('parlor.js', '__wasm_split.js');
  expect(cached).toEqual([stylesheet, glue, wasm, loader, '/icon.svg', '/manifest.webmanifest'].sort());

  // Signed out, the pages are not served from anywhere but the server.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/messages');
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByText('Olivia Owner')).toHaveCount(0);
  await page.context().close();
});
