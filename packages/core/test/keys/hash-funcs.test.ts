import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HashFuncError } from "../../src/errors.js";
import type { HashFuncs } from "../../src/keys/keyer.js";
import { keyerFor } from "./helpers.js";

const makePerson = () =>
  class Person {
    constructor(
      public name: string,
      public mood: string,
    ) {}
  };
const Person = makePerson();

function keyerWith(hashFuncs: HashFuncs) {
  return keyerFor(function getPersonName(person: unknown, extra?: unknown) { return [person, extra]; }, { hashFuncs });
}

describe("hashFuncs", () => {
  it("a constructor entry decides what counts (the Person example from Streamlit's docs)", () => {
    const k = keyerWith(new Map([[Person, (p: InstanceType<typeof Person>) => p.name]]));
    assert.equal(k.key([new Person("ada", "happy")]), k.key([new Person("ada", "sad")]));
    assert.notEqual(k.key([new Person("ada", "happy")]), k.key([new Person("bob", "happy")]));
  });

  it("is applied at every depth, Map keys included", () => {
    const k = keyerWith(new Map([[Person, (p: InstanceType<typeof Person>) => p.name]]));
    assert.equal(k.key([{ team: [new Person("ada", "x")] }]), k.key([{ team: [new Person("ada", "y")] }]));
    assert.equal(k.key([new Map([[new Person("ada", "x"), 1]])]), k.key([new Map([[new Person("ada", "y"), 1]])]));
  });

  it("a name entry matches a class re-created by a hot reload", () => {
    const Reloaded = makePerson();
    assert.notEqual(Reloaded, Person);
    const byName = keyerWith(new Map([["Person", (p: InstanceType<typeof Person>) => p.name]]));
    assert.equal(byName.key([new Person("ada", "x")]), byName.key([new Reloaded("ada", "y")]));
    // A constructor entry matches that constructor only; the reloaded class then falls back to
    // the built-in rules (by class source and own state).
    const byOldClass = keyerWith(new Map([[Person, (p: InstanceType<typeof Person>) => p.name]]));
    assert.notEqual(byOldClass.key([new Person("ada", "x")]), byOldClass.key([new Reloaded("ada", "y")]));
  });

  it("matches the exact class only, not subclasses", () => {
    class Employee extends Person {}
    const k = keyerWith(new Map([[Person, (p: InstanceType<typeof Person>) => p.name]]));
    assert.notEqual(k.key([new Employee("ada", "x")]), k.key([new Employee("ada", "y")]));
  });

  it("output is tagged: it never equals a plain value with the same content", () => {
    const k = keyerWith(new Map([[Person, (p: InstanceType<typeof Person>) => p.name]]));
    assert.notEqual(k.key([new Person("ada", "x"), 1]), k.key(["ada", 1]));
    assert.notEqual(k.key([[new Person("ada", "x")]]), k.key([["ada"]]));
  });

  it("a result of the same class is encoded with the built-in rules (no infinite re-application)", () => {
    const k = keyerWith(new Map([[Person, (p: InstanceType<typeof Person>) => new Person(p.name.toLowerCase(), "")]]));
    assert.equal(k.key([new Person("ADA", "x")]), k.key([new Person("ada", "y")]));
  });

  it("primitive type entries apply to primitives and turn off their fast path", () => {
    const k = keyerWith(new Map([["string", (s: string) => s.toLowerCase()]]));
    assert.equal(k.key(["ABC"]), k.key(["abc"]));
    assert.notEqual(k.key(["abc"]), "abc");
    assert.equal(k.key([{ name: "X" }]), k.key([{ name: "x" }]));
  });

  it("can make an unhashable type hashable", () => {
    const k = keyerWith(new Map<Function | string, (v: any) => unknown>([[WeakMap, () => "any weak map"]]));
    assert.equal(k.key([new WeakMap()]), k.key([new WeakMap()]));
  });

  it("a cycle through a hash function's result is a back-reference", () => {
    class Node {
      next: Node | undefined;
      constructor(public id: number) {}
    }
    const k = keyerWith(new Map([[Node, (n: Node) => ({ id: n.id, next: n.next })]]));
    const ring = () => {
      const a = new Node(1);
      a.next = new Node(2);
      a.next.next = a;
      return a;
    };
    assert.equal(k.key([ring()]), k.key([ring()]));
  });

  it("a hash function that returns its input raises HashFuncError", () => {
    const k = keyerWith(new Map([[Person, function identity(p: unknown) { return p; }]]));
    assert.throws(
      () => k.key([{ who: new Person("ada", "x") }]),
      (error: unknown) => {
        assert.ok(error instanceof HashFuncError);
        assert.equal(error.typeName, "Person");
        assert.equal(error.path, "person.who");
        assert.match(error.message, /identity/);
        assert.match(error.message, /returned its input/);
        assert.match(error.message, /getPersonName/);
        return true;
      },
    );
  });

  it("a hash function that throws raises HashFuncError with the cause", () => {
    const boom = new Error("cannot hash");
    const k = keyerWith(new Map([["Person", function explode(): never { throw boom; }]]));
    assert.throws(
      () => k.key([[new Person("ada", "x")]]),
      (error: unknown) => {
        assert.ok(error instanceof HashFuncError);
        assert.equal(error.cause, boom);
        assert.equal(error.path, "person[0]");
        assert.match(error.message, /explode/);
        assert.match(error.message, /cannot hash/);
        return true;
      },
    );
  });

  it("may itself compute keys (the encoder is re-entrant)", () => {
    const inner = keyerFor(function inner(x: unknown) { return x; });
    const k = keyerWith(new Map([[Person, (p: InstanceType<typeof Person>) => inner.key([{ name: p.name }])]]));
    assert.equal(k.key([[new Person("ada", "x"), { a: 1 }]]), k.key([[new Person("ada", "y"), { a: 1 }]]));
    assert.notEqual(k.key([[new Person("ada", "x"), { a: 1 }]]), k.key([[new Person("bob", "x"), { a: 1 }]]));
  });

  it("works deep inside nested values", () => {
    const k = keyerWith(new Map([["number", (n: number) => Math.round(n)]]));
    const nest = (leaf: number) => {
      let value: unknown = leaf;
      for (let i = 0; i < 100; i++) value = { v: value };
      return value;
    };
    assert.equal(k.key([nest(1.2)]), k.key([nest(0.8)]));
    assert.notEqual(k.key([nest(1.2)]), k.key([nest(2.2)]));
  });
});
