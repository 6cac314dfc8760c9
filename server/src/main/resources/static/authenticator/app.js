/*
 * Portvakt Authenticator, the web app of journey steps 4a (pairing: a code from the QR link or typed, "Accept"
 * permissions, a key made on the device) and 5 (approving a sign-in by tapping the number the browser shows).
 * It speaks decision 0019 through device.js; texts come from texts.js. No framework: a few screens in index.html
 * shown one at a time, request cards built with the DOM.
 */
const { t, language } = self.PortvaktTexts;
const device = self.PortvaktDevice;

/** The app's own address (…/authenticator/): the API and the service worker are relative to it. */
const BASE = new URL('./', import.meta.url).href;
const POLL_EVERY = 4000;
const SUBSCRIBE_WAIT = 10000;

const byId = (id) => document.getElementById(id);
let accounts = [];
/** Sign-in requests by id: {request, account, status: open|sending|done, outcome, error, reported, card}. */
const requests = new Map();
let pairing = null;
let polling = false;
let installPrompt = null;
/** Whether notifications are allowed but no push subscription could be made (no push service reachable). */
let pushFailed = false;

function element(name, attributes = {}, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') {
      node.className = value;
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(key, value === true ? '' : value);
    }
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function translate(root) {
  root.querySelectorAll('[data-t]').forEach((node) => {
    node.textContent = t(node.dataset.t);
  });
}

// Screens ---------------------------------------------------------------------------------------------------------

function show(screen, moveFocus = true) {
  document.querySelectorAll('[data-screen]').forEach((section) => {
    section.hidden = section.id !== screen;
  });
  if (moveFocus) {
    const heading = byId(screen).querySelector('h1:not([hidden]):not(#requests-title)') || byId(screen).querySelector('h1');
    heading.focus();
  }
  if (screen === 'home') {
    poll();
  }
}

function say(text, kind = 'info') {
  const box = byId('message');
  box.textContent = text || '';
  box.className = kind === 'error' ? 'alert message-box' : 'info message-box';
  box.hidden = !text;
}

function showError(id, text) {
  const box = byId(id);
  box.textContent = text || '';
  box.hidden = !text;
}

// Accounts --------------------------------------------------------------------------------------------------------

async function loadAccounts() {
  try {
    accounts = await device.accounts();
  } catch (e) {
    accounts = [];
    say(t('pair.unsupported'), 'error');
  }
  renderAccounts();
}

function host(issuer) {
  try {
    return new URL(issuer).host;
  } catch (e) {
    return issuer;
  }
}

function renderAccounts() {
  byId('no-accounts').hidden = accounts.length > 0;
  byId('accounts').replaceChildren(...accounts.map(accountItem));
  renderBlocked(byId('blocked-home'), accounts.length > 0);
}

function accountItem(account) {
  const item = element('li', { class: 'account' + (account.gone ? ' gone' : '') },
    element('div', { class: 'who' },
      element('span', { class: 'email' }, account.email),
      element('span', { class: 'meta' }, host(account.issuer)),
      element('span', { class: 'meta' }, t('account.device', { name: account.name }))));
  const actions = element('div', { class: 'actions' });
  if (account.gone) {
    actions.append(element('p', { class: 'alert', role: 'alert' }, t('account.gone', { email: account.email })),
      element('button', { type: 'button', class: 'secondary danger', onclick: () => forget(account) }, t('account.forget')));
  } else {
    actions.append(element('button', {
      type: 'button', class: 'secondary danger remove', 'aria-label': t('account.remove.label', { email: account.email }),
      onclick: () => confirmRemoval(actions, account)
    }, t('account.remove')));
  }
  item.append(actions);
  return item;
}

function confirmRemoval(actions, account) {
  const keep = element('button', { type: 'button', class: 'secondary', onclick: () => renderAccounts() }, t('account.remove.no'));
  actions.replaceChildren(
    element('p', { class: 'confirm' }, t('account.remove.confirm', { email: account.email })),
    element('div', { class: 'choices' },
      element('button', { type: 'button', class: 'primary danger-fill', onclick: () => remove(account) }, t('account.remove.yes')),
      keep));
  keep.focus();
}

/** "Remove": the server forgets the key (204), or had already forgotten it (401); then this device forgets it too. */
async function remove(account) {
  let answer;
  try {
    answer = await device.call(BASE, account, 'remove');
  } catch (e) {
    say(t('error.network'), 'error');
    return;
  }
  if (answer.status === 204 || refusal(answer) === 'unknown_device') {
    await forget(account);
  } else {
    say(t('pair.failed'), 'error');
  }
}

async function forget(account) {
  await device.forgetAccount(account.id);
  accounts = accounts.filter((a) => a.id !== account.id);
  for (const [id, entry] of requests) {
    if (entry.account.id === account.id) {
      dropRequest(id);
    }
  }
  renderAccounts();
  say(t('account.removed', { email: account.email }));
  byId('home-title').focus();
}

/** The error of a 401 answer: unknown_device (removed on the server) or invalid_signature; null otherwise. */
function refusal(answer) {
  return answer.status === 401 && answer.body ? answer.body.error : null;
}

/**
 * A signed call. 401 unknown_device: the server no longer knows the key (removed, or 2FA turned off), and the
 * account says so. 401 invalid_signature: most likely this device's clock, so it is asked once more with the clock
 * the first answer's Date header taught device.js; the account is kept.
 */
async function callOrMarkGone(account, operation, fields) {
  let answer = await device.call(BASE, account, operation, fields);
  if (refusal(answer) === 'invalid_signature') {
    answer = await device.call(BASE, account, operation, fields);
    if (refusal(answer) === 'invalid_signature') {
      say(t('error.signature'), 'error');
    }
  }
  if (refusal(answer) === 'unknown_device' && !account.gone) {
    account.gone = true;
    await device.saveAccount(account);
    renderAccounts();
  }
  return answer;
}

// Notifications ---------------------------------------------------------------------------------------------------

function platform() {
  const agent = navigator.userAgent;
  if (/iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1)) {
    return 'ios';
  }
  return /Android/.test(agent) ? 'android' : 'desktop';
}

function installed() {
  return navigator.standalone === true || matchMedia('(display-mode: standalone)').matches;
}

/** granted, denied, default (not asked yet), or unsupported (no Web Push here, e.g. iOS Safari outside the Home Screen). */
function notificationState() {
  if (!('Notification' in self) || !('PushManager' in self) || !('serviceWorker' in navigator)) {
    return 'unsupported';
  }
  return Notification.permission;
}

async function askPermission() {
  const state = notificationState();
  if (state !== 'default') {
    return state;
  }
  try {
    return await Notification.requestPermission();
  } catch (e) {
    return 'default';
  }
}

function within(promise, millis) {
  return Promise.race([promise, new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('no answer in ' + millis + ' ms')), millis);
  })]);
}

function sameBytes(a, b) {
  const x = new Uint8Array(a || []);
  const y = new Uint8Array(b || []);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}

/** This browser's push subscription with the server's key, made when missing, or null where push cannot work. */
async function subscription() {
  if (notificationState() !== 'granted') {
    return null;
  }
  try {
    const registration = await within(navigator.serviceWorker.ready, SUBSCRIBE_WAIT);
    const key = await device.pushKey(BASE);
    let current = await registration.pushManager.getSubscription();
    if (current && !sameBytes(current.options.applicationServerKey, key)) {
      await current.unsubscribe();
      current = null;
    }
    if (!current) {
      current = await within(registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
        SUBSCRIBE_WAIT);
    }
    pushFailed = false;
    return device.pushJson(current);
  } catch (e) {
    console.warn('Portvakt Authenticator: no push subscription:', e);
    pushFailed = true;
    return null;
  }
}

/** Tells the server of each account about this browser's subscription when it is new or changed (push services rotate them). */
async function syncSubscriptions() {
  const push = await subscription();
  renderAccounts();
  if (!push) {
    return;
  }
  for (const account of accounts.filter((a) => !a.gone && a.pushEndpoint !== push.endpoint)) {
    try {
      const answer = await callOrMarkGone(account, 'subscription', { push });
      if (answer.status === 204) {
        account.pushEndpoint = push.endpoint;
        await device.saveAccount(account);
      }
    } catch (e) {
      // Offline: tried again at the next start.
    }
  }
}

/** What to do when notifications are off, for this platform; hidden while they work or without accounts. */
function renderBlocked(container, relevant) {
  const state = notificationState();
  if (!relevant || (state === 'granted' && !pushFailed)) {
    container.hidden = true;
    container.replaceChildren();
    return;
  }
  if (state === 'granted') {
    container.replaceChildren(element('h2', {}, t('push.failed.title')), element('p', {}, t('push.failed')),
      element('p', { class: 'still' }, t('blocked.still')));
    container.hidden = false;
    return;
  }
  const os = platform();
  let advice;
  if (os === 'ios') {
    advice = installed() ? 'blocked.ios' : 'blocked.ios.install';
  } else if (state === 'unsupported') {
    advice = 'blocked.unsupported';
  } else {
    advice = os === 'android' ? 'blocked.android' : 'blocked.desktop';
  }
  container.replaceChildren(
    element('h2', {}, t('blocked.title')),
    element('p', {}, t(advice)),
    element('p', { class: 'still' }, t('blocked.still')));
  if (state === 'default') {
    container.append(element('button', { type: 'button', class: 'secondary', onclick: allowLater }, t('blocked.retry')));
  }
  container.hidden = false;
}

async function allowLater() {
  await askPermission();
  renderAccounts();
  await syncSubscriptions();
}

// Pairing ---------------------------------------------------------------------------------------------------------

function shownCode(code) {
  // Non-breaking hyphens: the code is not split over two lines.
  return code.slice(0, 4) + '\u2011' + code.slice(4, 8) + '\u2011' + code.slice(8);
}

/** The code of a QR link ({issuer}/authenticator/#pair=CODE), removed from the address so it is not kept in history. */
function takeLinkCode() {
  const match = /(?:^#|&)pair=([^&]*)/.exec(location.hash);
  if (!match) {
    return null;
  }
  history.replaceState(null, '', location.pathname + location.search);
  let typed;
  try {
    typed = decodeURIComponent(match[1]);
  } catch (e) {
    typed = match[1];
  }
  return { typed, code: device.pairingCode(typed) };
}

function openCodeScreen(typed = '', error = '') {
  byId('code').value = typed;
  if (error) {
    byId('code').setAttribute('aria-invalid', 'true');
  } else {
    byId('code').removeAttribute('aria-invalid');
  }
  showError('code-error', error);
  show('code-screen', false);
  byId('code').focus();
}

async function deviceName() {
  const agent = navigator.userAgent;
  let model = '';
  try {
    if (navigator.userAgentData && navigator.userAgentData.mobile) {
      model = (await navigator.userAgentData.getHighEntropyValues(['model'])).model || '';
    }
  } catch (e) {
    model = '';
  }
  const os = /iPhone/.test(agent) ? 'iPhone' : /iPad/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1)
    ? 'iPad' : /Android/.test(agent) ? 'Android' : /Windows/.test(agent) ? 'Windows' : /CrOS/.test(agent) ? 'Chromebook'
      : /Macintosh/.test(agent) ? 'Mac' : /Linux/.test(agent) ? 'Linux' : '';
  const browser = /Edg\//.test(agent) ? 'Edge' : /Firefox\/|FxiOS/.test(agent) ? 'Firefox' : /Chrome\/|CriOS/.test(agent)
    ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : '';
  const name = model || os;
  return name && browser ? name + ' (' + browser + ')' : name || browser || 'Portvakt Authenticator';
}

async function openAcceptScreen(code) {
  pairing = { code };
  byId('accept-intro').textContent = t('accept.intro', { code: shownCode(code) });
  if (!byId('device-name').value) {
    byId('device-name').value = await deviceName();
  }
  showError('accept-error', '');
  show('accept-screen');
}

function setWorking(button, working, text) {
  button.disabled = working;
  button.setAttribute('aria-busy', String(working));
  button.textContent = text;
}

/** "Accept": notification permission (asked within the tap), a new key, a push subscription when allowed, pairing. */
async function accept() {
  const button = byId('accept');
  const name = byId('device-name').value.trim().slice(0, 60) || await deviceName();
  setWorking(button, true, t('accept.working'));
  showError('accept-error', '');
  try {
    const permission = await askPermission();
    let keys;
    try {
      keys = await device.makeKey();
    } catch (e) {
      showError('accept-error', t('pair.unsupported'));
      return;
    }
    const push = permission === 'granted' ? await subscription() : null;
    let answer;
    try {
      answer = await device.pair(BASE, pairing.code, name, push, keys);
    } catch (e) {
      showError('accept-error', t('error.network'));
      return;
    }
    const body = answer.body || {};
    if (answer.status !== 201 || !body.device) {
      showError('accept-error', t(body.error === 'invalid_code' || body.error === 'slow_down' ? 'pair.' + body.error : 'pair.failed'));
      return;
    }
    const account = {
      id: device.randomId(), device: body.device, email: body.email, issuer: body.issuer, name, keys,
      addedAt: Date.now(), pushEndpoint: push ? push.endpoint : null, gone: false
    };
    await device.saveAccount(account);
    accounts.push(account);
    pairing = null;
    renderAccounts();
    say('');
    byId('done-text').textContent = t('done.text', { email: account.email });
    byId('done-push').hidden = !push;
    renderBlocked(byId('blocked-done'), !push);
    show('done-screen');
  } finally {
    setWorking(button, false, t('accept.button'));
  }
}

// Sign-in requests ------------------------------------------------------------------------------------------------

const timeFormat = new Intl.DateTimeFormat(language === 'sv' ? 'sv-SE' : undefined, { timeStyle: 'short' });
const dateTimeFormat = new Intl.DateTimeFormat(language === 'sv' ? 'sv-SE' : undefined, { dateStyle: 'medium', timeStyle: 'short' });

function when(instant) {
  const date = new Date(instant);
  if (isNaN(date)) {
    return '';
  }
  return (date.toDateString() === new Date().toDateString() ? timeFormat : dateTimeFormat).format(date);
}

/** Asks for each account's waiting requests: when the app opens, every few seconds while open, and after a push. */
async function poll() {
  if (polling || document.visibilityState !== 'visible') {
    return;
  }
  polling = true;
  let offline = false;
  const waiting = new Set();
  try {
    for (const account of accounts.filter((a) => !a.gone)) {
      let answer;
      try {
        answer = await callOrMarkGone(account, 'pending');
      } catch (e) {
        offline = true;
        continue;
      }
      if (answer.status === 200 && answer.body && Array.isArray(answer.body.requests)) {
        for (const request of answer.body.requests) {
          waiting.add(request.id);
          if (!requests.has(request.id)) {
            addRequest(request, account);
          }
        }
      }
    }
    if (!offline) {
      for (const [id, entry] of requests) {
        // No longer waiting and not answered here: it expired, or another device answered it.
        if (entry.status === 'open' && !waiting.has(id)) {
          entry.status = 'done';
          entry.outcome = Date.parse(entry.request.expiresAt) <= Date.now() + 5000 ? 'expired' : 'decided';
          renderRequest(entry, false);
        }
      }
    }
    const message = byId('message');
    if (offline) {
      say(t('home.offline'));
    } else if (message.textContent === t('home.offline')) {
      say('');
    }
  } finally {
    polling = false;
  }
}

function addRequest(request, account) {
  const entry = { request, account, status: 'open', outcome: null, error: '', reported: false, card: element('article', { class: 'request' }) };
  requests.set(request.id, entry);
  byId('requests').prepend(entry.card);
  byId('requests-area').hidden = false;
  renderRequest(entry, false);
}

function dropRequest(id) {
  const entry = requests.get(id);
  if (entry) {
    entry.card.remove();
    requests.delete(id);
  }
  byId('requests-area').hidden = requests.size === 0;
}

function fact(label, value) {
  return value ? [element('dt', {}, label), element('dd', {}, value)] : [];
}

function renderRequest(entry, moveFocus) {
  const { request, account } = entry;
  const titleId = 'request-' + request.id + '-title';
  const where = request.place ? request.address + ', ' + request.place : request.address;
  const card = entry.card;
  card.setAttribute('aria-labelledby', titleId);
  card.dataset.status = entry.status;
  const parts = [
    element('h2', { id: titleId }, t('request.title')),
    element('dl', { class: 'facts' },
      ...fact(t('request.application'), request.application),
      ...fact(t('request.account'), account.email),
      ...fact(t('request.where'), where),
      ...fact(t('request.when'), when(request.createdAt)))
  ];
  let focus = null;
  if (entry.status === 'done') {
    const outcome = element('p', { class: 'outcome ' + entry.outcome, role: 'status', tabindex: '-1' }, t('outcome.' + entry.outcome));
    parts.push(outcome);
    if ((entry.outcome === 'denied' || entry.outcome === 'wrong-number') && !entry.reported) {
      parts.push(element('p', { class: 'hint notme-hint' }, t('request.notme.hint')),
        element('button', { type: 'button', class: 'secondary danger', onclick: () => report(entry) }, t('request.notme')));
    }
    parts.push(element('p', { class: 'aside' },
      element('button', { type: 'button', class: 'link', onclick: () => dropRequest(request.id) }, t('request.dismiss'))));
    focus = outcome;
  } else {
    const sending = entry.status === 'sending';
    if (entry.error) {
      parts.push(element('p', { class: 'alert', role: 'alert' }, entry.error));
    }
    if (request.typeNumber) {
      const fieldId = 'request-' + request.id + '-number';
      const field = element('input', { id: fieldId, type: 'text', inputmode: 'numeric', pattern: '[0-9]*', maxlength: '2',
        autocomplete: 'one-time-code', class: 'code number-field', disabled: sending });
      const form = element('form', { class: 'type-number', novalidate: true },
        element('label', { for: fieldId }, t('request.type')), field,
        element('button', { type: 'submit', class: 'primary', disabled: sending }, t('request.approve')));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const typed = field.value.trim();
        if (!/^[0-9]{2}$/.test(typed)) {
          entry.error = t('request.type.invalid');
          renderRequest(entry, true);
          return;
        }
        decide(entry, 'approve', Number(typed));
      });
      parts.push(form);
      focus = field;
    } else {
      parts.push(element('p', { class: 'tap', id: 'request-' + request.id + '-tap' }, t('request.tap')),
        element('div', { class: 'numbers', role: 'group', 'aria-labelledby': 'request-' + request.id + '-tap' },
          ...(request.numbers || []).map((number) => element('button', {
            type: 'button', class: 'number', disabled: sending, onclick: () => decide(entry, 'approve', number)
          }, String(number)))));
    }
    parts.push(element('button', { type: 'button', class: 'secondary danger deny', disabled: sending,
      onclick: () => decide(entry, 'deny') }, sending ? t('request.working') : t('request.deny')));
  }
  card.replaceChildren(...parts);
  if (moveFocus && focus) {
    focus.focus();
  }
}

/** Sends the tapped (or typed) number, right or wrong: the server decides, and counts a wrong one as a denial. */
async function decide(entry, decision, number) {
  if (entry.status !== 'open') {
    return;
  }
  entry.status = 'sending';
  entry.error = '';
  renderRequest(entry, false);
  const fields = decision === 'approve' ? { request: entry.request.id, decision, number } : { request: entry.request.id, decision };
  let answer = null;
  try {
    answer = await callOrMarkGone(entry.account, 'decide', fields);
  } catch (e) {
    answer = null;
  }
  if (answer && answer.status === 200 && answer.body && answer.body.outcome) {
    entry.status = 'done';
    entry.outcome = answer.body.outcome;
  } else {
    entry.status = 'open';
    entry.error = t(answer ? 'outcome.failed' : 'error.network');
  }
  renderRequest(entry, true);
}

/** "This wasn't me", after a denial: the server pauses push for the account and mails the person. */
async function report(entry) {
  let answer = null;
  try {
    answer = await callOrMarkGone(entry.account, 'report', { request: entry.request.id });
  } catch (e) {
    answer = null;
  }
  if (answer && answer.status === 200) {
    entry.reported = true;
    entry.outcome = 'reported';
  } else {
    entry.error = t('outcome.failed');
  }
  renderRequest(entry, true);
}

// Start -----------------------------------------------------------------------------------------------------------

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) {
    return;
  }
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'pending') {
      poll();
    }
  });
  try {
    // updateViaCache none: the worker and the scripts it imports are checked past the HTTP cache (static files are
    // cached for days), so a new version reaches the app at its next start.
    await navigator.serviceWorker.register(new URL('sw.js', BASE).href, { scope: BASE, updateViaCache: 'none' });
  } catch (e) {
    console.warn('Portvakt Authenticator: no service worker:', e);
  }
}

function handleLink() {
  const link = takeLinkCode();
  if (!link) {
    return false;
  }
  if (link.code) {
    openAcceptScreen(link.code);
  } else {
    openCodeScreen(link.typed, t('code.invalid'));
  }
  return true;
}

async function start() {
  document.documentElement.lang = language;
  document.title = t('app.name');
  translate(document);
  byId('app').hidden = false;

  byId('add').addEventListener('click', () => openCodeScreen());
  byId('code-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const code = device.pairingCode(byId('code').value);
    if (code) {
      openAcceptScreen(code);
    } else {
      openCodeScreen(byId('code').value, t('code.invalid'));
    }
  });
  byId('accept-form').addEventListener('submit', (event) => {
    event.preventDefault();
    accept();
  });
  document.querySelectorAll('[data-back]').forEach((button) => button.addEventListener('click', () => {
    pairing = null;
    show('home');
  }));
  byId('install').addEventListener('click', async () => {
    if (installPrompt) {
      installPrompt.prompt();
      await installPrompt.userChoice;
      installPrompt = null;
      byId('install').hidden = true;
    }
  });
  addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    installPrompt = event;
    byId('install').hidden = false;
  });
  addEventListener('hashchange', handleLink);
  document.addEventListener('visibilitychange', () => poll());

  // The first screen before anything is awaited: a QR link opened meanwhile (hashchange) must not be covered by it.
  if (!handleLink()) {
    show('home', false);
  }
  await loadAccounts();
  await registerServiceWorker();
  poll();
  setInterval(poll, POLL_EVERY);
  syncSubscriptions();
}

start();
