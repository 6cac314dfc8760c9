#!/usr/bin/env node
// Signs a person in to a running Portvakt with openid-client (panva's certified OpenID Connect relying
// party library), once per client, and prints a JSON summary. Exits non-zero on any failure.
//
//   node interop.mjs ISSUER EMAIL PASSWORD [--client SPEC]...
//
// SPEC is a query string: client_id=...&redirect_uri=...[&client_secret=...][&scope=...][&alg=RS256]
//                        [&post_logout_redirect_uri=...]   (then RP-initiated logout is checked too)
//                        [&logout_hint=latest|first]        (the ID token of the refresh, or of the sign-in)
// A client with a secret authenticates with client_secret_basic, one without is public (none).
// Without --client the two clients of the test bootstrap (test-web and test-native) are used.
//
// The library does discovery, PKCE (S256), state, nonce, the code exchange, the ID token checks (signature
// against the JWKS, iss, aud, exp, iat, nonce, auth_time), userinfo (sub must match) and the refresh. This
// script itself only plays the person's browser on the two sign-in pages: fetch, a tiny cookie jar, and the
// hidden _csrf field of each form. It stops at the redirect to the client's redirect_uri without following it.

import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';

// openid-client supports Node 20+, where Web Crypto is a global; Debian bookworm's own nodejs is 18, where it
// is not. Providing it lets the run work there too; it changes nothing on Node 20+.
globalThis.crypto ??= webcrypto;
const client = await import('openid-client');

const DEFAULT_CLIENTS = [
  'client_id=test-web&client_secret=test-web-secret'
    + '&redirect_uri=' + encodeURIComponent('http://localhost:8081/login/oauth2/code/portvakt'),
  'client_id=test-native&redirect_uri=' + encodeURIComponent('http://127.0.0.1/callback'),
];
const DEFAULT_SCOPE = 'openid email profile offline_access';
const MAX_HOPS = 10;

class InteropError extends Error {}

function fail(message) {
  throw new InteropError(message);
}

function check(condition, message) {
  if (!condition) fail(message);
}

function parseArgs(argv) {
  const positional = [];
  const clients = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--client') {
      clients.push(argv[++i] ?? fail('--client needs a value'));
    } else {
      positional.push(argv[i]);
    }
  }
  if (positional.length !== 3) {
    fail('usage: node interop.mjs ISSUER EMAIL PASSWORD [--client client_id=..&redirect_uri=..[&client_secret=..][&scope=..][&alg=..]]...');
  }
  const [issuer, email, password] = positional;
  return {
    issuer,
    email,
    password,
    clients: (clients.length ? clients : DEFAULT_CLIENTS).map((spec) => {
      const p = new URLSearchParams(spec);
      return {
        clientId: p.get('client_id') ?? fail(`client spec without client_id: ${spec}`),
        clientSecret: p.get('client_secret') ?? undefined,
        redirectUri: p.get('redirect_uri') ?? fail(`client spec without redirect_uri: ${spec}`),
        scope: p.get('scope') ?? DEFAULT_SCOPE,
        alg: p.get('alg') ?? 'RS256',
        postLogoutRedirectUri: p.get('post_logout_redirect_uri') ?? undefined,
        logoutHint: p.get('logout_hint') ?? 'latest',
      };
    }),
  };
}

// --- The person's browser: fetch without following redirects, and a cookie jar for one host. -----------

class Browser {
  constructor(origin) {
    this.origin = origin;
    this.cookies = new Map();
    this.requests = [];
  }

  async request(url, init = {}) {
    const target = new URL(url, this.origin);
    check(target.origin === this.origin, `the browser was sent off the server to ${target}`);
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a))
        || attributes.some((a) => /^\s*expires\s*=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now());
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const body = await response.text();
    this.requests.push(`${init.method ?? 'GET'} ${target.pathname} -> ${response.status}`);
    return { url: target, status: response.status, location: response.headers.get('location'), body };
  }

  get(url) {
    return this.request(url);
  }

  post(url, fields) {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

function decodeEntities(text) {
  return text
    .replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

function attribute(tag, name) {
  const match = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return match ? decodeEntities(match[1] ?? match[2] ?? match[3]) : undefined;
}

/** The form of a page whose method is POST and that has a field with this name: its action and hidden fields. */
function postForm(page, fieldName) {
  for (const [formHtml] of page.body.matchAll(/<form\b[\s\S]*?<\/form>/gi)) {
    const formTag = formHtml.match(/<form\b[^>]*>/i)[0];
    if ((attribute(formTag, 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const inputs = [...formHtml.matchAll(/<input\b[^>]*>/gi)].map(([tag]) => tag);
    if (!inputs.some((tag) => attribute(tag, 'name') === fieldName)) continue;
    const hidden = {};
    for (const tag of inputs) {
      if ((attribute(tag, 'type') ?? '').toLowerCase() === 'hidden' && attribute(tag, 'name')) {
        hidden[attribute(tag, 'name')] = attribute(tag, 'value') ?? '';
      }
    }
    check(hidden._csrf, `the form with ${fieldName} on ${page.url.pathname} has no _csrf field`);
    return { action: new URL(attribute(formTag, 'action') ?? page.url.href, page.url), hidden };
  }
  return fail(`no POST form with a ${fieldName} field on ${page.url.pathname} (status ${page.status}):\n${page.body.slice(0, 2000)}`);
}

/**
 * Plays the person: opens the authorization URL, follows the server's redirects, fills in the email page and
 * the password page (and answers the 2FA prompt with "Remind me later"), and returns the URL of the redirect to
 * the client (not followed).
 */
async function signIn(browser, authorizationUrl, redirectUri, email, password) {
  let response = await browser.get(authorizationUrl);
  const filled = new Set();
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (response.status >= 300 && response.status < 400) {
      check(response.location, `redirect without Location from ${response.url.pathname}`);
      const next = new URL(response.location, response.url);
      if (next.href.startsWith(redirectUri)) return next;
      response = await browser.get(next);
      continue;
    }
    check(response.status === 200, `${response.url.pathname} answered ${response.status}:\n${response.body.slice(0, 2000)}`);
    if (response.url.pathname === '/signin/two-factor') {
      // The 2FA prompt (journey step 4) for a person without 2FA: "Remind me later", as the person would.
      check(!filled.has('prompt'), `the 2FA prompt came back after "Remind me later":\n${response.body.slice(0, 2000)}`);
      filled.add('prompt');
      const prompt = postForm(response, '_csrf');
      response = await browser.post(prompt.action, { ...prompt.hidden, action: 'later' });
      continue;
    }
    const step = /name\s*=\s*["']?password\b/i.test(response.body) ? 'password' : 'email';
    check(!filled.has(step), `the ${step} page came back after it was submitted (wrong ${step}?):\n${response.body.slice(0, 2000)}`);
    filled.add(step);
    const form = postForm(response, step);
    response = await browser.post(form.action, { ...form.hidden, [step]: step === 'email' ? email : password });
  }
  return fail(`no redirect to ${redirectUri} after ${MAX_HOPS} steps: ${browser.requests.join(', ')}`);
}

// --- The relying party, all of it openid-client. ---------------------------------------------------------

async function run(issuer, email, password, spec) {
  const insecure = new URL(issuer).protocol === 'http:';
  const config = await client.discovery(
    new URL(issuer),
    spec.clientId,
    {
      redirect_uris: [spec.redirectUri],
      response_types: ['code'],
      id_token_signed_response_alg: spec.alg,
      require_auth_time: true,
    },
    spec.clientSecret ? client.ClientSecretBasic(spec.clientSecret) : client.None(),
    {
      // A loopback test server speaks plain HTTP; the library refuses that unless told. Validating the
      // ID token signature against the JWKS is optional for the library over TLS, so ask for it explicitly.
      execute: [...(insecure ? [client.allowInsecureRequests] : []), client.enableNonRepudiationChecks],
    },
  );
  // Record what the library itself asks the server (token, JWKS, userinfo...), for the summary.
  const libraryRequests = [];
  config[client.customFetch] = async (url, options) => {
    const response = await fetch(url, options);
    libraryRequests.push(`${options.method} ${new URL(url).pathname} -> ${response.status}`);
    return response;
  };
  const server = config.serverMetadata();
  check(server.issuer === issuer, `discovery issuer ${server.issuer} is not ${issuer}`);
  check(server.code_challenge_methods_supported?.includes('S256'), 'discovery does not offer PKCE S256');

  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: spec.redirectUri,
    scope: spec.scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });

  const browser = new Browser(new URL(issuer).origin);
  const callback = await signIn(browser, authorizationUrl, spec.redirectUri, email, password);

  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  check(claims, 'no ID token claims');
  check(typeof claims.sub === 'string' && claims.sub.length > 0, 'ID token without sub');
  check(claims.email === email, `ID token email ${claims.email} is not ${email}`);
  check(Array.isArray(claims.amr) && claims.amr.length > 0, `ID token amr is not a non-empty array: ${JSON.stringify(claims.amr)}`);
  const idTokenHeader = JSON.parse(Buffer.from(tokens.id_token.split('.')[0], 'base64url').toString());
  check(idTokenHeader.alg === spec.alg, `ID token signed with ${idTokenHeader.alg}, not ${spec.alg}`);

  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

  const summary = {
    client_id: spec.clientId,
    token_endpoint_auth_method: spec.clientSecret ? 'client_secret_basic' : 'none',
    issuer: server.issuer,
    sign_in: browser.requests,
    id_token: {
      alg: idTokenHeader.alg,
      kid: idTokenHeader.kid,
      sub: claims.sub,
      iss: claims.iss,
      aud: claims.aud,
      email: claims.email,
      email_verified: claims.email_verified,
      name: claims.name,
      amr: claims.amr,
      acr: claims.acr,
      auth_time: claims.auth_time,
      sid: claims.sid,
      expires_in: claims.exp - Math.floor(Date.now() / 1000),
    },
    userinfo: { sub: userinfo.sub, email: userinfo.email, email_verified: userinfo.email_verified, name: userinfo.name },
    token_type: tokens.token_type,
    scope: tokens.scope,
    refresh: null,
  };

  let latestIdToken = tokens.id_token;
  if (spec.scope.split(' ').includes('offline_access')) {
    check(tokens.refresh_token, 'no refresh token although offline_access was granted');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    check(refreshed.access_token && refreshed.access_token !== tokens.access_token, 'refresh did not give a new access token');
    const refreshedClaims = refreshed.claims();
    if (refreshedClaims) check(refreshedClaims.sub === claims.sub, 'the refreshed ID token is for another sub');
    latestIdToken = refreshed.id_token ?? latestIdToken;
    const refreshedUserinfo = await client.fetchUserInfo(config, refreshed.access_token, claims.sub);
    const rotated = Boolean(refreshed.refresh_token) && refreshed.refresh_token !== tokens.refresh_token;
    let oldRefreshTokenRejected = null;
    if (rotated) {
      // A rotated refresh token must not work a second time.
      try {
        await client.refreshTokenGrant(config, tokens.refresh_token);
        oldRefreshTokenRejected = false;
      } catch (e) {
        check(e instanceof client.ResponseBodyError, `reusing the old refresh token failed oddly: ${e}`);
        oldRefreshTokenRejected = e.error;
      }
    }
    summary.refresh = {
      new_access_token: refreshed.access_token !== tokens.access_token,
      id_token: Boolean(refreshed.id_token),
      userinfo_sub: refreshedUserinfo.sub,
      refresh_token_rotated: rotated,
      old_refresh_token_rejected: oldRefreshTokenRejected,
    };
    if (spec.clientSecret) {
      // Revocation (RFC 7009) and introspection (RFC 7662), as a confidential client.
      const latestRefreshToken = refreshed.refresh_token ?? tokens.refresh_token;
      const introspected = await client.tokenIntrospection(config, refreshed.access_token);
      check(introspected.active === true && introspected.sub === claims.sub, `introspection of the access token: ${JSON.stringify(introspected)}`);
      await client.tokenRevocation(config, latestRefreshToken, { token_type_hint: 'refresh_token' });
      let revokedRejected = null;
      try {
        await client.refreshTokenGrant(config, latestRefreshToken);
      } catch (e) {
        check(e instanceof client.ResponseBodyError, `refreshing with a revoked token failed oddly: ${e}`);
        revokedRejected = e.error;
      }
      check(revokedRejected, 'a revoked refresh token still works');
      summary.refresh.introspection_active = introspected.active;
      summary.refresh.revoked_refresh_token_rejected = revokedRejected;
    }
    if (!spec.clientSecret) {
      check(rotated, 'the refresh token of a public client was not rotated');
      check(oldRefreshTokenRejected, 'the old refresh token of a public client still works after rotation');
    }
  }
  if (spec.postLogoutRedirectUri) {
    // RP-initiated logout: the library builds the end-session URL with the latest ID token (or the one of the
    // sign-in, as many applications keep only that one) as the hint, the browser follows it to the post_logout_redirect_uri (with our state), and afterwards the same browser must
    // be asked to sign in again.
    const logoutState = client.randomState();
    const endSession = client.buildEndSessionUrl(config, {
      id_token_hint: spec.logoutHint === 'first' ? tokens.id_token : latestIdToken,
      post_logout_redirect_uri: spec.postLogoutRedirectUri,
      state: logoutState,
    });
    let response = await browser.get(endSession);
    for (let hop = 0; hop < MAX_HOPS && response.status >= 300 && response.status < 400; hop++) {
      const next = new URL(response.location, response.url);
      if (next.href.startsWith(spec.postLogoutRedirectUri)) {
        response = { redirectedTo: next };
        break;
      }
      response = await browser.get(next);
    }
    check(response.redirectedTo, `logout did not redirect to ${spec.postLogoutRedirectUri}: ${browser.requests.join(', ')}\n${response.body?.slice(0, 2000)}`);
    check(response.redirectedTo.searchParams.get('state') === logoutState, `logout redirect without our state: ${response.redirectedTo}`);
    const again = await browser.get(authorizationUrl);
    const signInAgain = again.status >= 300 && again.status < 400 && new URL(again.location, again.url).pathname === '/signin';
    check(signInAgain, `after logout the authorization request did not ask to sign in again: ${again.status} ${again.location}`);
    summary.logout = { id_token_hint: spec.logoutHint, redirected_to: response.redirectedTo.href.split('?')[0], state: true, signs_in_again: true };
  }
  summary.library_requests = libraryRequests;
  check(libraryRequests.some((r) => r.startsWith(`GET ${new URL(server.jwks_uri).pathname} -> 200`)),
    'the library never fetched the JWKS, so the ID token signature was not checked');
  return summary;
}

function describe(error) {
  const parts = [error instanceof InteropError ? error.message : `${error.name}: ${error.message}`];
  if (error.code) parts.push(`code=${error.code}`);
  if (error.error) parts.push(`error=${error.error} ${error.error_description ?? ''}`.trim());
  if (error.status) parts.push(`status=${error.status}`);
  if (error.cause && !(error.cause instanceof Response)) parts.push(`cause=${JSON.stringify(error.cause)}`);
  return parts.join(' ');
}

function libraryVersion() {
  try {
    return JSON.parse(readFileSync(new URL('./node_modules/openid-client/package.json', import.meta.url))).version;
  } catch {
    return 'unknown';
  }
}

async function main() {
  const { issuer, email, password, clients } = parseArgs(process.argv.slice(2));
  const results = [];
  for (const spec of clients) {
    try {
      results.push({ ok: true, ...(await run(issuer, email, password, spec)) });
    } catch (error) {
      results.push({ ok: false, client_id: spec.clientId, error: describe(error) });
    }
  }
  const ok = results.every((r) => r.ok);
  const library = `openid-client ${libraryVersion()} on Node ${process.versions.node}`;
  console.log(JSON.stringify({ ok, library, issuer, clients: results }, null, 2));
  process.exitCode = ok ? 0 : 1;
}

main().catch((error) => {
  console.error(describe(error));
  process.exitCode = 2;
});
