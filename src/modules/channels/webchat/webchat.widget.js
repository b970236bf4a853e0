/* Frontdesk web chat: <script src="https://YOUR-FRONTDESK/webchat/widget.js" data-workspace="SLUG" crossorigin="anonymous" defer></script> */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var slug = script.getAttribute('data-workspace');
  if (!slug) return;
  var api = new URL(script.src).origin + '/webchat/' + encodeURIComponent(slug);
  var storeKey = 'frontdesk-webchat:' + slug;
  var POLL_MS = 4000;
  var state = load();
  var shown = {};
  var timer = null;

  function load() {
    try {
      var s = JSON.parse(localStorage.getItem(storeKey) || 'null');
      if (s && s.token && new Date(s.expires_at) > new Date()) return s;
    } catch (e) { /* storage blocked or corrupt: start over */ }
    return { token: null, expires_at: null, after: null };
  }
  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text) e.textContent = text;
    return e;
  }
  var font = 'font:14px/1.4 system-ui,sans-serif;';
  var bubble = el('button', font + 'position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#2563eb;color:#fff;font-weight:600;cursor:pointer;box-shadow:0 4px 12px rgba(0,0,0,.25);z-index:2147483646', 'Chat');
  bubble.setAttribute('aria-label', 'Chat with us');
  var panel = el('div', font + 'position:fixed;right:20px;bottom:88px;width:320px;max-width:calc(100vw - 40px);height:420px;max-height:calc(100vh - 120px);display:none;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.25);overflow:hidden;z-index:2147483647');
  var head = el('div', 'padding:10px 14px;background:#2563eb;color:#fff;font-weight:600', 'Chat with us');
  var list = el('div', 'flex:1;overflow-y:auto;padding:10px;background:#f7f7f8');
  var form = el('form', 'display:flex;border-top:1px solid #ddd;margin:0');
  var input = el('input', font + 'flex:1;border:0;padding:10px;outline:none');
  input.placeholder = 'Type a message';
  input.maxLength = 4096;
  var send = el('button', font + 'border:0;background:none;color:#2563eb;font-weight:600;padding:0 14px;cursor:pointer', 'Send');
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(list);
  panel.appendChild(form);

  function render(m) {
    if (shown[m.id]) return;
    shown[m.id] = true;
    var mine = m.from === 'visitor';
    var row = el('div', 'display:flex;margin:4px 0;justify-content:' + (mine ? 'flex-end' : 'flex-start'));
    row.appendChild(el('div', 'max-width:80%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word;' + (mine ? 'background:#2563eb;color:#fff' : 'background:#fff;color:#222;border:1px solid #e3e3e3'), m.body));
    list.appendChild(row);
    list.scrollTop = list.scrollHeight;
    if (!state.after || m.id > state.after) { state.after = m.id; save(); }
  }
  function note(text) {
    list.appendChild(el('div', 'color:#888;font-size:12px;text-align:center;margin:6px 0', text));
    list.scrollTop = list.scrollHeight;
  }

  function call(method, path, body) {
    var headers = { 'Content-Type': 'application/json' };
    if (state.token) headers['X-Guest-Token'] = state.token;
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.status === 401) { state = { token: null, expires_at: null, after: null }; save(); }
        if (!res.ok) throw new Error((data.error && data.error.message) || 'HTTP ' + res.status);
        return data;
      });
    });
  }
  function session() {
    if (state.token) return Promise.resolve();
    return call('POST', '/sessions', {}).then(function (s) {
      state = { token: s.token, expires_at: s.expires_at, after: null };
      save();
    });
  }
  function poll() {
    if (!state.token) return Promise.resolve();
    return call('GET', '/messages' + (state.after ? '?after=' + encodeURIComponent(state.after) : '')).then(function (r) {
      r.messages.forEach(render);
    });
  }
  function loop() {
    clearTimeout(timer);
    timer = setTimeout(function () { poll().catch(function () {}).then(function () { if (open) loop(); }); }, POLL_MS);
  }
  function randomId() {
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  var open = false;
  bubble.addEventListener('click', function () {
    open = !open;
    panel.style.display = open ? 'flex' : 'none';
    if (open) {
      input.focus();
      state.after = null; // show the whole chat again after a reload
      poll().catch(function () {}).then(loop);
    } else clearTimeout(timer);
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    var id = randomId();
    session()
      .then(function () { return call('POST', '/messages', { body: text, client_message_id: id }); })
      .then(function (r) { render(r.message); if (r.reply) render(r.reply); loop(); })
      .catch(function (e) { note('Not sent: ' + e.message); input.value = text; });
  });

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(bubble);
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
