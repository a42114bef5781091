/**
 * `cache-resource run --fleet`: the app runtime joins a fleet, so "Clear all" in one replica
 * clears the others, and clears made elsewhere reach it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cacheResource, type CacheEvent } from "cache-resource";
import { joinFleet, type Fleet } from "../src/index.js";
import type { ServerMessage } from "../../app/src/protocol.js";
import type { AppServer } from "../../app/src/server/app-server.js";
import { connect, finishedRuns } from "../../app/test/socket-support.js";
import { skipNoRedis, TestRedis, waitFor } from "./support.js";

const CLI = fileURLToPath(new URL("../../app/dist/bin/cli.js", import.meta.url));
const APP = fileURLToPath(new URL("./fixtures/replica-app.ts", import.meta.url));

let redis: TestRedis;
let replica: ChildProcess | undefined;
let fleet: Fleet | undefined;

before(async () => {
  if (skipNoRedis === false) redis = await TestRedis.start();
});
after(async () => {
  replica?.kill("SIGKILL");
  await fleet?.leave();
  await redis?.stop();
});

const texts = (messages: ServerMessage[]) =>
  messages.flatMap((m) => (m.type === "delta" && m.element.kind === "text" ? [m.element.text] : []));

test("cache-resource run --fleet: Clear all in the app clears the other replicas, and their clears reach it", { skip: skipNoRedis }, async () => {
  const name = `app-fleet-${process.pid}`;
  fleet = await joinFleet({ url: redis.url, name });
  const heard: CacheEvent[] = [];
  const stop = cacheResource.events.subscribe((event) => void (event.type === "fleet" && heard.push(event)));

  let output = "";
  replica = spawn(process.execPath, [CLI, "run", APP, "--port", "0", "--no-watch", "--fleet", redis.url, "--fleet-name", name], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  replica.stdout!.on("data", (chunk) => (output += String(chunk)));
  await waitFor("the replica to serve", () => output.includes("Press Ctrl+C"), 30_000);
  const url = /Local URL: (http:\/\/\S+)/.exec(output)![1]!;
  assert.match(output, new RegExp(`Fleet: ${name}`));
  const port = Number(new URL(url).port);
  const page = connect({ url, port } as AppServer);
  await waitFor("the first run", () => texts(page.messages).includes("value 1"));

  // A clear of everything made in another process reaches the replica.
  await cacheResource.clear();
  // Rerun (one at a time: the socket is rate limited) until the page shows a new value.
  await waitFor("the replica to drop its value", async () => {
    const runs = finishedRuns(page);
    page.ws.send(JSON.stringify({ type: "rerun" }));
    await waitFor("a rerun", () => finishedRuns(page) > runs);
    return texts(page.messages).includes("value 2");
  });

  // "Clear all" in the replica reaches this process.
  const button = page.messages.find((m) => m.type === "delta" && m.element.kind === "widget" && m.element.widget === "button");
  assert.ok(button?.type === "delta" && button.element.kind === "widget");
  page.ws.send(JSON.stringify({ type: "widget", id: button.element.id, value: true }));
  await waitFor("the replica's clear to arrive here", () => heard.some((e) => e.type === "fleet" && e.scope === "all"));
  stop();
  page.ws.close();
});
