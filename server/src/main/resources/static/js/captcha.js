/*
 * The "I'm not a robot" CAPTCHA of journey step 3 (templates/captcha.html). Puts a token into the form field
 * "captcha": for the built-in proof of work (ALTCHA protocol v1) it fetches a challenge and finds the number n with
 * SHA-256(salt + n) == challenge using Web Crypto, whose hashing runs off the page's thread so the page stays
 * responsive; for reCAPTCHA, hCaptcha or Turnstile it receives their token through the callbacks below.
 */
(function () {
  'use strict';

  var BATCH = 500;
  var encoder = new TextEncoder();

  function fields() {
    return document.querySelectorAll('.captcha input[name=captcha]');
  }

  // Named in the provider widgets' data-callback attributes.
  window.portvaktCaptchaSolved = function (token) {
    fields().forEach(function (field) { field.value = token; });
  };
  window.portvaktCaptchaExpired = function () {
    fields().forEach(function (field) { field.value = ''; });
  };

  document.querySelectorAll('.captcha[data-challenge]').forEach(function (box) {
    var form = box.closest('form');
    var check = box.querySelector('.captcha-box');
    var field = box.querySelector('input[name=captcha]');
    var status = box.querySelector('.captcha-status');
    var submitter = null;

    function show(state) {
      box.setAttribute('data-state', state);
      status.textContent = box.getAttribute('data-' + state) || '';
      check.checked = state === 'verifying' || state === 'verified';
      check.disabled = state === 'verifying' || state === 'verified';
      box.setAttribute('aria-busy', String(state === 'verifying'));
    }

    function start() {
      if (field.value || box.getAttribute('data-state') === 'verifying') {
        return;
      }
      show('verifying');
      solve(box.getAttribute('data-challenge')).then(function (payload) {
        field.value = payload;
        show('verified');
        if (submitter !== null && form) {
          // The person pressed a button before the check was done: send the form as that button would have.
          var button = submitter;
          submitter = null;
          if (button && form.requestSubmit) { form.requestSubmit(button); } else { form.submit(); }
        }
      }, function () {
        field.value = '';
        submitter = null;
        show('failed');
      });
    }

    check.addEventListener('change', function () {
      if (check.checked) { start(); }
    });
    if (form) {
      form.addEventListener('submit', function (event) {
        if (!field.value) {
          event.preventDefault();
          submitter = event.submitter || false;
          start();
        }
      });
    }
  });

  function solve(url) {
    if (!window.crypto || !crypto.subtle) {
      return Promise.reject(new Error('Web Crypto needs HTTPS'));
    }
    return fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) { throw new Error('challenge: HTTP ' + response.status); }
        return response.json();
      })
      .then(function (challenge) {
        if (challenge.algorithm !== 'SHA-256') { throw new Error('algorithm ' + challenge.algorithm); }
        return search(challenge, bytes(challenge.challenge), 0).then(function (number) {
          return btoa(JSON.stringify({
            algorithm: challenge.algorithm, challenge: challenge.challenge, number: number,
            salt: challenge.salt, signature: challenge.signature
          }));
        });
      });
  }

  // Hashes BATCH numbers at once and looks for the one whose hash is the challenge.
  function search(challenge, target, from) {
    if (from > challenge.maxnumber) {
      return Promise.reject(new Error('no solution'));
    }
    var hashes = [];
    for (var n = from; n < from + BATCH && n <= challenge.maxnumber; n++) {
      hashes.push(crypto.subtle.digest('SHA-256', encoder.encode(challenge.salt + n)));
    }
    return Promise.all(hashes).then(function (results) {
      for (var i = 0; i < results.length; i++) {
        if (same(new Uint8Array(results[i]), target)) { return from + i; }
      }
      return search(challenge, target, from + BATCH);
    });
  }

  function bytes(hex) {
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) { out[i] = parseInt(hex.substr(i * 2, 2), 16); }
    return out;
  }

  function same(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
}());
