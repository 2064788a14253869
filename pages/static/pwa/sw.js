// Household Services' service worker, served as /sw.js by pages/pwa.py, which fills in CACHE_NAME, SHELL_URLS and
// ASSET_PREFIXES.
//
// It keeps the static shell and nothing else: the offline page, the icons, the manifest, and NiceGUI's own scripts,
// styles and fonts, which are the same for everybody. It never keeps a page (the HTML of a page holds the viewer's
// name, requests and addresses), a download (/documents, /exports), an answer of any other route, NiceGUI's
// per-tab traffic (/_nicegui_ws, /_nicegui/client) or the files NiceGUI hands out by token (/_nicegui/auto):
// whoever picks the phone up after sign-out, or opens it offline, must not find any of that in here.
'use strict';

const CACHE = CACHE_NAME; // a new name whenever what is kept changes; older caches are deleted on activation
const SHELL = SHELL_URLS;
const ASSETS = ASSET_PREFIXES; // NiceGUI's version is in these paths: a new version is a new address
const OFFLINE = '/offline';

self.addEventListener('install', (event) => {
  const routed = routeAroundThisWorker(event); // asked for while the install event is being handled
  event.waitUntil(
    Promise.all([routed, caches.open(CACHE).then((cache) => cache.addAll(SHELL))]).then(() => self.skipWaiting()),
  );
});

// Where the browser can (Chromium's static routing), it answers the shell from the cache and NiceGUI's other files
// from the network (its HTTP cache keeps them: their addresses name NiceGUI's version) without starting this worker
// or running its fetch handler for each: a phone's repeat visit waited 200 ms for the worker to hand over files it
// already had. Pages still come through the fetch handler below, for the offline page. Elsewhere the fetch handler
// does all of it.
function routeAroundThisWorker(event) {
  if (typeof event.addRoutes !== 'function') return Promise.resolve();
  const exactly = (pathname) => ({ urlPattern: new URLPattern({ pathname, search: '' }) });
  const under = (prefix) => ({ urlPattern: new URLPattern({ pathname: `${prefix}*` }) });
  return event
    .addRoutes([
      ...SHELL.map((path) => ({ condition: exactly(path), source: 'cache' })), // a shell file missing: the network
      ...ASSETS.map((prefix) => ({ condition: under(prefix), source: 'network' })),
    ])
    .catch((error) => console.warn('static routes refused, the fetch handler answers everything:', error));
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // pages come from the network only; without one, the offline page stands in (never an older copy of the page)
    event.respondWith(fetch(request).catch(offlinePage));
  } else if (isShell(url)) {
    event.respondWith(cacheFirst(request));
  }
  // anything else is left to the browser, which asks the network as if there were no service worker
});

function isShell(url) {
  if (url.search) return false; // the shell's addresses have no query
  return SHELL.includes(url.pathname) || ASSETS.some((prefix) => url.pathname.startsWith(prefix));
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

async function offlinePage() {
  const kept = await caches.match(OFFLINE);
  return kept || new Response('You are offline.', { status: 503, headers: { 'Content-Type': 'text/plain' } });
}
