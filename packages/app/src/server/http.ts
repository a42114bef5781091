import type { IncomingMessage, ServerResponse } from "node:http";
import type { ClientAssets } from "./client-bundle.js";
import { escapeHtml } from "../elements/markdown.js";

/**
 * The page, its two assets, a health check and the upload endpoint (server/uploads.ts). Nothing
 * else is served: no directory listing, no user files. Headers keep the page from being framed or sniffed, and the content security policy
 * only lets the page run its own script and talk to its own server.
 */

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; " +
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4f46e5"/>' +
  '<path d="M9 11h14M9 16h14M9 21h9" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>';

/** The HTML shell; the script fills it from the socket. */
export function pageHtml(title: string, version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/app.css?v=${version}">
<script src="/static/app.js?v=${version}" defer></script>
</head>
<body>
<div class="app" id="app">
<button class="sidebar-toggle" id="sidebar-toggle" type="button" aria-controls="sidebar" aria-expanded="false"><span class="bars" aria-hidden="true"></span><span class="label">Menu</span></button>
<aside class="sidebar" id="sidebar" aria-label="Sidebar"><div class="block-root" id="sidebar-root"></div></aside>
<main class="main"><div class="block-root" id="main-root"></div></main>
</div>
<div class="overlay" id="overlay" aria-live="polite"></div>
</body>
</html>
`;
}

/** Handles plain HTTP requests. */
export function createRequestHandler(
  assets: ClientAssets,
  title: string,
  upload: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const html = pageHtml(title, assets.version);
  return (req, res) => {
    if (req.method === "POST" && (req.url ?? "/").split("?")[0] === "/upload") return upload(req, res);
    const send = (status: number, type: string, body: string, cache = "no-store"): void => {
      res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type, "cache-control": cache, "content-length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: "GET, HEAD" });
      res.end();
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    switch (path) {
      case "/":
        return send(200, "text/html; charset=utf-8", html);
      case "/static/app.js":
        return send(200, "text/javascript; charset=utf-8", assets.js, "public, max-age=31536000, immutable");
      case "/static/app.css":
        return send(200, "text/css; charset=utf-8", assets.css, "public, max-age=31536000, immutable");
      case "/favicon.svg":
        return send(200, "image/svg+xml", FAVICON, "public, max-age=86400");
      case "/healthz":
        return send(200, "text/plain; charset=utf-8", "ok");
      default:
        return send(404, "text/plain; charset=utf-8", "Not found");
    }
  };
}
