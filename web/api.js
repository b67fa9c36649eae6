// The JSON API client: same-origin fetch, the CSRF token on every state change, JSON errors.
import { lang } from './i18n.js';

export const session = { user: null, csrf: null };

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function api(method, path, body, opts = {}) {
  const headers = { 'Accept-Language': lang() === 'en' ? 'en' : 'zh-CN' };
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  let payload;
  if (opts.raw) {
    payload = body;
    headers['Content-Type'] = 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok && !(opts.accept || []).includes(res.status)) throw new ApiError(res.status, data);
  return opts.withStatus ? { status: res.status, data } : data;
}

// Uploads a file with progress (fetch has no upload progress): resolves {status, data}.
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', path);
    if (session.csrf) x.setRequestHeader('X-CSRF-Token', session.csrf);
    x.setRequestHeader('Content-Type', 'application/octet-stream');
    x.setRequestHeader('Accept-Language', lang() === 'en' ? 'en' : 'zh-CN');
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    x.onload = () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch { data = null; }
      resolve({ status: x.status, data });
    };
    x.onerror = () => reject(new Error('network error'));
    x.send(file);
  });
}

export async function loadSession() {
  const r = await api('GET', '/api/session', undefined, { withStatus: true });
  session.user = r.data.user;
  session.csrf = r.data.csrf;
  return session.user;
}
