/**
 * `cache-resource`: Streamlit's `st.cache_resource` for TypeScript. {@link cacheResource} makes a
 * factory a singleton per argument set, with TTL, size bounds, validation and release hooks.
 *
 * @module cache-resource
 */
export { cacheResource, endSession } from "./api/cache-resource.js";
export type { AcquireResult, CachedFunction, CacheDecorator, CacheResource } from "./api/cache-resource.js";
export type { Lease } from "./cache/leases.js";
export type { ShutdownOptions } from "./lifecycle/shutdown.js";
export type { ReleaseOnExitOptions } from "./lifecycle/release-on-exit.js";
export type { AnyFunction, ArgumentsOf, CacheableFunction, CacheOptions, DisposeKeyword, ResultOf, ValidateResult } from "./options/options.js";
export { runInSession, currentSessionId } from "./session/session.js";
export { parseTtl } from "./durations/parse-ttl.js";
export type { TtlInput, DurationObject } from "./durations/parse-ttl.js";
export type { HashFuncs } from "./keys/keyer.js";
export type { Clock, TimerHandle } from "./clock/clock.js";
export type {
  CacheEvent,
  CacheEventListener,
  ComputedEvent,
  ErrorEvent,
  HitEvent,
  MissEvent,
  RefreshEvent,
  ReleaseEvent,
  ReleaseReason,
} from "./events/events.js";
export type { FunctionStats, GlobalStats } from "./events/stats.js";
export { CHANNELS } from "./events/channels.js";
export type {
  ChannelMessageBase,
  ComputeContext,
  ErrorMessage,
  HitMessage,
  KeyKind,
  MissMessage,
  ReleaseMessage,
} from "./events/channels.js";
export type { CacheHost, MissInfo, MissOutcome, MissScope } from "./hosts/host.js";
export { setHost } from "./hosts/current.js";
export { createTerminalHost } from "./hosts/terminal.js";
export type { TerminalHostOptions, SpinnerOutput } from "./hosts/terminal.js";
export {
  CacheResourceError,
  CacheShutdownError,
  ClearedWhileComputingError,
  FunctionIdentityError,
  HashFuncError,
  InvalidOptionError,
  InvalidTtlError,
  NoSessionError,
  RecursiveCallError,
  SessionEndedError,
  UnhashableParamError,
} from "./errors.js";
export type { ParameterRef } from "./errors.js";
