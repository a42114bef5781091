/**
 * Reloads: which earlier definition a definition from an edited file replaces.
 *
 * A reload is a new text of a file (a new script hash), evaluated while the earlier text's
 * definitions are still registered. Once the new text has finished evaluating, its definitions
 * that found no cache of their own (edited ones) are matched to the earlier text's definitions
 * that nothing took over (moved-but-unchanged ones already took theirs):
 * - a named function or method replaces the one earlier definition of that name — only when
 *   exactly one earlier and one new definition carry the name;
 * - anonymous functions pair up in wrap order — only when the counts agree and the earlier ones
 *   all come from one earlier text of the same script, or, in a chunk of many modules updated one
 *   module at a time, from the one module function that the new text's unchanged definitions
 *   moved out of.
 * Anything else is ambiguous: nothing is released (a warning says so). Releasing a value that
 * another live function still uses is worse than keeping a stale one until the process ends.
 */
import type { FunctionCache } from "../cache/function-cache.js";
import { queryShape } from "./call-site.js";

/** One wrap without a `name` option, as its file's reloads see it. */
export interface Definition {
  readonly cache: FunctionCache;
  key: string;
  readonly file: string;
  script: string;
  version: string;
  position: string;
  /** Where the function making the wrap starts (in a chunk: the module's function). */
  scope: string;
  /** Set when a newer text took this definition over: the text and scope it came from. */
  movedFrom: string | undefined;
  readonly fnName: string;
  readonly isMethod: boolean;
  readonly displayName: string;
  readonly signature: string;
  /** Anonymous functions: their place in the wrap order of their file's text. */
  readonly ordinal: number;
  /** Made by this text and not yet matched against earlier texts. */
  fresh: boolean;
}

/** What a reload replaces: the definitions to retire, and the names too ambiguous to match. */
export interface ReloadOutcome {
  readonly replaced: Definition[];
  readonly ambiguous: string[];
}

/** Matches the fresh definitions of `version` against the live definitions of earlier texts. */
export function reconcileReload(defs: readonly Definition[], version: string): ReloadOutcome {
  const fresh = defs.filter((d) => d.version === version && d.fresh);
  const earlier = defs.filter((d) => d.version !== version);
  for (const d of fresh) d.fresh = false;
  const replaced: Definition[] = [];
  const ambiguous = new Set<string>();

  const byName = new Map<string, Definition[]>();
  for (const d of fresh) {
    if (d.fnName === "" && !d.isMethod) continue;
    const id = `${d.isMethod ? "#" : ""}${d.fnName}`;
    byName.set(id, [...(byName.get(id) ?? []), d]);
  }
  for (const group of byName.values()) {
    const first = group[0]!;
    const candidates = earlier.filter((d) => d.fnName === first.fnName && d.isMethod === first.isMethod);
    if (candidates.length === 0) continue; // a new function
    if (group.length === 1 && candidates.length === 1) replaced.push(candidates[0]!);
    else ambiguous.add(first.displayName);
  }

  const freshAnonymous = fresh.filter(isAnonymous).sort((a, b) => a.ordinal - b.ordinal);
  const earlierAnonymous = earlier.filter(isAnonymous).sort((a, b) => a.ordinal - b.ordinal);
  if (freshAnonymous.length > 0 && earlierAnonymous.length > 0) {
    const pairs = anonymousCounterparts(freshAnonymous, earlierAnonymous, defs, version);
    if (pairs !== undefined) replaced.push(...pairs);
    else ambiguous.add("anonymous");
  }
  return { replaced, ambiguous: [...ambiguous] };
}

/** The earlier anonymous definitions the fresh ones replace, or undefined when that is unclear. */
function anonymousCounterparts(
  fresh: readonly Definition[],
  earlier: readonly Definition[],
  defs: readonly Definition[],
  version: string,
): Definition[] | undefined {
  const shape = queryShape(fresh[0]!.script);
  const oneText = new Set(earlier.map((d) => d.version)).size === 1;
  if (oneText && earlier.every((d) => queryShape(d.script) === shape) && earlier.length === fresh.length) return [...earlier];
  // A chunk of many modules: the module's unchanged definitions say which module function of
  // the earlier text this one is (they all moved out of one).
  const anchors = new Set(defs.filter((d) => d.version === version && d.movedFrom !== undefined).map((d) => d.movedFrom));
  if (anchors.size !== 1) return undefined;
  const [anchor] = anchors;
  const inModule = earlier.filter((d) => `${d.version}\n${d.scope}` === anchor);
  return inModule.length === fresh.length ? inModule : undefined;
}

function isAnonymous(d: Definition): boolean {
  return d.fnName === "" && !d.isMethod;
}
