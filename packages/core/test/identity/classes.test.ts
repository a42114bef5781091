import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "../../src/index.js";

test("decorated methods of different classes never share a cache, even with equal name and source", () => {
  class Postgres {
    @cacheResource({ ttl: 60 })
    open(url: string) {
      return { url, driver: this.constructor.name };
    }
  }
  class Mysql {
    @cacheResource({ ttl: 60 })
    open(url: string) {
      return { url, driver: this.constructor.name };
    }
  }
  const pg = new Postgres().open("db");
  const my = new Mysql().open("db");
  assert.equal(pg.driver, "Postgres");
  assert.equal(my.driver, "Mysql");
  assert.equal(new Postgres().open("db"), pg, "shared by the instances of one class");
  assert.equal(new Mysql().open("db"), my);
});

test("bare decorated methods of different classes never share a cache", () => {
  class A {
    @cacheResource
    get() {
      return { from: this.constructor.name };
    }
  }
  class B {
    @cacheResource
    get() {
      return { from: this.constructor.name };
    }
  }
  assert.equal(new A().get().from, "A");
  assert.equal(new B().get().from, "B");
});

test("instances of two mixin classes with equal own state are different argument types", () => {
  const mk = <T extends new (...args: any[]) => object>(Base: T) => class Thing extends Base {};
  class P {
    kind = "same";
  }
  class Q {
    kind = "same";
  }
  const ThingP = mk(P);
  const ThingQ = mk(Q);
  let computed = 0;
  const describe = cacheResource((thing: object) => ({ thing, n: ++computed }));
  const forP = describe(new ThingP());
  const forQ = describe(new ThingQ());
  assert.notEqual(forP, forQ, "mk(P) and mk(Q) instances got different entries");
  assert.equal(describe(new ThingP()), forP, "equal mk(P) instances share one");
  assert.equal(computed, 2);
});
