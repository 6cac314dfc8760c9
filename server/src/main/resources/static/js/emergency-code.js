// "Done" works only once "I have safely copied and stored this code." is ticked (the server checks it too),
// and "Copy" puts the code on the clipboard where the browser allows it.
(function () {
  var stored = document.getElementById('stored');
  var done = document.getElementById('done');
  if (stored && done) {
    var sync = function () { done.disabled = !stored.checked; };
    stored.addEventListener('change', sync);
    sync();
  }
  var copy = document.querySelector('[data-copy]');
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener('click', function () {
      var text = document.getElementById(copy.getAttribute('data-copy')).textContent;
      navigator.clipboard.writeText(text).then(function () {
        copy.textContent = copy.getAttribute('data-copied');
      });
    });
  }
})();
