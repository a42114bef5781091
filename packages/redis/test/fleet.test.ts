/**
 * Fleets against a real redis-server: member processes of one small app, copied into two
 * different directories, clear each other's entries.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyApp, Member, skipNoRedis, TestRedis, waitFor } from "./support.js";

let fleetSeq = 0;
const fleetName = (label: string) => `${label}-${process.pid}-${++fleetSeq}`;

describe("a fleet of three processes from two directories", { skip: skipNoRedis }, () => {
  let redis: TestRedis;
  const apps = [] as ReturnType<typeof copyApp>[];
  let a1: Member, a2: Member, b: Member;

  before(async () => {
    redis = await TestRedis.start();
    apps.push(copyApp(), copyApp());
    const name = fleetName("three");
    [a1, a2, b] = await Promise.all([
      Member.start("a1", apps[0]!.dir, redis.url, name),
      Member.start("a2", apps[0]!.dir, redis.url, name),
      Member.start("b", apps[1]!.dir, redis.url, name),
    ]);
  });

  after(async () => {
    await Promise.all([a1, a2, b].map((m) => m?.stop()));
    await redis?.stop();
    for (const app of apps) app.remove();
  });

  const everyone = () => [a1, a2, b];
  /** Waits until `member` has applied `count` fleet clears in all. */
  const applied = (member: Member, count: number) => waitFor(`${member.name} to apply ${count} fleet clears`, () => member.events("fleet").length >= count);

  test("clear of one entry: released on every member, once, with reason clear; other entries stay", async () => {
    const ids = await Promise.all(everyone().map(async (m) => ({ x: await m.call("getDb", "pg://x"), y: await m.call("getDb", "pg://y") })));
    await a1.clear("getDb", "pg://x");
    assert.deepEqual(a1.releasesOf(ids[0]!.x).map((r) => r.reason), ["clear"], "the sender releases at once");
    await Promise.all([applied(a2, 1), applied(b, 1)]);
    for (const [i, member] of everyone().entries()) {
      assert.deepEqual(member.releasesOf(ids[i]!.x).map((r) => r.reason), ["clear"], member.name);
      assert.deepEqual(member.releasesOf(ids[i]!.y), [], `${member.name} keeps the other entry`);
      member.releasedAtMostOnce();
    }
    const event = b.events("fleet")[0]!;
    assert.deepEqual([event.senderId, event.scope, event.fn], [a1.memberId, "entry", "getDb"]);
    assert.equal(a1.events("fleet").length, 0, "the sender does not receive its own clear");
    // Hits again after the clear, on the new value.
    assert.notEqual(await b.call("getDb", "pg://x"), ids[2]!.x);
  });

  test("clear of one function (by its name option) and of arguments known only by identity", async () => {
    const models = await Promise.all(everyone().map(async (m) => [await m.call("getModel", "small"), await m.call("getModel", "large")]));
    const seen = everyone().map((m) => m.events("fleet").length);
    await b.clear("getModel");
    await Promise.all([applied(a1, seen[0]! + 1), applied(a2, seen[1]! + 1)]);
    for (const [i, member] of everyone().entries()) {
      for (const id of models[i]!) assert.deepEqual(member.releasesOf(id).map((r) => r.reason), ["clear"], member.name);
    }
    assert.equal(b.events("fleet").length, seen[2]);

    // A symbol cannot be named in another process: the whole function is cleared there.
    const tagged = await Promise.all(everyone().map((m) => m.do("callLocalSymbol") as Promise<string>));
    const seenNow = everyone().map((m) => m.events("fleet").length);
    await a2.do("clearLocalSymbol");
    await Promise.all([applied(a1, seenNow[0]! + 1), applied(b, seenNow[2]! + 1)]);
    assert.deepEqual(b.releasesOf(tagged[2]!).map((r) => r.reason), ["clear"]);
    assert.equal(a1.events("fleet").at(-1)!.scope, "function");
    assert.deepEqual(a1.releasesOf(tagged[0]!).map((r) => r.reason), ["clear"]);
  });

  test("two functions with the same text, wrapped in two places: a clear of one reaches that one only", async () => {
    const ids = await Promise.all(
      everyone().map(async (m) => ({ primary: await m.call("getPrimary", "pg://p"), replica: await m.call("getReplica", "pg://p") })),
    );
    const seen = everyone().map((m) => m.events("fleet").length);
    await a2.clear("getPrimary", "pg://p");
    await Promise.all([applied(a1, seen[0]! + 1), applied(b, seen[2]! + 1)]);
    for (const [i, member] of everyone().entries()) {
      assert.deepEqual(member.releasesOf(ids[i]!.primary).map((r) => r.reason), ["clear"], member.name);
      assert.deepEqual(member.releasesOf(ids[i]!.replica), [], `${member.name} keeps the other function's value`);
    }
    await b.clear("getReplica");
    await Promise.all([applied(a1, seen[0]! + 2), applied(a2, seen[1]! + 1)]);
    for (const [i, member] of everyone().entries()) {
      assert.deepEqual(member.releasesOf(ids[i]!.replica).map((r) => r.reason), ["clear"], member.name);
      member.releasedAtMostOnce();
    }
  });

  test("clear of everything: every member releases everything with reason clear-all, exactly once", async () => {
    for (const member of everyone()) await member.call("getDb", `pg://${member.name}`);
    const counts = everyone().map((m) => m.events("fleet").length);
    await a2.do("clearAll");
    await Promise.all([applied(a1, counts[0]! + 1), applied(b, counts[2]! + 1)]);
    for (const member of everyone()) {
      const created = member.events("created").map((m) => String(m.id));
      await waitFor(`${member.name} to release everything`, () => created.every((id) => member.releasesOf(id).length === 1));
      assert.ok(member.releasesOf(created.at(-1)!).every((r) => r.reason === "clear-all"));
      member.releasedAtMostOnce();
    }
    const status = await a2.status();
    assert.equal(status.connected, true);
    assert.ok(status.sent >= 2 && status.received >= 2, JSON.stringify(status));
  });

  test("leave(): the member neither sends nor receives clears any more", async () => {
    const kept = await a1.call("getDb", "pg://kept");
    await a1.do("leave");
    assert.equal((await a1.status()).connected, false);
    const bSeen = b.events("fleet").length;
    await a1.clear("getDb", "pg://local-only"); // local now: b never hears of it
    await a2.clear("getDb", "pg://kept"); // sent after a1's would have been
    await applied(b, bSeen + 1);
    assert.deepEqual(b.events("fleet").slice(bSeen).map((e) => e.senderId), [a2.memberId]);
    assert.deepEqual(a1.releasesOf(kept), [], "a1 no longer applies clears");
    await a1.releasesEverythingExactlyOnce();
    await a2.releasesEverythingExactlyOnce();
    await b.releasesEverythingExactlyOnce();
  });
});

describe("a fleet when Redis is slow, gone, or trimmed", { skip: skipNoRedis }, () => {
  let redis: TestRedis;
  let apps: ReturnType<typeof copyApp>[] = [];
  let members: Member[] = [];
  let stream = "";

  before(async () => {
    redis = await TestRedis.start();
  });
  after(async () => {
    await redis?.stop();
  });

  async function twoMembers(): Promise<[Member, Member]> {
    apps = [copyApp(), copyApp()];
    const name = fleetName("trouble");
    stream = `cache-resource:fleet:${name}`;
    members = await Promise.all([Member.start("a", apps[0]!.dir, redis.url, name), Member.start("b", apps[1]!.dir, redis.url, name)]);
    return members as [Member, Member];
  }
  async function cleanUp(): Promise<void> {
    for (const member of members) await member.releasesEverythingExactlyOnce();
    await Promise.all(members.map((m) => m.stop()));
    for (const app of apps) app.remove();
  }

  test("SIGSTOP/SIGCONT: clears go on locally, the outage is reported once per member, the clear arrives after", async () => {
    const [a, b] = await twoMembers();
    const [ax, bx, by] = [await a.call("getDb", "pg://x"), await b.call("getDb", "pg://x"), await b.call("getDb", "pg://y")];
    redis.pause();
    try {
      await a.clear("getDb", "pg://x"); // answers while Redis is stopped
      await a.clear("getDb", "pg://y");
      assert.deepEqual(a.releasesOf(ax).map((r) => r.reason), ["clear"]);
      assert.ok(await a.call("getDb", "pg://x"), "calls go on");
      await waitFor("both members to report the outage", () => a.events("fleet-error").length > 0 && b.events("fleet-error").length > 0);
      assert.equal((await a.status()).pending, 2);
    } finally {
      redis.resume();
    }
    await waitFor("b to apply both clears", () => b.events("fleet").length === 2);
    assert.deepEqual(b.releasesOf(bx).map((r) => r.reason), ["clear"]);
    assert.deepEqual(b.releasesOf(by).map((r) => r.reason), ["clear"]);
    await waitFor("a to be connected again", async () => (await a.status()).connected);
    assert.equal(a.events("fleet-error").length, 1, "one report per outage");
    assert.equal(b.events("fleet-error").length, 1, "one report per outage");
    assert.ok(a.events("warning").some((w) => w.code === "CACHE_RESOURCE_FLEET"));
    await cleanUp();
  });

  test("kill and restart: clears made while Redis is gone are sent when it is back; receivers release what may be stale", async () => {
    const [a, b] = await twoMembers();
    const bx = await b.call("getDb", "pg://x");
    const bKept = await b.call("getModel", "kept");
    await redis.kill();
    await a.clear("getDb", "pg://x");
    await a.clear("getDb", "pg://x2");
    await waitFor("both members to report the outage", () => a.events("fleet-error").length > 0 && b.events("fleet-error").length > 0);
    await redis.launch();
    // Redis came back empty: b cannot know what it missed, so it releases everything it holds...
    await waitFor("b to release its entries", () => b.releasesOf(bKept).length === 1);
    // ...and the clears a made meanwhile still arrive.
    await waitFor("b to receive a's clears", () => b.events("fleet").filter((e) => e.senderId === a.memberId).length === 2);
    assert.equal(b.releasesOf(bx).length, 1);
    const status = await waitFor("a to send", async () => {
      const s = await a.status();
      return s.sent === 2 && s.pending === 0 ? s : undefined;
    });
    assert.equal(status.sent, 2);
    assert.equal(a.events("fleet-error").length, 1, "one report per outage");
    assert.equal(b.events("fleet-error").length, 1, "one report per outage");
    // And the fleet works as before.
    const bz = await b.call("getDb", "pg://z");
    await a.clear("getDb", "pg://z");
    await waitFor("b to release z", () => b.releasesOf(bz).length === 1);
    await cleanUp();
  });

  test("cut off and back: the member replays exactly the clears it missed, and keeps everything else", async () => {
    const [a, b] = await twoMembers();
    const [bx, by, bKept] = [await b.call("getDb", "pg://x"), await b.call("getDb", "pg://y"), await b.call("getModel", "kept")];
    b.signal("SIGSTOP");
    try {
      assert.equal(await redis.disconnect(b.memberId), 2);
      await a.clear("getDb", "pg://x");
      await a.clear("getDb", "pg://y");
      await waitFor("a to send", async () => (await a.status()).sent === 2);
    } finally {
      b.signal("SIGCONT");
    }
    await waitFor("b to replay both clears", () => b.events("fleet").length === 2);
    assert.deepEqual([...b.releasesOf(bx), ...b.releasesOf(by)].map((r) => r.reason), ["clear", "clear"]);
    assert.deepEqual(b.releasesOf(bKept), [], "nothing else is released");
    const status = await b.status();
    assert.deepEqual([status.received, status.replayed], [2, 2]);
    await cleanUp();
  });

  test("a trimmed stream: a member cut off past the trim releases everything; one that kept up releases nothing", async () => {
    const [a, b] = await twoMembers();
    const [bx, bKept, aKept] = [await b.call("getDb", "pg://x"), await b.call("getModel", "kept"), await a.call("getModel", "kept")];
    b.signal("SIGSTOP");
    try {
      assert.equal(await redis.disconnect(b.memberId), 2); // b notices once it runs again
      await a.clear("getDb", "pg://x");
      await a.clear("getDb", "pg://y");
      const last = await waitFor("a to read its own clears", async () => {
        const info = (await redis.command(["XINFO", "STREAM", stream])) as Record<string, unknown>;
        const lastId = String(info["last-generated-id"]);
        return (await a.status()).lastId === lastId && lastId;
      });
      assert.ok(last);
      await redis.command(["XTRIM", stream, "MAXLEN", "0"]);
    } finally {
      b.signal("SIGCONT");
    }
    await waitFor("b to release everything", () => b.releasesOf(bKept).length === 1);
    assert.deepEqual(b.releasesOf(bKept).map((r) => r.reason), ["clear-all"]);
    assert.equal(b.releasesOf(bx).length, 1);
    assert.ok(b.events("warning").some((w) => /trimmed past/.test(String(w.message))));
    // a had read everything the trim removed: reconnecting, it finds nothing missing.
    await redis.disconnect(a.memberId);
    await waitFor("a to reconnect", async () => (await a.status()).connected);
    const bz = await b.call("getDb", "pg://z");
    await a.clear("getDb", "pg://z");
    await waitFor("b to release z", () => b.releasesOf(bz).length === 1);
    assert.deepEqual(a.releasesOf(aKept), []);
    await cleanUp();
  });

  test("joining while Redis is down: the join resolves, the outage is reported once, and what was cached meanwhile is released when Redis is back", async () => {
    await redis.kill();
    apps = [copyApp()];
    const a = await Member.start("a", apps[0]!.dir, redis.url, fleetName("late"));
    members = [a];
    const ax = await a.call("getDb", "pg://x");
    await waitFor("the outage report", () => a.events("fleet-error").length === 1);
    assert.equal((await a.status()).connected, false);
    await redis.launch();
    await waitFor("a to release what it cached", () => a.releasesOf(ax).length === 1);
    assert.deepEqual(a.releasesOf(ax).map((r) => r.reason), ["clear-all"]);
    await waitFor("a to be connected", async () => (await a.status()).connected);
    assert.equal(a.events("fleet-error").length, 1);
    await cleanUp();
  });
});

describe("a fleet with a secret", { skip: skipNoRedis }, () => {
  let redis: TestRedis;
  let app: ReturnType<typeof copyApp>;
  let a: Member, b: Member, outsider: Member;
  const name = fleetName("signed");
  const secret = "0123456789abcdef-shared";

  before(async () => {
    redis = await TestRedis.start();
    app = copyApp();
    [a, b, outsider] = await Promise.all([
      Member.start("a", app.dir, redis.url, name, secret),
      Member.start("b", app.dir, redis.url, name, secret),
      Member.start("outsider", app.dir, redis.url, name, "another-secret-of-16"),
    ]);
  });

  after(async () => {
    await Promise.all([a, b, outsider].map((m) => m?.stop()));
    await redis?.stop();
    app?.remove();
  });

  test("members with the secret apply each other's clears; unsigned and wrongly signed clears are dropped, counted and reported once", async () => {
    const ids = await Promise.all([a, b, outsider].map((m) => m.call("getDb", "pg://signed")));
    // A clear signed with another secret, and one written straight into the stream by a client
    // that knows no secret at all.
    await outsider.clear("getDb", "pg://signed");
    await redis.command(["XADD", `cache-resource:fleet:${name}`, "*", "s", "intruder", "q", "1", "c", "all", "f", "", "k", "", "d", "*", "a", ""]);
    await waitFor("a and b to drop both", async () => (await a.status()).rejected === 2 && (await b.status()).rejected === 2);
    for (const [i, member] of [a, b].entries()) {
      assert.deepEqual(member.releasesOf(ids[i]!), [], `${member.name} keeps its value`);
      assert.equal(member.events("fleet").length, 0);
      const warnings = member.events("warning").filter((w) => /signature is missing or wrong/.test(String(w.message)));
      assert.equal(warnings.length, 1, `${member.name} warns once`);
    }
    // A signed clear is applied by the other member with the secret, not by the outsider.
    await a.clear("getDb", "pg://signed");
    await waitFor("b to apply a's clear", () => b.events("fleet").length === 1);
    assert.deepEqual(b.releasesOf(ids[1]!).map((r) => r.reason), ["clear"]);
    await waitFor("the outsider to drop a's clear", async () => (await outsider.status()).rejected >= 1);
    assert.equal(outsider.releasesOf(ids[2]!).length, 1, "the outsider released its own value once, on its own clear");
    for (const member of [a, b, outsider]) member.releasedAtMostOnce();
  });
});

