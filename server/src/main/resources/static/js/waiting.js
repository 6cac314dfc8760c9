// Pages that wait for the phone ("Add your account to the app", "Check your phone") move on by themselves: the
// server says over Server-Sent Events when the app has paired or decided, or, where the events do not get
// through (an old browser, a proxy that buffers), the page asks every two seconds. Then the page's own form is
// sent, as if the person had pressed its button, and the server decides where the sign-in goes next. The
// button stays for browsers without JavaScript.
(function () {
  var page = document.querySelector('[data-wait]');
  var form = document.querySelector('[data-wait-continue]');
  if (!page || !form) {
    return;
  }
  var url = page.getAttribute('data-wait');
  form.hidden = true;
  var done = false;
  var proceed = function () {
    if (done) {
      return;
    }
    done = true;
    if (form.requestSubmit) {
      form.requestSubmit(form.querySelector('button'));
    } else {
      form.querySelector('button').click();
    }
  };
  var poll = function () {
    var ask = function () {
      if (done) {
        return;
      }
      fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
        .then(function (response) { return response.ok ? response.json() : { status: 'waiting' }; })
        .then(function (answer) {
          if (answer.status === 'ready') {
            proceed();
          } else {
            setTimeout(ask, 2000);
          }
        })
        .catch(function () { setTimeout(ask, 2000); });
    };
    ask();
  };
  if (!window.EventSource) {
    poll();
    return;
  }
  var events = new EventSource(url);
  var failures = 0;
  events.addEventListener('status', function (event) {
    failures = 0;
    if (event.data === 'ready') {
      events.close();
      proceed();
    }
  });
  events.onerror = function () {
    failures += 1;
    if (failures >= 2) {
      events.close();
      poll();
    }
  };
})();
