// My account's times in the browser's own time zone (decision 0040): the server writes each as UTC inside
// <time class="time" datetime="...Z">; this rewrites the text as "yyyy-MM-dd HH:mm" and the zone's short name in the
// page's language, and keeps the UTC text as the title. Without it, or without Intl, the UTC text stays.
(function () {
  if (!window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var language = document.documentElement.lang || undefined;
  var format;
  try {
    format = new Intl.DateTimeFormat(language, {year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
      minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short'});
  } catch (unknown) {
    return;
  }
  var times = document.querySelectorAll('time.time[datetime]');
  for (var i = 0; i < times.length; i++) {
    var at = new Date(times[i].getAttribute('datetime'));
    if (isNaN(at.getTime())) {
      continue;
    }
    var part = {};
    format.formatToParts(at).forEach(function (p) { part[p.type] = p.value; });
    if (!part.year || !part.month || !part.day || !part.hour || !part.minute) {
      continue;
    }
    times[i].title = times[i].textContent;
    times[i].textContent = part.year + '-' + part.month + '-' + part.day + '\u00a0' + part.hour + ':' + part.minute
      + (part.timeZoneName ? '\u00a0' + part.timeZoneName : '');
  }
})();
