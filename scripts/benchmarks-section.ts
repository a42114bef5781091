/**
 * BENCHMARKS.md is made of sections, each written by one benchmark command from a real run:
 * `<!-- begin NAME -->` … `<!-- end NAME -->`. A command rewrites its own section and leaves the
 * others as they are; a section not yet in the file is appended.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const BENCHMARKS_FILE = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));

const HEADER = "# Benchmarks\n\nEach section below is written by the command it names, from a real run; do not edit by hand.\n";

/** Replaces (or appends) section `name` of BENCHMARKS.md with `body`. */
export function writeBenchmarksSection(name: string, body: string): string {
  let text: string;
  try {
    text = readFileSync(BENCHMARKS_FILE, "utf8");
  } catch {
    text = HEADER;
  }
  const begin = `<!-- begin ${name} -->`;
  const end = `<!-- end ${name} -->`;
  const block = `${begin}\n${body.trim()}\n${end}`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  text = start >= 0 && stop > start ? text.slice(0, start) + block + text.slice(stop + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCHMARKS_FILE, text);
  return BENCHMARKS_FILE;
}
