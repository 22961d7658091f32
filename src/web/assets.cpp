#include "src/web/assets.h"

namespace hx::web {

// Colours meet WCAG AA contrast on their backgrounds in both schemes; the scheme is the
// browser's (prefers-color-scheme).
const std::string_view kStylesheet = R"css(:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f6f8fa;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da; --none: #d0d7de;
  --link: #0550ae;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --head: #161b22;
    --ok: #3fb950; --warn: #d29922; --bad: #f85149; --info: #58a6ff; --none: #30363d;
    --link: #79c0ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center;
  gap: .5rem 2rem; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line);
  background: var(--head); }
nav a { color: var(--link); margin-right: 1rem; text-decoration: none; font-weight: 600; }
nav a[aria-current="page"] { color: var(--fg); border-bottom: 2px solid var(--info); }
nav .brand { font-weight: 700; margin-right: 1.5rem; }
.meta { margin: 0; color: var(--muted); font-size: .9rem; }
main { padding: .5rem 1.2rem 2rem; max-width: 110rem; }
footer { padding: 1rem 1.2rem; color: var(--muted); border-top: 1px solid var(--line);
  font-size: .9rem; }
a { color: var(--link); }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 1.8rem; } h3 { font-size: 1.05rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
caption { text-align: left; color: var(--muted); padding: .2rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .6rem;
  border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
thead th { background: var(--head); font-weight: 600; white-space: nowrap; }
td.when, td.num { white-space: nowrap; }
.scroll { overflow-x: auto; }
.muted { color: var(--muted); }
.error { color: var(--bad); font-weight: 600; }
.status { font-weight: 600; white-space: nowrap; }
.st-active, .t-completed, .r-succeeded, .o-sync { color: var(--ok); }
.st-degraded, .t-regressed, .r-failed, .o-refused, .o-drift { color: var(--bad); }
.st-pending_installation, .t-blocked, .t-held, .r-partial, .o-deferred, .o-orphan {
  color: var(--warn); }
.t-in_progress, .t-ready, .r-running { color: var(--info); }
tr.note td { color: var(--muted); font-size: .9rem; border-bottom: 1px solid var(--line); }
.strip-cell { min-width: 9rem; width: 14%; }
svg.strip { width: 100%; height: 1rem; display: block; }
svg.chart { width: 100%; height: 9rem; display: block; border-bottom: 1px solid var(--line); }
.p-ok { fill: var(--ok); } .p-mixed { fill: var(--warn); } .p-down { fill: var(--bad); }
.p-pending { fill: var(--info); } .p-none { fill: var(--none); }
rect.t-completed { fill: var(--ok); } rect.t-in_progress { fill: var(--info); }
rect.t-ready { fill: #8250df; } rect.t-regressed { fill: var(--bad); }
rect.t-blocked { fill: var(--warn); } rect.t-held { fill: var(--muted); }
rect.r-ok { fill: var(--ok); } rect.r-partial { fill: var(--warn); }
rect.r-failed { fill: var(--bad); } rect.r-running { fill: var(--info); }
.legend { color: var(--muted); font-size: .85rem; }
.key { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 .8rem;
  vertical-align: -1px; background: currentColor; }
.key.p-ok, .key.t-completed, .key.r-ok { background: var(--ok); }
.key.p-mixed, .key.t-blocked, .key.r-partial { background: var(--warn); }
.key.p-down, .key.t-regressed, .key.r-failed { background: var(--bad); }
.key.p-pending, .key.t-in_progress, .key.r-running { background: var(--info); }
.key.p-none { background: var(--none); } .key.t-ready { background: #8250df; }
.key.t-held { background: var(--muted); }
.axis { display: flex; justify-content: space-between; margin: .1rem 0 0; color: var(--muted);
  font-size: .8rem; }
figure { margin: 1rem 0; } figcaption { color: var(--muted); margin-bottom: .3rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
details summary { cursor: pointer; color: var(--link); }
#live.on { color: var(--ok); } #live.off { color: var(--warn); }
)css";

const std::string_view kScript = R"js('use strict';
(function () {
  const live = document.getElementById('live');
  const main = document.getElementById('content');
  if (!live || !main || !window.fetch || !window.DOMParser) return;
  let generation = main.dataset.generation;
  let busy = false, again = false, polling = null;

  function say(text, cls) { live.textContent = text; live.className = cls; }

  // Fetches this page again and swaps <main>; <details> left open stay open.
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await fetch(location.pathname + location.search,
                              { headers: { 'Accept': 'text/html' }, cache: 'no-store' });
      if (!res.ok) throw new Error(res.status);
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const next = doc.getElementById('content');
      if (!next) throw new Error('no content');
      const open = Array.from(document.querySelectorAll('details[open][id]'), d => d.id);
      const current = document.getElementById('content');
      current.replaceWith(document.adoptNode(next));
      for (const id of open) { const d = document.getElementById(id); if (d) d.open = true; }
      const readAt = doc.getElementById('read-at'), here = document.getElementById('read-at');
      if (readAt && here) here.textContent = readAt.textContent;
      generation = next.dataset.generation;
      document.title = doc.title;
    } catch (e) {
      say('live: could not refresh (' + e.message + ')', 'off');
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }

  function changed(g) {
    if (String(g) !== String(generation)) refresh();
  }

  function poll() {
    if (polling) return;
    say('live (polling)', 'on');
    polling = setInterval(async () => {
      try {
        const res = await fetch('/api/generation', { cache: 'no-store' });
        if (res.ok) { changed((await res.json()).generation); say('live (polling)', 'on'); }
      } catch (e) { say('live: daemon unreachable', 'off'); }
    }, 2000);
  }

  if (!window.EventSource) { poll(); return; }
  const stream = new EventSource('/api/stream');
  let failures = 0;
  stream.addEventListener('change', ev => {
    failures = 0;
    say('live', 'on');
    try { changed(JSON.parse(ev.data).generation); } catch (e) { /* a malformed event */ }
  });
  stream.onopen = () => { failures = 0; say('live', 'on'); };
  // A refused stream (503: the daemon serves enough of them already) is closed for good, and
  // EventSource does not retry it; a dropped one it retries by itself, and after three failures
  // in a row the page polls instead.
  stream.onerror = () => {
    if (stream.readyState === EventSource.CLOSED || ++failures >= 3) { stream.close(); poll(); }
    else { say('live: reconnecting', 'off'); }
  };
})();
)js";

}  // namespace hx::web
