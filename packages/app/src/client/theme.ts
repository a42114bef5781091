/**
 * The page's default theme, served as `/static/app.css`. Kept as a string in TypeScript so it
 * ships with the compiled package like any other module. System font, one readable column,
 * a quiet sidebar, and widgets that look like one family.
 */
export const THEME_CSS = String.raw`
:root {
  --accent: #4f46e5;
  --accent-soft: #eef0ff;
  --text: #1d2130;
  --muted: #646b7d;
  --border: #dfe2ea;
  --surface: #f6f7fa;
  --sidebar: #f3f4f8;
  --radius: 0.5rem;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  color-scheme: light;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { margin: 0; padding: 0; }
body {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  font-size: 16px; line-height: 1.6; color: var(--text); background: #fff;
  -webkit-font-smoothing: antialiased;
}
.app { display: flex; min-height: 100vh; }
.sidebar { display: none; flex: none; width: 20rem; background: var(--sidebar); border-right: 1px solid var(--border); }
.sidebar > .block-root { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; padding: 2.75rem 1.25rem 2rem; }
.sidebar .el-table table { font-size: 0.8rem; }
.sidebar .el-table th, .sidebar .el-table td { padding: 0.35rem 0.5rem; }
.app.has-sidebar .sidebar { display: block; }
.main { flex: 1; min-width: 0; }
.main > .block-root { max-width: 46rem; margin: 0 auto; padding: 3.5rem 1.75rem 6rem; }
.block-root, .block { display: flex; flex-direction: column; gap: 0.9rem; min-width: 0; }
.block-root > *, .block > * { margin: 0; min-width: 0; }
/* Narrow screens: the sidebar becomes a drawer behind a button, over the page, closed at first. */
.sidebar-toggle {
  display: none; position: fixed; top: 0.75rem; left: 0.75rem; z-index: 31; align-items: center; gap: 0.45rem;
  font: inherit; font-size: 0.875rem; color: var(--text); background: #fff; border: 1px solid var(--border);
  border-radius: 0.6rem; padding: 0.35rem 0.75rem; cursor: pointer; box-shadow: 0 6px 20px rgba(24, 28, 48, 0.08);
}
.sidebar-toggle:focus-visible { outline: none; box-shadow: 0 0 0 3px var(--accent-soft); }
.sidebar-toggle .bars { width: 0.9rem; height: 0.65rem; border-top: 2px solid currentColor; border-bottom: 2px solid currentColor; position: relative; }
.sidebar-toggle .bars::after { content: ""; position: absolute; left: 0; right: 0; top: calc(50% - 1px); border-top: 2px solid currentColor; }
@media (max-width: 820px) {
  .app.has-sidebar .sidebar-toggle { display: inline-flex; }
  .sidebar {
    position: fixed; top: 0; bottom: 0; left: 0; z-index: 30; width: min(20rem, 86vw);
    transform: translateX(-100%); visibility: hidden; transition: transform 0.2s ease, visibility 0.2s;
    box-shadow: 0 0 40px rgba(24, 28, 48, 0.18);
  }
  .app.sidebar-open .sidebar { transform: none; visibility: visible; }
  .sidebar > .block-root { position: static; height: 100%; max-height: none; padding-top: 3.75rem; }
  .main > .block-root { padding: 3.75rem 1rem 4rem; }
}

/* text */
h1, h2, h3 { line-height: 1.25; font-weight: 700; letter-spacing: -0.01em; }
h1.el-heading { font-size: 2.25rem; padding-bottom: 0.25rem; }
h2.el-heading { font-size: 1.55rem; padding-top: 0.75rem; }
h3.el-heading { font-size: 1.2rem; padding-top: 0.35rem; }
.sidebar h1.el-heading { font-size: 1.5rem; }
.sidebar h2.el-heading { font-size: 1.2rem; padding-top: 0.25rem; }
.el-markdown > :first-child, .el-alert > :first-child, .el-caption > :first-child { margin-top: 0; }
.el-markdown > :last-child, .el-alert > :last-child, .el-caption > :last-child { margin-bottom: 0; }
.el-markdown p { margin: 0 0 0.6rem; }
.el-markdown ul, .el-markdown ol { margin: 0 0 0.6rem; padding-left: 1.4rem; }
.el-markdown a, .el-alert a { color: var(--accent); }
.el-markdown table { border-collapse: collapse; font-size: 0.9rem; }
.el-markdown th, .el-markdown td { border: 1px solid var(--border); padding: 0.3rem 0.6rem; }
.el-markdown img { max-width: 100%; }
code { font-family: var(--mono); font-size: 0.86em; background: var(--surface); border: 1px solid #eceef3; border-radius: 0.3rem; padding: 0.05rem 0.3rem; }
.el-caption { font-size: 0.85rem; color: var(--muted); }
.el-caption p { margin: 0; }
.el-caption ul, .el-caption ol { margin: 0; padding-left: 1.1rem; }
.el-text { font-family: var(--mono); font-size: 0.9rem; white-space: pre-wrap; }
pre.el-code, pre.el-json, .el-exception pre {
  font-family: var(--mono); font-size: 0.84rem; line-height: 1.5; background: var(--surface);
  border: 1px solid #eceef3; border-radius: var(--radius); padding: 0.8rem 1rem; overflow: auto; max-height: 32rem;
}
pre.el-code code, pre.el-json code { background: none; border: none; padding: 0; font-size: inherit; }
hr.el-divider { border: none; border-top: 1px solid var(--border); width: 100%; margin: 0.4rem 0; }
.el-empty { display: none; }

/* callouts */
.el-alert, .el-exception { border-radius: var(--radius); padding: 0.8rem 1rem; font-size: 0.95rem; border: 1px solid transparent; }
.el-alert p { margin: 0 0 0.4rem; }
.alert-success { background: #ebf7f0; color: #17603a; border-color: #cdebd9; }
.alert-info { background: #edf3ff; color: #1f4fae; border-color: #d4e2fd; }
.alert-warning { background: #fff7e6; color: #7a4d00; border-color: #f6e2b5; }
.alert-error, .el-exception { background: #fdf0ef; color: #a1261b; border-color: #f6d3cf; }
.el-exception .exc-title { font-weight: 600; white-space: pre-wrap; word-break: break-word; }
.el-exception pre { margin: 0.6rem 0 0; background: #fff8f7; border-color: #f6d3cf; color: #5c1a14; max-height: 18rem; }

/* tables and metrics */
/* A table wider than its column scrolls inside its frame; cells keep a readable width. */
.el-table { overflow: auto; overscroll-behavior-x: contain; max-height: 28rem; max-width: 100%; border: 1px solid var(--border); border-radius: var(--radius); }
.el-table table { border-collapse: collapse; width: 100%; font-size: 0.88rem; }
.main .el-table td { min-width: 5.5rem; max-width: 28rem; }
.el-table th { position: sticky; top: 0; background: var(--surface); text-align: left; font-weight: 600; color: var(--muted); }
.el-table th, .el-table td { padding: 0.45rem 0.75rem; border-bottom: 1px solid #eceef3; vertical-align: top; }
.el-table tr:last-child td { border-bottom: none; }
.el-metric .metric-label { font-size: 0.85rem; color: var(--muted); }
.el-metric .metric-value { font-size: 1.8rem; font-weight: 600; line-height: 1.2; font-variant-numeric: tabular-nums; }
.sidebar .el-metric .metric-value { font-size: 1.4rem; }

/* blocks */
.el-columns { display: flex; flex-direction: row; gap: 1rem; align-items: flex-start; }
.el-columns.gap-medium { gap: 2rem; }
.el-columns.gap-large { gap: 3rem; }
.el-columns > .block { flex: 1 1 0; }
@media (max-width: 640px) { .el-columns { flex-direction: column; } .el-columns > .block { width: 100%; } }
.el-container.bordered { border: 1px solid var(--border); border-radius: var(--radius); padding: 1rem; }
details.el-expander { border: 1px solid var(--border); border-radius: var(--radius); }
details.el-expander > summary { cursor: pointer; padding: 0.6rem 1rem; font-weight: 500; }
details.el-expander > .block { padding: 0 1rem 1rem; }

/* widgets */
.widget { display: flex; flex-direction: column; gap: 0.35rem; }
.widget-label { font-size: 0.875rem; color: var(--text); display: flex; align-items: center; gap: 0.35rem; }
.help { display: inline-flex; align-items: center; justify-content: center; width: 1rem; height: 1rem; border-radius: 50%;
  border: 1px solid var(--border); color: var(--muted); font-size: 0.7rem; cursor: help; }
.widget input[type=text], .widget input[type=password], .widget input[type=number], .widget select {
  font: inherit; font-size: 0.95rem; color: var(--text); background: #fff; border: 1px solid var(--border);
  border-radius: var(--radius); padding: 0.5rem 0.75rem; width: 100%; outline: none; transition: border-color .15s, box-shadow .15s;
}
.widget input:focus, .widget select:focus { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.widget input:disabled, .widget select:disabled, .btn:disabled { opacity: 0.55; cursor: not-allowed; }
.btn {
  font: inherit; font-size: 0.95rem; align-self: flex-start; background: #fff; color: var(--text); border: 1px solid var(--border);
  border-radius: var(--radius); padding: 0.45rem 1rem; cursor: pointer; transition: border-color .15s, color .15s, background .15s;
}
.btn:hover:not(:disabled) { border-color: var(--accent); color: var(--accent); }
.btn:focus-visible { outline: none; box-shadow: 0 0 0 3px var(--accent-soft); }
.btn.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.btn.primary:hover:not(:disabled) { background: #4338ca; color: #fff; }
.check { display: flex; align-items: center; gap: 0.55rem; font-size: 0.95rem; cursor: pointer; }
.check input { accent-color: var(--accent); width: 1rem; height: 1rem; margin: 0; }
.switch { position: relative; width: 2.2rem; height: 1.25rem; flex: none; }
.switch input { position: absolute; opacity: 0; width: 100%; height: 100%; margin: 0; cursor: pointer; }
.switch .track { position: absolute; inset: 0; background: #cfd3de; border-radius: 1rem; transition: background .15s; pointer-events: none; }
.switch .track::after { content: ""; position: absolute; top: 0.15rem; left: 0.15rem; width: 0.95rem; height: 0.95rem; background: #fff; border-radius: 50%; transition: transform .15s; box-shadow: 0 1px 2px rgba(0,0,0,.2); }
.switch input:checked + .track { background: var(--accent); }
.switch input:checked + .track::after { transform: translateX(0.95rem); }
.slider-row { display: flex; align-items: center; gap: 0.75rem; }
.slider-row input[type=range] { flex: 1; accent-color: var(--accent); margin: 0; }
.slider-value { font-variant-numeric: tabular-nums; font-size: 0.9rem; color: var(--accent); font-weight: 600; min-width: 2.5rem; text-align: right; }
.radio-group { display: flex; flex-direction: column; gap: 0.3rem; border: none; margin: 0; padding: 0; }
.file-row { display: flex; align-items: center; gap: 0.75rem; flex-wrap: wrap; font-size: 0.9rem; }
.file-row input[type=file] { font-size: 0.9rem; }
.file-name { color: var(--muted); }
.widget-problem { color: #a1261b; font-size: 0.85rem; }

/* spinners and status */
.spin { width: 1rem; height: 1rem; flex: none; border-radius: 50%; border: 2px solid #dcdff7; border-top-color: var(--accent); animation: spin 0.8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.el-spinner { display: flex; align-items: center; gap: 0.6rem; font-size: 0.95rem; color: var(--muted); }
.overlay { position: fixed; top: 0.75rem; right: 1rem; z-index: 20; display: flex; flex-direction: column; align-items: flex-end; gap: 0.5rem; pointer-events: none; max-width: min(28rem, calc(100vw - 2rem)); }
.cache-spinner, .status {
  display: flex; align-items: center; gap: 0.6rem; background: #fff; border: 1px solid var(--border); border-radius: 0.6rem;
  box-shadow: 0 6px 20px rgba(24, 28, 48, 0.08); padding: 0.5rem 0.85rem; font-size: 0.875rem; color: var(--text);
}
.cache-spinner .elapsed { color: var(--muted); font-variant-numeric: tabular-nums; }
.status { color: var(--muted); font-size: 0.8rem; padding: 0.3rem 0.7rem; }
.status.offline { color: #a1261b; border-color: #f6d3cf; }
.stale { opacity: 0.45; transition: opacity 0.25s ease 0.1s; }
`;
