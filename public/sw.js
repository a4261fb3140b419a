// Parlor's service worker: makes the app installable and lets its shell
// (code, styles, icons) load when the network is slow or gone. Pages, the
// API and files are private and always come from the network: nothing a
// person may no longer see is ever served from a cache.
const CACHE = 'parlor-shell-v1';
const SHELL = ['/pkg/parlor.js', '/pkg/parlor_bg.wasm', '/pkg/__wasm_split.js', '/parlor.css', '/icon.svg', '/manifest.webmanifest'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) {
    return; // the browser fetches it from the network as usual
  }
  // Network first, so a new build is picked up at once; the cache only
  // answers when the network does not.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        return response;
      })
      .catch(() => caches.match(event.request)),
  );
});
