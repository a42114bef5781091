import { PASS_THROUGH_SCOPE, SPINNER_DELAY_MS, type CacheHost, type MissInfo, type MissOutcome, type MissScope } from "./host.js";
import { formatElapsed } from "./elapsed.js";

const FRAME_MS = 80;
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Where the terminal host draws; a TTY stream in practice. */
export interface SpinnerOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Options of {@link createTerminalHost}. */
export interface TerminalHostOptions {
  /** Stream to draw on. @default process.stderr */
  readonly output?: SpinnerOutput;
  /** Draw at all: by default only on a TTY and never when the `CI` environment variable is set. */
  readonly enabled?: boolean;
  /** Time source for elapsed time; must match the clock of `MissInfo.startedAt`. @default performance.now */
  readonly now?: () => number;
}

const NO_RECORDING = PASS_THROUGH_SCOPE;

/**
 * The host used outside the app runtime: a one-line spinner on stderr for slow outermost misses.
 * It records nothing, so hits cost nothing here.
 */
export function createTerminalHost(options: TerminalHostOptions = {}): CacheHost {
  const output = options.output ?? process.stderr;
  const enabled = options.enabled ?? (output.isTTY === true && !process.env.CI);
  const now = options.now ?? (() => performance.now());
  return {
    quiet: !enabled,
    beginMiss(miss: MissInfo): MissScope {
      if (!enabled || !miss.outermost || miss.spinnerText === undefined) return NO_RECORDING;
      return spinnerScope(miss, output, now);
    },
  };
}

function spinnerScope(miss: MissInfo, output: SpinnerOutput, now: () => number): MissScope {
  let frame = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const draw = () => {
    const time = miss.showTime ? ` ${formatElapsed(now() - miss.startedAt)}` : "";
    output.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${miss.spinnerText}${time}`);
  };
  const delay = setTimeout(() => {
    draw();
    ticker = setInterval(draw, FRAME_MS);
    ticker.unref?.();
  }, SPINNER_DELAY_MS);
  delay.unref?.();
  return {
    run: (compute) => compute(),
    end(_outcome: MissOutcome) {
      clearTimeout(delay);
      if (ticker !== undefined) {
        clearInterval(ticker);
        output.write("\r\x1b[2K");
      }
      return undefined;
    },
  };
}
