/*
 * CampusPass old-browser notice. A classic script in ES5 on purpose: it must run in the browsers the app
 * itself cannot run in. It checks for the features the app needs (never the user agent) and, when any is
 * missing, shows a banner naming the browsers we support. The app's bundle is ES2022 (apps/web/vite.config.ts).
 */
/* global window */
(function () {
  'use strict';
  var w = window;
  function has(check) {
    try {
      return !!check();
    } catch (ignored) {
      return ignored === undefined;
    }
  }
  var checks = {
    fetch: function () {
      return typeof w.fetch === 'function';
    },
    promise: function () {
      return typeof w.Promise === 'function' && typeof w.Promise.allSettled === 'function';
    },
    intl: function () {
      return (
        typeof w.Intl === 'object' &&
        typeof w.Intl.DateTimeFormat === 'function' &&
        typeof new w.Intl.DateTimeFormat('en', { timeZone: 'Asia/Hong_Kong' }).formatToParts === 'function'
      );
    },
    modules: function () {
      return 'noModule' in w.document.createElement('script');
    },
    abort: function () {
      return typeof w.AbortController === 'function';
    },
    url: function () {
      return typeof w.URL === 'function' && typeof w.URLSearchParams === 'function';
    },
    // Built-ins that came with ES2020 and ES2022: a browser that has them also reads the syntax of those years.
    es2020: function () {
      return typeof w.globalThis === 'object' && typeof w.BigInt === 'function';
    },
    es2022: function () {
      return typeof Array.prototype.at === 'function' && typeof Object.hasOwn === 'function';
    },
  };
  var missing = [];
  for (var name in checks) {
    if (Object.prototype.hasOwnProperty.call(checks, name) && !has(checks[name])) missing.push(name);
  }
  w.__campuspassMissingFeatures = missing;
  if (missing.length === 0) return;

  var stored;
  try {
    stored = w.localStorage.getItem('campuspass.language');
  } catch (ignored) {
    stored = ignored && null;
  }
  var preferred = stored || (w.navigator.languages && w.navigator.languages[0]) || w.navigator.language || 'en';
  var zh = /^zh/i.test(preferred);
  var text = zh
    ? {
        lang: 'zh-Hant',
        title: '你的瀏覽器太舊，未能使用 CampusPass。',
        body: '請使用最新版本的 Chrome、Firefox、Safari 或 Edge，或 iPhone／iPad（iOS）及 Android 手機上的最新瀏覽器。',
      }
    : {
        lang: 'en',
        title: 'Your browser is too old for CampusPass.',
        body: 'Please use a current version of Chrome, Firefox, Safari or Edge, or an up-to-date browser on iPhone/iPad (iOS) or Android.',
      };

  function show() {
    var banner = w.document.createElement('div');
    banner.id = 'old-browser-notice';
    banner.setAttribute('role', 'alert');
    banner.setAttribute('lang', text.lang);
    banner.setAttribute('data-missing', missing.join(' '));
    banner.style.cssText =
      'background:#fff4e5;color:#1c1b1f;border-bottom:3px solid #a35400;padding:12px 16px;font:16px/1.5 system-ui,sans-serif;';
    var strong = w.document.createElement('strong');
    strong.appendChild(w.document.createTextNode(text.title + ' '));
    banner.appendChild(strong);
    banner.appendChild(w.document.createTextNode(text.body));
    w.document.body.insertBefore(banner, w.document.body.firstChild);
  }
  if (w.document.body) show();
  else w.document.addEventListener('DOMContentLoaded', show);
})();
