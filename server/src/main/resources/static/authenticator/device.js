/*
 * The device side of decision 0019, shared by the page (app.js) and the service worker (sw.js, through
 * importScripts, hence a plain script rather than a module): the accounts in IndexedDB, each with its own ECDSA P-256
 * key that Web Crypto made non-extractable (the app's own script cannot read it, only sign with it), and the signed
 * calls to {issuer}/authenticator/api/*: every message a compact JWS whose ES256 signature Web Crypto already gives
 * in the raw r||s form that JWS wants.
 */
(function (scope) {
  'use strict';

  var DATABASE = 'portvakt-authenticator';
  var ACCOUNTS = 'accounts';
  var SIGNING = { name: 'ECDSA', hash: 'SHA-256' };
  var encoder = new TextEncoder();
  // Milliseconds to add to this device's clock to get the server's, learnt from answers' Date headers when the two
  // differ by more than half a minute: the server refuses an iat more than 120 s from its own clock.
  var clockOffset = 0;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(ACCOUNTS, { keyPath: 'id' });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function transaction(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(ACCOUNTS, mode);
        var result = work(tx.objectStore(ACCOUNTS));
        tx.oncomplete = function () { db.close(); resolve(result && 'result' in result ? result.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  /** The accounts on this device, oldest first: {id, device, email, issuer, name, keys, addedAt, gone}. */
  function accounts() {
    return transaction('readonly', function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).sort(function (a, b) { return a.addedAt - b.addedAt; });
    });
  }

  function saveAccount(account) {
    return transaction('readwrite', function (store) { store.put(account); });
  }

  function forgetAccount(id) {
    return transaction('readwrite', function (store) { store.delete(id); });
  }

  /** A new key pair whose private half can sign but never be exported, not even by this script. */
  function makeKey() {
    return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  }

  function base64url(bytes) {
    var binary = '';
    var array = new Uint8Array(bytes);
    for (var i = 0; i < array.length; i++) {
      binary += String.fromCharCode(array[i]);
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function fromBase64url(text) {
    var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var binary = atob(base64 + '==='.slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  function randomId() {
    return base64url(crypto.getRandomValues(new Uint8Array(16)));
  }

  function now() {
    return Math.floor((Date.now() + clockOffset) / 1000);
  }

  /** header.payload.signature, each part base64url; the signature is ES256 by the private key. */
  function compactJws(header, payload, privateKey) {
    var input = base64url(encoder.encode(JSON.stringify(header))) + '.'
      + base64url(encoder.encode(JSON.stringify(payload)));
    return crypto.subtle.sign(SIGNING, privateKey, encoder.encode(input)).then(function (signature) {
      return input + '.' + base64url(signature);
    });
  }

  function learnClock(response) {
    var date = Date.parse(response.headers.get('Date') || '');
    if (!isNaN(date)) {
      var offset = date - Date.now();
      clockOffset = Math.abs(offset) > 30000 ? offset : 0;
    }
  }

  /** POSTs a JWS and answers {status, body}; body is the parsed JSON or null. A network failure rejects. */
  function post(url, jws) {
    return fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/jose', 'Accept': 'application/json' },
      body: jws,
      credentials: 'omit',
      cache: 'no-store'
    }).then(function (response) {
      learnClock(response);
      return response.text().then(function (text) {
        var body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch (e) {
          body = null;
        }
        return { status: response.status, body: body };
      });
    });
  }

  /** The URL of an operation, relative to the app's own address (base: the URL of /authenticator/). */
  function endpoint(base, operation) {
    return new URL('api/' + operation, base).href;
  }

  /** The server's VAPID public key as bytes, for PushManager.subscribe. */
  function pushKey(base) {
    return fetch(endpoint(base, 'push-key'), { credentials: 'omit', cache: 'no-store' }).then(function (response) {
      learnClock(response);
      if (!response.ok) {
        throw new Error('push-key answered ' + response.status);
      }
      return response.json();
    }).then(function (body) {
      return fromBase64url(body.applicationServerKey);
    });
  }

  /**
   * XXXX-XXXX-XXXX typed any way (case, spaces, dashes, also the non-breaking hyphens the app shows codes with) as
   * its 12 characters, or null when it cannot be one.
   */
  function pairingCode(typed) {
    var code = String(typed || '').toUpperCase().replace(/[\s\u2010-\u2015-]+/g, '');
    return /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{12}$/.test(code) ? code : null;
  }

  /**
   * Pairs a new key with the account behind the code: {status, body, keys}; on 201 the body holds device, email and
   * issuer. push is a PushSubscription's JSON or null.
   */
  function pair(base, code, name, push, keys) {
    var url = endpoint(base, 'pair');
    return crypto.subtle.exportKey('jwk', keys.publicKey).then(function (jwk) {
      var header = { alg: 'ES256', typ: 'portvakt-pair+jwt', jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } };
      var payload = { code: code, name: name, iat: now(), jti: randomId(), htu: url };
      if (push) {
        payload.push = push;
      }
      return compactJws(header, payload, keys.privateKey);
    }).then(function (jws) {
      return post(url, jws);
    });
  }

  /**
   * A call of a paired device (pending, decide, report, subscription, remove) with the payload's own fields added:
   * {status, body}. The htu is built from the account's issuer, as the server builds it.
   */
  function call(base, account, operation, fields) {
    var payload = { htu: account.issuer.replace(/\/+$/, '') + '/authenticator/api/' + operation, iat: now(), jti: randomId() };
    Object.keys(fields || {}).forEach(function (name) { payload[name] = fields[name]; });
    var header = { alg: 'ES256', typ: 'portvakt-device+jwt', kid: account.device };
    return compactJws(header, payload, account.keys.privateKey).then(function (jws) {
      return post(endpoint(base, operation), jws);
    });
  }

  /** The subscription as 0019 carries it: endpoint and keys only. */
  function pushJson(subscription) {
    if (!subscription) {
      return null;
    }
    var json = subscription.toJSON();
    return { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
  }

  scope.PortvaktDevice = {
    accounts: accounts,
    saveAccount: saveAccount,
    forgetAccount: forgetAccount,
    makeKey: makeKey,
    randomId: randomId,
    pairingCode: pairingCode,
    pushKey: pushKey,
    pushJson: pushJson,
    pair: pair,
    call: call
  };
})(self);
