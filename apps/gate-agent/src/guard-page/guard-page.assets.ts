// The guard page, served by the agent itself: no build step, no CDN, a few kilobytes. Kept as strings so the
// TypeScript build carries them into dist/ without an asset copy step.

export const GUARD_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CampusPass gate</title>
<link rel="stylesheet" href="/guard-page.css">
<script src="/guard-page.js" defer></script>
</head>
<body>
<header>
  <h1><span data-i18n="title">Gate</span> <span id="gate-name"></span></h1>
  <div class="lang" role="group" aria-label="Language / 語言">
    <button type="button" data-lang="en">English</button>
    <button type="button" data-lang="zh-Hant">繁體中文</button>
  </div>
</header>
<main>
  <section id="latest" aria-live="polite" aria-label="Latest scan">
    <p class="waiting" data-i18n="waiting">Waiting for the first scan…</p>
  </section>
  <section class="panel">
    <h2 data-i18n="status">Gate status</h2>
    <dl id="status"></dl>
  </section>
  <section class="panel">
    <h2 data-i18n="manualOpen">Manual open</h2>
    <form id="manual-open">
      <label for="operator" data-i18n="guardName">Your name</label>
      <input id="operator" name="operator" autocomplete="name" maxlength="80" required>
      <label for="pin" data-i18n="guardPin">Guard PIN</label>
      <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="off" pattern="[0-9]{4,12}" maxlength="12" required>
      <button type="submit" data-i18n="open">Open the gate</button>
      <p id="manual-disabled" hidden data-i18n="manualDisabled">Manual open is disabled: no guard PIN is configured for this gate.</p>
      <p id="manual-result" role="status"></p>
    </form>
  </section>
  <section class="panel">
    <h2 data-i18n="recent">Recent scans</h2>
    <ol id="scans"></ol>
  </section>
</main>
<footer id="connection" data-state="connecting"></footer>
</body>
</html>
`;

export const GUARD_PAGE_CSS = `:root { color-scheme: light dark; font-family: system-ui, "Noto Sans TC", sans-serif; }
body { margin: 0; background: Canvas; color: CanvasText; }
header { display: flex; justify-content: space-between; align-items: center; padding: .5rem 1rem; background: #1b3a5c; color: #fff; }
header h1 { font-size: 1.25rem; margin: 0; }
.lang button { background: transparent; color: #fff; border: 1px solid #fff8; border-radius: .25rem; padding: .25rem .5rem; }
.lang button[aria-pressed="true"] { background: #fff3; }
main { display: grid; gap: 1rem; padding: 1rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
#latest { grid-column: 1 / -1; min-height: 9rem; border-radius: .5rem; padding: 1rem; display: flex; gap: 1rem; align-items: center; background: #8882; }
#latest.granted { background: #1e7d32; color: #fff; }
#latest.denied { background: #b3261e; color: #fff; }
#latest img, #scans img { width: 6rem; height: 8rem; object-fit: cover; border-radius: .25rem; background: #fff3; }
#latest .decision { font-size: 2rem; font-weight: 700; margin: 0; }
#latest .reason { font-size: 1.25rem; margin: .25rem 0; }
#latest .name { font-size: 1.5rem; margin: .25rem 0; }
.panel { border: 1px solid #8886; border-radius: .5rem; padding: .75rem 1rem; }
.panel h2 { font-size: 1rem; margin: 0 0 .5rem; }
dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem .75rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
.bad { color: #b3261e; font-weight: 600; }
.good { color: #1e7d32; }
form { display: grid; gap: .5rem; }
input, form button { font: inherit; padding: .5rem; }
form button { background: #1b3a5c; color: #fff; border: 0; border-radius: .25rem; }
#scans { list-style: none; margin: 0; padding: 0; display: grid; gap: .5rem; }
#scans li { display: flex; gap: .5rem; align-items: center; border-bottom: 1px solid #8883; padding-bottom: .5rem; }
#scans img { width: 2.5rem; height: 3.25rem; }
#scans li.granted .verdict { color: #1e7d32; font-weight: 700; }
#scans li.denied .verdict { color: #b3261e; font-weight: 700; }
footer { padding: .25rem 1rem; font-size: .8rem; }
footer[data-state="lost"] { background: #b3261e; color: #fff; }
`;

export const GUARD_PAGE_JS = `'use strict';
(function () {
  var LABELS = {
    en: {
      title: 'Gate', waiting: 'Waiting for the first scan…', status: 'Gate status', manualOpen: 'Manual open',
      guardName: 'Your name', guardPin: 'Guard PIN', open: 'Open the gate', recent: 'Recent scans',
      manualDisabled: 'Manual open is disabled: no guard PIN is configured for this gate.',
      granted: 'Granted', denied: 'Denied', passed: 'Passed', 'not-passed': 'Did not pass', 'sensor-fault': 'Sensor fault',
      interrupted: 'Interrupted (gate restarted)',
      guestOf: 'Guest of', alumni: 'Alumni day pass', guest: 'Guest pass', unknownHolder: 'Not in the gate list',
      bundle: 'Pass data', version: 'version', age: 'age', stale: 'out of date', none: 'none yet',
      clock: 'Clock', trusted: 'trusted', untrusted: 'NOT trusted', offset: 'offset',
      backlog: 'Events waiting to sync', portal: 'Portal', online: 'online', offline: 'offline',
      relay: 'Turnstile relay', sensor: 'Passage sensor', input: 'Camera / scanner', fire: 'Fire input',
      normal: 'normal', active: 'ACTIVE', absent: 'not wired', ok: 'OK', fault: 'FAULT', phase: 'Agent',
      opened: 'Opened, recorded as', live: 'Live', lost: 'Connection to the gate lost; reconnecting…',
      degraded: 'granted with the clock untrusted', manualBy: 'Opened by hand by',
      reasons: {
        malformed: 'Not a CampusPass code', 'unknown-key': 'Signed with an unknown key',
        'bad-signature': 'Signature does not verify (forged or damaged)', 'key-not-valid-for-day': 'Key not valid for this day',
        'wrong-day': 'Not valid today', 'not-for-this-gate': 'Not valid at this gate',
        'kind-not-allowed': 'This kind of pass is not admitted here', revoked: 'Revoked',
        're-entry-window': 'Entered moments ago (re-entry wait)', 'already-used': 'Single-use pass already used',
        'outside-hours': 'Outside opening hours', 'clock-untrusted': 'Gate clock not trusted yet',
        'no-bundle': 'Gate has no pass data yet', 'not-recorded': 'Could not be recorded; gate stayed shut'
      }
    },
    'zh-Hant': {
      title: '閘口', waiting: '等待第一次掃描…', status: '閘口狀態', manualOpen: '手動開閘',
      guardName: '你的姓名', guardPin: '保安密碼', open: '開閘', recent: '最近掃描',
      manualDisabled: '手動開閘已停用：此閘口未設定保安密碼。',
      granted: '准許進入', denied: '拒絕進入', passed: '已通過', 'not-passed': '未有通過', 'sensor-fault': '感應器故障',
      interrupted: '中斷（閘機重新啟動）',
      guestOf: '邀請人', alumni: '校友日票', guest: '訪客通行證', unknownHolder: '不在閘口名單內',
      bundle: '通行資料', version: '版本', age: '時長', stale: '已過時', none: '尚未取得',
      clock: '時鐘', trusted: '已校準', untrusted: '未校準', offset: '偏差',
      backlog: '待同步事件', portal: '平台', online: '在線', offline: '離線',
      relay: '閘機繼電器', sensor: '通行感應器', input: '鏡頭／掃描器', fire: '火警訊號',
      normal: '正常', active: '觸發中', absent: '未接駁', ok: '正常', fault: '故障', phase: '程式',
      opened: '已開閘，記錄編號', live: '即時', lost: '與閘口的連線中斷，正在重新連線…',
      degraded: '時鐘未校準下准許', manualBy: '手動開閘：',
      reasons: {
        malformed: '不是 CampusPass 二維碼', 'unknown-key': '簽署金鑰不明',
        'bad-signature': '簽署無效（偽造或損壞）', 'key-not-valid-for-day': '金鑰不適用於當日',
        'wrong-day': '並非今日有效', 'not-for-this-gate': '不適用於此閘口',
        'kind-not-allowed': '此閘口不接受此類通行證', revoked: '已撤銷',
        're-entry-window': '剛已進入，請稍候再試', 'already-used': '單次通行證已使用',
        'outside-hours': '不在開放時間內', 'clock-untrusted': '閘機時鐘尚未校準',
        'no-bundle': '閘機尚未取得通行資料', 'not-recorded': '無法記錄，閘口保持關閉'
      }
    }
  };
  var lang = /^zh/i.test(navigator.language || '') ? 'zh-Hant' : 'en';
  try { lang = localStorage.getItem('guard-lang') || lang; } catch (e) { /* private mode */ }
  var scans = [];
  var lastStatus = null;
  var passages = {};

  function t(key) { return (LABELS[lang] && LABELS[lang][key]) || LABELS.en[key] || key; }
  function reasonText(code) { return (LABELS[lang].reasons[code]) || LABELS.en.reasons[code] || code; }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function time(iso) { return iso ? new Date(iso).toLocaleTimeString(lang) : ''; }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '';
    if (seconds < 120) return seconds + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    return Math.round(seconds / 3600) + ' h';
  }

  function applyLabels() {
    document.documentElement.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (node) { node.textContent = t(node.getAttribute('data-i18n')); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-lang]'), function (button) {
      button.setAttribute('aria-pressed', String(button.getAttribute('data-lang') === lang));
    });
    renderScans();
    if (lastStatus) renderStatus(lastStatus);
  }

  function holder(scan) {
    if (!scan.name) return scan.passKind ? t(scan.passKind === 'guest' ? 'guest' : 'alumni') + ' · ' + t('unknownHolder') : '';
    return scan.hostName ? scan.name + ' (' + t('guestOf') + ' ' + scan.hostName + ')' : scan.name;
  }
  function verdict(scan) {
    var text = t(scan.decision);
    var outcome = scan.eventId && passages[scan.eventId];
    return outcome ? text + ' · ' + t(outcome) : text;
  }

  function renderLatest() {
    var latest = document.getElementById('latest');
    var scan = scans[0];
    if (!scan) return;
    latest.className = scan.decision;
    latest.setAttribute('data-event-id', scan.eventId || '');
    latest.replaceChildren(
      scan.photo ? el('img', { src: scan.photo, alt: scan.name || '' }) : null,
      el('div', {}, [
        el('p', { class: 'decision' }, [verdict(scan)]),
        scan.reason ? el('p', { class: 'reason' }, [reasonText(scan.reason)]) : null,
        scan.degradedClock ? el('p', { class: 'reason' }, [t('degraded')]) : null,
        el('p', { class: 'name' }, [holder(scan)]),
        el('p', { class: 'time' }, [time(scan.at)])
      ])
    );
  }

  function renderScans() {
    var list = document.getElementById('scans');
    list.replaceChildren.apply(list, scans.map(function (scan) {
      return el('li', { class: scan.decision }, [
        scan.photo ? el('img', { src: scan.photo, alt: '' }) : null,
        el('span', { class: 'time' }, [time(scan.at)]),
        el('span', { class: 'verdict' }, [verdict(scan)]),
        el('span', { class: 'reason' }, [scan.reason ? reasonText(scan.reason) : '']),
        el('span', { class: 'name' }, [holder(scan)])
      ]);
    }));
    renderLatest();
  }

  function row(label, value, good, id) {
    return [el('dt', {}, [label]), el('dd', { class: good === undefined ? '' : good ? 'good' : 'bad', 'data-field': id }, [value])];
  }
  function device(view) { return view ? (view.ok ? t('ok') : t('fault')) + ' — ' + view.detail : t('absent'); }

  function renderStatus(status) {
    lastStatus = status;
    document.getElementById('gate-name').textContent = status.gate.name || '';
    var bundle = status.bundle.version
      ? t('version') + ' ' + status.bundle.version + ', ' + t('age') + ' ' + duration(status.bundle.ageSeconds) + (status.bundle.stale ? ' — ' + t('stale') : '')
      : t('none');
    var clock = (status.clock.trusted ? t('trusted') : t('untrusted')) +
      (status.clock.source ? ' (' + status.clock.source + ')' : '') +
      (status.clock.offsetMs !== null ? ', ' + t('offset') + ' ' + status.clock.offsetMs + ' ms' : '');
    var rows = [].concat(
      row(t('phase'), status.phase, status.phase === 'running', 'phase'),
      row(t('bundle'), bundle, status.bundle.version > 0 && !status.bundle.stale, 'bundle'),
      row(t('clock'), clock, status.clock.trusted, 'clock'),
      row(t('backlog'), String(status.outbox.pending) + (status.outbox.aboveAlertThreshold ? ' (' + Math.round(status.outbox.fill * 100) + ' %)' : ''), !status.outbox.aboveAlertThreshold, 'backlog'),
      row(t('portal'), status.online ? t('online') : t('offline'), status.online, 'portal'),
      row(t('relay'), (status.relay.ok ? t('ok') : t('fault') + ' — ' + status.relay.detail) + ' · ' + status.relay.state, status.relay.ok, 'relay'),
      row(t('sensor'), device(status.passageSensor), status.passageSensor ? status.passageSensor.ok : undefined, 'sensor'),
      row(t('input'), device(status.input), status.input.ok, 'input'),
      row(t('fire'), t(status.fireInput), status.fireInput !== 'active', 'fire')
    );
    document.getElementById('status').replaceChildren.apply(document.getElementById('status'), rows);
  }

  function connect() {
    var footer = document.getElementById('connection');
    var source = new EventSource('/events');
    source.addEventListener('open', function () { footer.setAttribute('data-state', 'live'); footer.textContent = t('live'); });
    source.addEventListener('error', function () { footer.setAttribute('data-state', 'lost'); footer.textContent = t('lost'); });
    source.addEventListener('status', function (message) { renderStatus(JSON.parse(message.data)); });
    source.addEventListener('scan', function (message) {
      var scan = JSON.parse(message.data);
      if (scan.eventId && scans.some(function (known) { return known.eventId === scan.eventId; })) return;
      scans.unshift(scan);
      scans = scans.slice(0, 20);
      renderScans();
    });
    source.addEventListener('passage', function (message) {
      var passage = JSON.parse(message.data);
      passages[passage.scanEventId] = passage.outcome;
      renderScans();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-lang]'), function (button) {
      button.addEventListener('click', function () {
        lang = button.getAttribute('data-lang');
        try { localStorage.setItem('guard-lang', lang); } catch (e) { /* private mode */ }
        applyLabels();
      });
    });
    document.getElementById('manual-open').addEventListener('submit', function (event) {
      event.preventDefault();
      var result = document.getElementById('manual-result');
      var operator = document.getElementById('operator').value;
      var pinInput = document.getElementById('pin');
      var pin = pinInput.value;
      pinInput.value = '';
      fetch('/api/manual-open', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ operator: operator, pin: pin }) })
        .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
        .then(function (answer) {
          result.className = answer.ok ? 'good' : 'bad';
          result.textContent = answer.ok ? t('opened') + ' ' + answer.body.eventId : answer.body.message;
        })
        .catch(function (error) { result.className = 'bad'; result.textContent = String(error); });
    });
    fetch('/api/manual-open')
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.enabled) return;
        document.getElementById('manual-disabled').hidden = false;
        Array.prototype.forEach.call(document.querySelectorAll('#manual-open input, #manual-open button'), function (control) {
          control.disabled = true;
        });
      })
      .catch(function () { /* the form stays; the server refuses when disabled */ });
    applyLabels();
    connect();
  });
})();
`;
