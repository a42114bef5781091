/**
 * Every error cache-resource throws is an instance of {@link CacheResourceError}, so callers can
 * tell the cache's own complaints apart from errors thrown by the cached functions themselves
 * (those pass through untouched).
 *
 * Messages say what was wrong and how to fix it.
 */

/** Marks the errors of every copy of the library (`Symbol.for`: the same key in each copy). */
const BRAND = Symbol.for("cache-resource.error");

/** Base class of every error raised by cache-resource itself. */
export class CacheResourceError extends Error {
  override name = "CacheResourceError";

  static {
    Object.defineProperty(this.prototype, BRAND, { value: true });
  }

  /**
   * `instanceof` also recognises errors raised by another copy of cache-resource in the same
   * process (its CommonJS and ESM builds both loaded, say). That copy's classes are other
   * objects, so the prototype test fails; an error carrying the brand whose class chain has a
   * class of this name matches instead.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null || !(BRAND in value)) return false;
    for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
      if (Object.hasOwn(proto, "constructor") && proto.constructor.name === this.name) return true;
    }
    return false;
  }
}

/** Where an unhashable argument sits: the parameter's name when known, else its position. */
export interface ParameterRef {
  /** Parameter name taken from the function's source, when there is one. */
  readonly name: string | undefined;
  /** Zero-based position of the argument in the call. */
  readonly position: number;
}

/**
 * An argument (or a value nested inside one) cannot be turned into a cache key.
 *
 * Raised for values whose content cannot be observed (`WeakMap`, `WeakSet`, `WeakRef`, `Promise`,
 * class instances with no visible state) and for anything else the hasher refuses. The message
 * names the cached function, the parameter, the argument's class when it is an instance of one
 * (the `hashFuncs` entry to add), the path to the nested value that failed and its type, and the
 * three fixes: a leading `_` on the parameter name, the `exclude` option, or a `hashFuncs` entry.
 */
export class UnhashableParamError extends CacheResourceError {
  override name = "UnhashableParamError";
  readonly functionName: string;
  readonly parameter: ParameterRef;
  /** Path from the argument to the value that failed, e.g. `opts.client.socket`. */
  readonly path: string;
  /** Type name of the value that failed, e.g. `WeakMap` or `Socket`. */
  readonly typeName: string;
  /**
   * The class of the whole argument when it is an instance of a named class (a database client,
   * say) and the failure is inside it: the `hashFuncs` entry the message suggests. `undefined`
   * when the argument itself failed, or is plain data (an object, an array, a Map…), for which
   * the entry to add is the failing value's type.
   */
  readonly argumentClass: string | undefined;

  constructor(init: {
    functionName: string;
    parameter: ParameterRef;
    path: string;
    typeName: string;
    reason?: string;
    argumentClass?: string;
  }) {
    const { functionName, parameter, path, typeName, reason, argumentClass } = init;
    const param = parameter.name ?? "(unnamed)";
    const nested = !(path === param || path === "");
    const rename = parameter.name ? `_${parameter.name}` : `_arg${parameter.position}`;
    const problem = `of type \`${typeName}\`${reason ? `, ${reason}` : ""}`;
    const what =
      argumentClass !== undefined && nested
        ? `it is a \`${argumentClass}\`, and the value at \`${path}\` inside it is ${problem}`
        : `the value${nested ? ` at \`${path}\`` : ""} is ${problem}`;
    const entryFor = argumentClass !== undefined && nested ? argumentClass : typeName;
    super(
      `Cannot hash argument \`${param}\` (position ${parameter.position}) of \`${functionName}()\`: ${what}.\n` +
        `To fix this, do one of:\n` +
        `  - rename the parameter to \`${rename}\` so it is left out of the cache key;\n` +
        `  - pass \`exclude: [${parameter.position}]\` in the options (survives minification);\n` +
        (entryFor === argumentClass
          ? `  - add a \`hashFuncs\` entry for \`${entryFor}\`, the argument's class (keyed by the class itself as you ` +
            `import it, or by the name ${JSON.stringify(entryFor)}), that returns a string or plain data identifying it.`
          : `  - add a \`hashFuncs\` entry for \`${entryFor}\` that returns something hashable.`),
    );
    this.functionName = functionName;
    this.parameter = parameter;
    this.path = path;
    this.typeName = typeName;
    this.argumentClass = nested ? argumentClass : undefined;
  }
}

/** A `hashFuncs` entry threw, or returned its own input (which would make every value equal). */
export class HashFuncError extends CacheResourceError {
  override name = "HashFuncError";
  readonly functionName: string;
  readonly typeName: string;
  readonly path: string;

  constructor(init: {
    functionName: string;
    typeName: string;
    path: string;
    hashFuncName: string;
    problem: string;
    cause?: unknown;
  }) {
    super(
      `The hashFuncs entry for \`${init.typeName}\` (${init.hashFuncName}) ${init.problem} ` +
        `while hashing \`${init.path}\` for \`${init.functionName}()\`. ` +
        `A hash function must return a different, hashable value (a string, number or plain data) ` +
        `that identifies its input.`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.functionName = init.functionName;
    this.typeName = init.typeName;
    this.path = init.path;
  }
}

/** An option passed to `cacheResource` (or a value passed to `parseTtl`) is not valid. */
export class InvalidOptionError extends CacheResourceError {
  override name = "InvalidOptionError";
  /** The option's name, e.g. `ttl`. */
  readonly option: string;
  /** The value that was given. */
  readonly value: unknown;
  /** What is wrong with it. */
  readonly problem: string;
  /** What is accepted instead. */
  readonly accepted: string;

  constructor(option: string, value: unknown, problem: string, accepted: string) {
    super(`Invalid \`${option}\` option ${describeValue(value)}: ${problem}\nAccepted: ${accepted}`);
    this.option = option;
    this.value = value;
    this.problem = problem;
    this.accepted = accepted;
  }
}

/** A duration given as `ttl` (or to `parseTtl`) could not be read. */
export class InvalidTtlError extends InvalidOptionError {
  override name = "InvalidTtlError";
}

/** A cached function called itself with the same arguments while computing them. */
export class RecursiveCallError extends CacheResourceError {
  override name = "RecursiveCallError";
  readonly functionName: string;
  constructor(functionName: string) {
    super(
      `\`${functionName}()\` called itself with the same arguments while computing them; ` +
        `waiting for its own result would never finish. Call the uncached function inside, ` +
        `or pass different arguments.`,
    );
    this.functionName = functionName;
  }
}

/** A `scope: "session"` function was called outside `runInSession`. */
export class NoSessionError extends CacheResourceError {
  override name = "NoSessionError";
  readonly functionName: string;
  constructor(functionName: string) {
    super(
      `\`${functionName}()\` has \`scope: "session"\` but was called outside a session. ` +
        `Wrap the call in \`runInSession(sessionId, () => ...)\`, or use \`scope: "global"\`.`,
    );
    this.functionName = functionName;
  }
}

/** The function's identity cannot be derived (bound or native functions print no source). */
export class FunctionIdentityError extends CacheResourceError {
  override name = "FunctionIdentityError";
  constructor(message: string) {
    super(message);
  }
}

/** Short, safe rendering of a user value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (value === null || typeof value !== "object") return String(value);
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    // fall through: cyclic or exotic
  }
  return Object.prototype.toString.call(value);
}

/** A computation was cleared while it ran, again and again, so no value could be kept. */
export class ClearedWhileComputingError extends CacheResourceError {
  override name = "ClearedWhileComputingError";
  readonly functionName: string;
  constructor(functionName: string, attempts: number) {
    super(
      `\`${functionName}()\` was cleared while computing ${attempts} times in a row, so no value could be stored. ` +
        `A value computed under a cleared cache is released, not returned; stop clearing the cache ` +
        `from inside the computation (or while it runs) to get a value.`,
    );
    this.functionName = functionName;
  }
}

/**
 * A session ended (`endSession`) while a value was being computed for it, or before code still
 * running for it called a session-scoped function.
 */
export class SessionEndedError extends CacheResourceError {
  override name = "SessionEndedError";
  readonly functionName: string;
  readonly sessionId: string;
  constructor(functionName: string, sessionId: string, during: "computing" | "call" = "computing") {
    super(
      during === "computing"
        ? `Session "${sessionId}" ended while \`${functionName}()\` was computing a value for it, so the value was ` +
            `released instead of stored (storing it would keep an ended session alive). Calls in a new session ` +
            `compute it again.`
        : `Session "${sessionId}" has ended, so \`${functionName}()\` (scope "session") cannot store a value for it: ` +
            `nothing would ever release it. The call came from code still running for the ended session (work ` +
            `that was awaiting when the session ended, say); calls in a new session work as usual.`,
    );
    this.functionName = functionName;
    this.sessionId = sessionId;
  }
}

/**
 * `cacheResource.shutdown()` has started: cached functions compute nothing more (a value created
 * now would never be released). Calls that would have hit get this error too, since shutdown
 * removes every entry.
 */
export class CacheShutdownError extends CacheResourceError {
  override name = "CacheShutdownError";
  readonly functionName: string;
  constructor(functionName: string) {
    super(
      `\`${functionName}()\` was called after cacheResource.shutdown() started, so no value can be created: ` +
        `one created now would never be released. Stop taking work (close the server) before shutting down.`,
    );
    this.functionName = functionName;
  }
}
