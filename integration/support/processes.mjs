/**
 * Child processes for the tests: every one in its own process group, killed with its children
 * when the test ends, and every wait bounded.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";

/** A free loopback port (the OS picks one; it is free again by the time the server binds it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `command` in its own process group; its output is kept for error messages. `stop()`
 * kills the whole group (a dev server's workers too) and waits for the exit.
 */
export function start(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  return {
    get output() {
      return output;
    },
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {}
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {}
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Runs `command` to completion; rejects with its output when it fails or takes over `timeoutMs`. */
export async function run(command, args, options, timeoutMs) {
  const proc = start(command, args, options);
  const timer = setTimeout(() => void proc.stop(), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${proc.output.slice(-4000)}`);
  return proc.output;
}

/**
 * Calls `probe` until it returns something other than undefined, at most `timeoutMs`. `what`
 * names the wait in the timeout error (a function is called then: e.g. a server's output so far).
 */
export async function waitFor(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const described = typeof what === "function" ? what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${described}${last ? `: ${last}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** GET `url` as JSON (undefined while the server is not answering, or answers an error). */
export async function getJson(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${(await response.text()).slice(0, 500)}`);
  return response.json();
}
