import { networkInterfaces } from "node:os";

/**
 * Which pages may open the app's WebSocket: only the app's own page. A browser sends the page's
 * origin with every WebSocket handshake; another site (or a page served by DNS rebinding under
 * another name) has another origin and is refused. The Host header is not trusted for this: a
 * rebinding attacker controls it.
 */

const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];
const WILDCARD = new Set(["0.0.0.0", "::", "[::]", ""]);

/** Host names under which the server's own page may be loaded, for a server bound to `bindHost`. */
export function ownHostnames(bindHost: string): Set<string> {
  const names = new Set(LOOPBACK);
  if (WILDCARD.has(bindHost)) {
    // Bound to every interface: the page may be opened through any of the machine's addresses.
    for (const list of Object.values(networkInterfaces())) {
      for (const info of list ?? []) names.add(info.family === "IPv6" ? `[${info.address}]` : info.address);
    }
  } else {
    names.add(bindHost.includes(":") && !bindHost.startsWith("[") ? `[${bindHost}]` : bindHost.toLowerCase());
  }
  return names;
}

/**
 * True when `origin` (the handshake's Origin header) is the server's own: http on `port` under
 * one of `hostnames`, or one of the `extra` origins configured explicitly.
 */
export function isOwnOrigin(origin: string | undefined, port: number, hostnames: ReadonlySet<string>, extra: ReadonlySet<string> = new Set()): boolean {
  if (origin === undefined || origin === "null") return false;
  if (extra.has(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:") return false;
  const urlPort = url.port === "" ? 80 : Number(url.port);
  return urlPort === port && hostnames.has(url.hostname.toLowerCase()) && url.origin === origin.toLowerCase();
}

/**
 * The origin `text` names (`https://app.example.com`, `http://host:8080`), in the form browsers
 * send it: scheme, host and port only. Throws with a hint for anything else (a path, a wildcard).
 */
export function normalizeOrigin(text: string): string {
  const example = "e.g. https://app.example.com or http://intranet:8080";
  if (text.includes("*")) throw new TypeError(`${JSON.stringify(text)} is not an origin: wildcards are not accepted; list each origin (${example}).`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${JSON.stringify(text)} is not an origin; write its scheme, host and port (${example}).`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`${JSON.stringify(text)} is not an http(s) origin (${example}).`);
  const bare = url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "" && url.password === "";
  if (!bare || !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\/?$/i.test(text)) {
    throw new TypeError(`${JSON.stringify(text)} is not an origin: give the scheme, host and port only, without a path (${url.origin}).`);
  }
  return url.origin;
}
