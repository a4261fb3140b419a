// Every route of the app, opened as a browser opens it: typed in, followed
// from a link or an e-mail, and reloaded after navigating there. For each
// role and at desktop and phone width, each page must render on the server
// without a panic, hydrate, log no error to the console, and work.

import { test, expect } from '@playwright/test';
import { serverForThisFile, OWNER } from './support/parlor.js';
import { signInOn } from './support/people.js';

const parlor = serverForThisFile();

const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 740 } };
// Hydrated and answering within this long, on a machine running the server too.
const INTERACTIVE_WITHIN = 5_000;

let people;

test.beforeAll(async () => {
  const acme = await parlor.api('POST', '/v1/companies', { name: 'Acme Routes' });
  const globex = await parlor.api('POST', '/v1/companies', { name: 'Globex Routes' });
  const ann = await parlor.activeClient('Ann', 'Route', { companyId: acme.id });
  const bob = await parlor.activeClient('Bob', 'Route', { companyId: globex.id });
  const invited = await parlor.invitedClient('Ivy', 'Invited', { companyId: acme.id });
  const limited = await parlor.staffMember('Lena', 'Limited', {
    isClientAccessLimited: true, companyAccessList: [acme.id],
  });
  const channelOf = async (client) => (await parlor.api('GET', `/v1/message-channels?clientId=${client.id}`)).data[0];
  const annChannel = await channelOf(ann);
  const bobChannel = await channelOf(bob);
  await parlor.api('POST', '/v1/messages', { channelId: annChannel.id, senderId: ann.id, text: 'A question about **Q3**' });
  people = { ann, bob, invited, limited, annChannel, bobChannel, acme, globex };
});

/**
 * What each role finds at each route: a check that the page is there, and
 * whether it is a page of the signed-in app (with the sidebar to navigate by).
 */
function routesFor(role) {
  const { ann, bob, invited, annChannel, bobChannel, acme, globex } = people;
  const signedIn = role !== 'nobody';
  const staff = role === 'admin' || role === 'limited';
  const heading = (name) => (page) => page.getByRole('heading', { name, exact: true });
  const alert = (text) => (page) => page.getByRole('alert').filter({ hasText: text });
  const app = (path, landmark) => ({ path, inApp: true, landmark });
  const notFound = alert('This conversation no longer exists.');
  if (!signedIn) {
    return [
      { path: '/sign-in', landmark: heading('Sign in') },
      { path: `/invite/${invited.inviteUrl.split('/invite/')[1]}`, landmark: heading('Welcome, Ivy') },
      { path: '/invite/not-a-real-token', landmark: heading('This invitation cannot be used') },
      { path: '/setup/not-a-real-token', landmark: heading('Set up Parlor') },
      { path: '/forgot-password', landmark: heading('Forgot your password?') },
      { path: '/reset/not-a-real-token', landmark: heading('This link cannot be used') },
      { path: '/no-such-page', landmark: heading('This page does not exist'), status: 404 },
      ...['/', '/messages', `/messages/${annChannel.id}`, '/clients', '/settings', '/notifications', '/account',
        '/new/conversation', '/new/mass-message', `/clients/${ann.id}`, '/companies', `/companies/${acme.id}`, '/team', '/settings/webhooks',
        '/settings/saved-replies', '/search?q=return', '/settings/audit-log']
        .map((path) => ({ path, landmark: heading('Sign in'), signInFor: path })),
    ];
  }
  // A client with one conversation is taken straight into it.
  const home = role === 'client' ? (page) => page.getByRole('textbox', { name: 'Message' }) : heading('Messages');
  const routes = [
    app('/', home),
    app('/messages', home),
    app('/notifications', heading('Notifications')),
    app('/account', heading('Account')),
    app('/search', heading('Search')),
    app('/search?q=welcome', (page) => page.getByRole('list', { name: 'Results' })),
    app('/messages/no-such-channel', notFound),
    { path: '/sign-in', landmark: heading('Sign in') },
    { path: '/no-such-page', landmark: heading('This page does not exist'), status: 404 },
  ];
  if (role === 'client') {
    routes.push(
      app(`/messages/${annChannel.id}`, (page) => page.getByRole('textbox', { name: 'Message' })),
      // Another client's conversation is not there at all.
      app(`/messages/${bobChannel.id}`, notFound),
      // The team's pages say so rather than break, and load nothing.
      app('/clients', heading('This page is for the team')),
      app(`/clients/${ann.id}`, heading('This page is for the team')),
      app('/new/mass-message', heading('This page is for the team')),
      app('/companies', heading('This page is for the team')),
      app(`/companies/${acme.id}`, heading('This page is for the team')),
      app('/team', heading('This page is for the team')),
      app('/settings', (page) => page.getByText("Only the workspace's admins can change its settings.")),
      app('/settings/webhooks', (page) => page.getByText("Only the workspace's admins can manage webhooks.")),
      app('/settings/saved-replies', (page) => page.getByText('Saved replies are for the team.')),
      app('/settings/audit-log', (page) => page.getByText("Only the workspace's admins can read the audit log.")),
    );
  }
  if (staff) {
    routes.push(
      app(`/messages/${annChannel.id}`, (page) => page.getByRole('textbox', { name: 'Message' })),
      app('/clients', heading('Clients')),
      app(`/clients/${ann.id}`, heading('Ann Route')),
      app('/new/conversation', heading('New conversation')),
      app('/new/mass-message', heading('New mass message')),
      app('/settings', heading('Settings')),
      app('/settings/saved-replies', heading('Saved replies')),
      app('/companies', heading('Companies')),
      app('/team', heading('Team')),
    );
  }
  if (role === 'admin') {
    routes.push(
      app(`/messages/${bobChannel.id}`, (page) => page.getByRole('textbox', { name: 'Message' })),
      app(`/companies/${globex.id}`, heading('Globex Routes')),
      app('/settings/webhooks', heading('Webhooks')),
      app('/settings/audit-log', heading('Audit log')),
    );
  }
  if (role === 'limited') {
    // Outside their companies: not found, as for anyone else who may not see it.
    routes.push(
      app(`/messages/${bobChannel.id}`, notFound),
      app(`/clients/${bob.id}`, alert(/not found/i)),
      app(`/companies/${globex.id}`, alert(/not found/i)),
      app('/settings/webhooks', (page) => page.getByText("Only the workspace's admins can manage webhooks.")),
      app('/settings/audit-log', (page) => page.getByText("Only the workspace's admins can read the audit log.")),
    );
  }
  return routes;
}

/** Console errors and uncaught exceptions of a page, as they happen. */
function watchConsole(page) {
  const errors = [];
  page.on('console', (message) => {
    // A record that is not the reader's to see is answered 404, which the
    // browser logs; the page then says "not found", checked by the routes.
    const notFound = message.text().includes('the server responded with a status of 404');
    if (message.type() === 'error' && !notFound) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  // Which request failed, which the console does not say.
  page.on('response', (response) => {
    if (response.status() >= 500) errors.push(`${response.status()} from ${response.request().method()} ${response.url()}`);
  });
  return errors;
}

/** The page at `route` is rendered, hydrated and working. */
async function expectWorking(page, route, how, status, errors) {
  const where = `${route.path} (${how})`;
  await expect(page.locator('body[data-hydrated]'), `${where}: hydrated`)
    .toBeAttached({ timeout: INTERACTIVE_WITHIN })
    .catch((failure) => { throw new Error(`${failure.message}\nconsole:\n${errors.join('\n')}`); });
  if (route.signInFor) {
    const next = new URL(page.url()).searchParams.get('next');
    expect(new URL(page.url()).pathname, `${where}: sent to sign in`).toBe('/sign-in');
    // "/" is Messages: the way back may name either.
    const back = route.signInFor === '/' ? ['/', '/messages'] : [route.signInFor];
    expect(back, `${where}: and back here after`).toContain(next);
  }
  await expect(route.landmark(page), `${where}: shows its content`).toBeVisible({ timeout: INTERACTIVE_WITHIN });
  await expect(page.getByRole('main'), `${where}: has a main landmark`).toHaveCount(1);
  if (route.inApp) {
    // Interactive: the sidebar navigates inside the app, without loading a page.
    await page.evaluate(() => { window.stillThisPage = true; });
    const nav = page.getByRole('navigation', { name: 'Main' });
    const target = route.path === '/notifications' ? 'Messages' : 'Notifications';
    await nav.getByRole('link', { name: new RegExp(`^${target}`) }).click();
    // (A client with one conversation is taken into it from Messages.)
    await expect(page, `${where}: the ${target} link works`)
      .toHaveURL(new RegExp(`/${target.toLowerCase()}(/[^/]+)?$`), { timeout: INTERACTIVE_WITHIN });
    expect(await page.evaluate(() => window.stillThisPage), `${where}: navigated inside the app`).toBe(true);
  }
  // The browser reports a page answered with an error status; nothing else may be logged.
  const unexpected = errors.splice(0).filter((e) => !new RegExp(`status of ${status}\\b`).test(e) || status < 400);
  const serverErrors = () => parlor.logs().split('\n').filter((line) => /ERROR/.test(line)).join('\n');
  expect(unexpected, `${where}: console errors; the server's errors:\n${unexpected.length ? serverErrors() : ''}`).toEqual([]);
  expect(parlor.panics(), `${where}: server panics`).toEqual([]);
}

for (const role of ['admin', 'limited', 'client', 'nobody']) {
  for (const [device, viewport] of Object.entries(WIDTHS)) {
    test(`every route works when opened directly or reloaded: ${role}, ${device}`, async ({ browser }) => {
      test.setTimeout(240_000);
      const context = await browser.newContext({ baseURL: parlor.url, viewport });
      const page = await context.newPage();
      const credentials = { admin: OWNER, limited: people.limited, client: people.ann }[role];
      if (credentials) await signInOn(page, credentials);
      const errors = watchConsole(page);
      for (const route of routesFor(role)) {
        // Typed in, or followed from an e-mail.
        const response = await page.goto(route.path);
        if (route.status) expect(response.status(), `${route.path}: status`).toBe(route.status);
        expect(response.status(), `${route.path}: status`).toBeLessThan(500);
        await expectWorking(page, route, 'opened directly', response.status(), errors);

        // Reached inside the app from another page, then reloaded.
        const start = route.inApp
          ? (route.path === '/notifications' ? '/clients' : '/notifications')
          : (route.path === '/sign-in' ? '/setup/elsewhere' : '/sign-in');
        await page.goto(start);
        await expect(page.locator('body[data-hydrated]')).toBeAttached();
        await page.evaluate((path) => {
          const link = Object.assign(document.createElement('a'), { href: path });
          document.body.append(link);
          link.click();
        }, route.path);
        await page.waitForURL((url) => `${url.pathname}${url.search}` !== start, { waitUntil: 'commit' });
        const reloaded = await page.reload();
        expect(reloaded.status(), `${route.path}: status after reload`).toBeLessThan(500);
        await expectWorking(page, route, 'reloaded after navigating there', reloaded.status(), errors);
      }
      await context.close();
    });
  }
}
