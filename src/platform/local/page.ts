// The local workspace page: one self-contained HTML document (no CDN, no build step) that plays the chat
// client. Cards arrive already rendered to HTML by the server; the script only lists chats, posts what the
// user types or clicks, and refetches a chat when the event stream says it changed.

const css = `
*{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#eef1f5;color:#1f2329;height:100vh;display:flex}
aside{width:260px;background:#fff;border-right:1px solid #dee0e3;display:flex;flex-direction:column}
aside h1{font-size:16px;margin:16px}aside label{display:block;margin:0 16px 8px;color:#646a73;font-size:12px}
aside select,aside input{width:100%;padding:6px;margin-top:4px;border:1px solid #d0d3d6;border-radius:6px;font:inherit}
#binding{margin:0 16px 12px;font-size:12px;color:#3370ff}
#chats{list-style:none;margin:0;padding:0;border-top:1px solid #eee}#chats li{padding:12px 16px;cursor:pointer}
#chats li.active{background:#e1eaff}#newuser{display:flex;gap:4px;margin:auto 16px 16px}#newuser button{white-space:nowrap}
main{flex:1;display:flex;flex-direction:column;min-width:0}main>header{padding:12px 20px;background:#fff;border-bottom:1px solid #dee0e3;font-weight:600}
#messages{flex:1;overflow-y:auto;padding:16px 20px}
.msg{margin:0 0 14px;display:flex;flex-direction:column;align-items:flex-start}.msg.mine{align-items:flex-end}
.who{font-size:12px;color:#8f959e;margin-bottom:2px}.bubble{background:#fff;border-radius:8px;padding:8px 12px;max-width:70%;white-space:pre-wrap;word-break:break-word}
.mine .bubble{background:#c9dbff}
.card{background:#fff;border:1px solid #dee0e3;border-radius:8px;width:min(560px,90%);overflow:hidden}
.card header{padding:10px 14px;color:#fff}.card header.blue{background:#3370ff}.card header.green{background:#2ea121}
.card header.orange{background:#ed6d0c}.card header.red{background:#d83931}.card header.grey{background:#8f959e}
.card .title{font-weight:600}.card .subtitle{font-size:12px;opacity:.9}.card .body{padding:10px 14px;overflow-wrap:anywhere}
.card .md,.card .note{margin:6px 0}.card .note{color:#8f959e;font-size:12px}.card code{background:#f2f3f5;padding:0 4px;border-radius:4px}
.card dl.fields{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:6px;margin:6px 0}.card dt{color:#8f959e;font-size:12px}.card dd{margin:0}
.card table{border-collapse:collapse;width:100%;margin:6px 0;font-size:13px}.card th,.card td{border:1px solid #eee;padding:4px 6px;text-align:left}
.card .actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}.btn{border:1px solid #d0d3d6;background:#fff;border-radius:6px;padding:4px 12px;cursor:pointer;font:inherit}
.btn.primary{background:#3370ff;border-color:#3370ff;color:#fff}.btn.danger{color:#d83931;border-color:#d83931}.btn:disabled{opacity:.5}
.card-form label{display:block;margin:6px 0}.card-form .label{display:block;font-size:12px;color:#646a73}
.card-form input,.card-form select,.card-form textarea{width:100%;padding:5px;border:1px solid #d0d3d6;border-radius:6px;font:inherit}
form#composer{display:flex;gap:8px;padding:12px 20px;background:#fff;border-top:1px solid #dee0e3}
#input{flex:1;padding:8px;border:1px solid #d0d3d6;border-radius:6px;font:inherit}
#toast{position:fixed;top:16px;left:50%;transform:translateX(-50%);padding:8px 16px;border-radius:6px;color:#fff;display:none;z-index:9}
#toast.success{background:#2ea121}#toast.info{background:#3370ff}#toast.warning{background:#ed6d0c}#toast.error{background:#d83931}
`;

const script = `
const $ = (s) => document.querySelector(s);
const state = { as: localStorage.getItem('jc.as') || '', chat: '', users: [] };
const esc = (t) => String(t).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const uid = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
async function api(path, body) {
  const res = await fetch(path, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  return res.json();
}
function toast(t) {
  if (!t) return;
  const el = $('#toast'); el.textContent = t.text; el.className = t.type; el.style.display = 'block';
  clearTimeout(toast.timer); toast.timer = setTimeout(() => (el.style.display = 'none'), 3000);
}
async function loadUsers() {
  state.users = await api('/api/users');
  const sel = $('#who');
  sel.innerHTML = '<option value="">选择身份…</option>' + state.users.map((u) =>
    '<option value="' + esc(u.userId) + '">' + esc(u.name) + '（' + esc(u.binding) + '）</option>').join('');
  if (state.users.some((u) => u.userId === state.as)) sel.value = state.as; else state.as = '';
  $('#binding').textContent = (state.users.find((u) => u.userId === state.as) || {}).binding || '';
}
async function loadChats() {
  if (!state.as) { $('#chats').innerHTML = ''; $('#messages').innerHTML = '<p class="who">请先在左侧选择您是谁。</p>'; return; }
  const chats = await api('/api/chats?as=' + encodeURIComponent(state.as));
  if (!chats.some((c) => c.chatId === state.chat)) state.chat = chats[0].chatId;
  $('#chats').innerHTML = chats.map((c) => '<li data-chat="' + esc(c.chatId) + '" class="' + (c.chatId === state.chat ? 'active' : '') + '">' + esc(c.name) + '</li>').join('');
  $('#title').textContent = chats.find((c) => c.chatId === state.chat).name;
  $('#input').placeholder = state.chat.startsWith('group:') ? '在群里 @机器人 或用 / 开头发送命令' : '输入命令，例如 /help';
  await loadMessages();
}
async function loadMessages() {
  if (!state.as || !state.chat) return;
  const list = await api('/api/messages?as=' + encodeURIComponent(state.as) + '&chat=' + encodeURIComponent(state.chat));
  const box = $('#messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.innerHTML = '';
  for (const m of list) {
    const div = document.createElement('div');
    div.className = 'msg' + (m.senderKind === 'user' && m.senderId === state.as ? ' mine' : '');
    div.dataset.messageId = m.messageId;
    const who = document.createElement('div'); who.className = 'who'; who.textContent = m.senderName; div.append(who);
    if (m.html) { const c = document.createElement('div'); c.innerHTML = m.html; div.append(c.firstChild); }
    else if (m.file) {
      const b = document.createElement('div'); b.className = 'bubble';
      const a = document.createElement('a'); a.textContent = '📎 ' + m.file.name; a.download = m.file.name;
      a.href = '/api/messages/' + encodeURIComponent(m.messageId) + '/file?as=' + encodeURIComponent(state.as);
      b.append(a); div.append(b);
    }
    else { const b = document.createElement('div'); b.className = 'bubble'; b.textContent = m.text; div.append(b); }
    box.append(div);
  }
  if (atBottom || list.length) box.scrollTop = box.scrollHeight;
}
async function act(button, form) {
  const messageId = button.closest('.msg').dataset.messageId;
  if (button.dataset.confirm && !confirm(button.dataset.confirm)) return;
  const values = {};
  if (form) {
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.multiple) values[el.name] = [...el.selectedOptions].map((o) => o.value);
      else if (el.value !== '') values[el.name] = el.value;
    }
  }
  button.disabled = true;
  try {
    const res = await api('/api/actions', { as: state.as, messageId, value: JSON.parse(button.dataset.value), form: form ? values : undefined, clientId: uid() });
    toast(res.toast);
  } finally { button.disabled = false; }
  await loadMessages();
}
document.addEventListener('click', (e) => {
  const b = e.target.closest('.card button[data-value]');
  if (b && b.type !== 'submit') { e.preventDefault(); act(b, null); }
  const li = e.target.closest('#chats li');
  if (li) { state.chat = li.dataset.chat; loadChats(); }
});
document.addEventListener('submit', (e) => {
  const form = e.target.closest('.card-form');
  if (!form) return;
  e.preventDefault();
  act(e.submitter || form.querySelector('button[type=submit]'), form);
});
$('#who').addEventListener('change', (e) => { state.as = e.target.value; localStorage.setItem('jc.as', state.as); loadUsers().then(loadChats); });
$('#composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('#input').value.trim();
  if (!text || !state.as) return;
  if (!state.chat) await loadChats();
  $('#input').value = '';
  await api('/api/messages', { as: state.as, chat: state.chat, text, clientId: uid() });
  await loadMessages();
});
$('#newuser').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('#newname').value.trim();
  if (!name) return;
  const res = await api('/api/users', { name });
  if (res.error) return toast({ type: 'error', text: res.error });
  state.as = res.userId; localStorage.setItem('jc.as', state.as); $('#newname').value = '';
  await loadUsers(); await loadChats();
});
$('#file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file || !state.as) return;
  if (!state.chat) await loadChats();
  const res = await fetch('/api/files?as=' + encodeURIComponent(state.as) + '&chat=' + encodeURIComponent(state.chat), {
    method: 'POST', headers: { 'x-file-name': encodeURIComponent(file.name), 'content-type': 'application/octet-stream' }, body: file,
  });
  const body = await res.json();
  if (body.error) toast({ type: 'error', text: body.error });
  else toast({ type: 'success', text: '文件已发送。发送 /import targets（或 matters、inspectors）导入。' });
  await loadMessages();
});
const events = new EventSource('/api/events');
events.addEventListener('chat', (e) => { if (e.data === state.chat) loadMessages(); loadUsers(); });
events.addEventListener('ready', () => { document.body.dataset.live = '1'; });
loadUsers().then(loadChats);
`;

export function renderPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>联络员机器人 · 本地工作区</title><style>${css}</style></head>
<body>
<aside>
  <h1>本地工作区</h1>
  <label>我是<select id="who"></select></label>
  <div id="binding"></div>
  <ul id="chats"></ul>
  <form id="newuser"><input id="newname" placeholder="以新用户身份进入（姓名）" maxlength="20"><button class="btn">进入</button></form>
</aside>
<main>
  <header id="title">联络员机器人</header>
  <section id="messages"></section>
  <form id="composer"><label class="btn" id="attach" title="发送表格文件（之后发送 /import 导入）">📎<input type="file" id="file" accept=".xlsx,.xls,.csv" hidden></label><input id="input" autocomplete="off" placeholder="输入命令，例如 /help"><button class="btn primary">发送</button></form>
</main>
<div id="toast"></div>
<script>${script}</script>
</body></html>`;
}
