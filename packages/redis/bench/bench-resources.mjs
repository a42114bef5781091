// The cached function of the fleet benchmark: the same module in both processes, so the same
// fleet identity. Each value reports its release to whoever set `onReleased`.
import { cacheResource } from "cache-resource";

export const hooks = { onReleased: (_key, _at) => {} };

export const getConnection = cacheResource(
  function getConnection(key) {
    return { key };
  },
  { onRelease: (value) => hooks.onReleased(value.key, performance.timeOrigin + performance.now()) },
);
