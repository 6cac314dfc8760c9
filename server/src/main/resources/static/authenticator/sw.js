/*
 * The service worker of Portvakt Authenticator (scope /authenticator/). It keeps the app shell so that the app opens
 * and lists its accounts offline, and it turns a Web Push message ({"request": id}, decision 0019) into a
 * notification: it asks the server for the details itself, signing the "pending" call with the account's key from
 * IndexedDB (a non-extractable key can sign here as in the page), and falls back to a notification without details.
 */
'use strict';

importScripts('texts.js', 'device.js');

var SHELL_CACHE = 'portvakt-authenticator-shell-v1';
var SHELL = [
  './',
  'index.html',
  'app.css',
  'app.js',
  'device.js',
  'texts.js',
  'manifest.webmanifest',
  'icons/icon-192.png',
  'icons/icon-512.png',
  'icons/icon-maskable-512.png',
  'icons/apple-touch-icon.png',
  '../css/portvakt.css',
  '../favicon.svg'
].map(function (path) { return new URL(path, self.registration.scope).href; });
// When the network does not answer within this time, the shell comes from the cache (a slow connection should not
// keep a person from a waiting sign-in request).
var NETWORK_WAIT = 3000;
var t = self.PortvaktTexts.t;
var device = self.PortvaktDevice;

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    // Around the HTTP cache: static files are cached for days, and the shell must be the one just deployed.
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { cache: 'no-cache', credentials: 'omit' }).then(function (response) {
        if (!response.ok) {
          throw new Error(url + ' answered ' + response.status);
        }
        return cache.put(url, response);
      });
    }));
  }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf('portvakt-authenticator-shell-') === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return self.clients.claim();
  }));
});

/** The shell's URL for a request, or null: a navigation anywhere in the scope is the app's page. */
function shellUrl(request) {
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) {
    return null;
  }
  if (request.mode === 'navigate' && url.href.indexOf(self.registration.scope) === 0) {
    return self.registration.scope;
  }
  url.search = '';
  url.hash = '';
  return SHELL.indexOf(url.href) >= 0 ? url.href : null;
}

// The shell from the network first (so a new version shows at once), from the cache when offline or slow; the API
// and everything else go to the network untouched.
self.addEventListener('fetch', function (event) {
  var url = shellUrl(event.request);
  if (url === null) {
    return;
  }
  event.respondWith(caches.open(SHELL_CACHE).then(function (cache) {
    var network = fetch(event.request.mode === 'navigate' ? url : event.request, { cache: 'no-cache' })
      .then(function (response) {
        if (response.ok) {
          cache.put(url, response.clone());
          return response;
        }
        return cache.match(url).then(function (cached) { return cached || response; });
      });
    var fallback = new Promise(function (resolve) {
      setTimeout(resolve, NETWORK_WAIT);
    }).then(function () {
      return cache.match(url);
    });
    return Promise.race([network, fallback.then(function (cached) { return cached || network; })])
      .catch(function () {
        return cache.match(url).then(function (cached) {
          return cached || Response.error();
        });
      });
  }));
});

/** The waiting request with this id (or any, without one) and its account, by asking for each account's pending. */
function findRequest(id) {
  var scope = self.registration.scope;
  return device.accounts().then(function (accounts) {
    return accounts.filter(function (account) { return !account.gone; }).reduce(function (found, account) {
      return found.then(function (request) {
        if (request) {
          return request;
        }
        return device.call(scope, account, 'pending').then(function (answer) {
          var requests = answer.status === 200 && answer.body && answer.body.requests || [];
          var match = requests.filter(function (r) { return !id || r.id === id; })[0];
          return match ? { request: match, account: account } : null;
        });
      });
    }, Promise.resolve(null));
  });
}

self.addEventListener('push', function (event) {
  var id = null;
  try {
    id = event.data ? event.data.json().request : null;
  } catch (e) {
    id = null;
  }
  event.waitUntil(findRequest(id).catch(function () { return null; }).then(function (found) {
    // An open app shows the request at once instead of at its next poll.
    self.clients.matchAll({ type: 'window' }).then(function (windows) {
      windows.forEach(function (client) { client.postMessage({ type: 'pending' }); });
    });
    var body = found
      ? t('notify.body', { application: found.request.application, address: found.request.place
          ? found.request.address + ', ' + found.request.place : found.request.address })
      : t('notify.generic');
    return self.registration.showNotification(t('notify.title'), {
      body: body,
      tag: 'portvakt-signin-' + (id || 'request'),
      icon: 'icons/icon-192.png',
      lang: self.PortvaktTexts.language,
      requireInteraction: true,
      data: { request: id }
    });
  }));
});

// The push service replaced or dropped the subscription: subscribe again and tell the server for each account, or
// the server would push into the void until the app is next opened (which also checks).
self.addEventListener('pushsubscriptionchange', function (event) {
  var scope = self.registration.scope;
  var renewed = event.newSubscription ? Promise.resolve(event.newSubscription)
    : device.pushKey(scope).then(function (key) {
      return self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    });
  event.waitUntil(renewed.then(function (subscription) {
    var push = device.pushJson(subscription);
    return device.accounts().then(function (accounts) {
      return Promise.all(accounts.filter(function (account) { return !account.gone; }).map(function (account) {
        return device.call(scope, account, 'subscription', { push: push }).then(function (answer) {
          if (answer.status === 204) {
            account.pushEndpoint = push.endpoint;
            return device.saveAccount(account);
          }
          return null;
        });
      }));
    });
  }).catch(function () {
    return null;
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var scope = self.registration.scope;
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
    var open = windows.filter(function (client) { return client.url.indexOf(scope) === 0; })[0];
    if (open) {
      open.postMessage({ type: 'pending' });
      return open.focus();
    }
    return self.clients.openWindow(scope);
  }));
});
