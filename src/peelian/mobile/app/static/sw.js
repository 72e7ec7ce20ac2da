// The officer app's service worker: keeps the app shell and its files in a versioned cache so the
// app opens with no network. API calls are never intercepted or cached: personal data is kept only
// in the app's encrypted store. The server fills in VERSION (a hash of the files) and ASSETS.
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const CACHE = `peelian-app-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(ASSETS.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("peelian-app-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/app/")) {
    event.respondWith(caches.match("/app/", { cacheName: CACHE }).then((hit) => hit || fetch(request)));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
  }
});

// Background Sync (Chromium): the outbox is encrypted under a key only an unlocked page holds, so
// the worker asks open pages to sync; with none open, the next opening syncs.
self.addEventListener("sync", (event) => {
  if (event.tag !== "peelian-outbox") return;
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((clients) => clients.forEach((c) => c.postMessage({ type: "sync" }))),
  );
});
