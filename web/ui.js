// Small DOM and formatting helpers shared by the pages (no innerHTML: text is always text).
import { lang, t } from './i18n.js';

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style') el.setAttribute('style', v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

// 元 -> "1.23亿" / "850万" (zh) or "CNY 123mn" (en).
export function yuan(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const a = Math.abs(v);
  if (lang() === 'en') {
    if (a >= 1e9) return `CNY ${(v / 1e9).toFixed(2)}bn`;
    if (a >= 1e6) return `CNY ${(v / 1e6).toFixed(1)}mn`;
    return `CNY ${Math.round(v).toLocaleString('en')}`;
  }
  if (a >= 1e8) return `${+(v / 1e8).toFixed(2)}亿`;
  if (a >= 1e4) return `${+(v / 1e4).toFixed(1)}万`;
  return `${+v.toFixed(2)}元`;
}

export function mark(verdict) {
  return verdict === 'pass' ? '✓' : verdict === 'fail' ? '✗' : '?';
}

export function verdictBadge(verdict) {
  return h('span', { class: `badge ${verdict}` }, mark(verdict), ' ', t(verdict === 'n/a' ? 'unknown' : verdict));
}

export function chart(el, option) {
  const c = window.echarts.init(el, null, { renderer: 'canvas' });
  c.setOption({ animation: false, ...option });
  window.addEventListener('resize', () => c.resize());
  return c;
}

export function errorBox(err) {
  const e = err && err.body && err.body.error;
  return h('div', { class: 'error', role: 'alert' }, t('error'), ': ', e ? e.message : String(err));
}

export function field(label, input) {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}
