import { formatElapsed } from "cache-resource/host";
import { h } from "./render.js";

/**
 * The fixed overlay in the top-right corner: the run status ("Running…", "Connecting…") and the
 * cache spinners. It sits outside the element tree, so it never shifts the layout or gets pruned.
 *
 * One indicator at a time: while a cache spinner says what the run is waiting for, the plain
 * "Running…" status would only repeat it, so it stays hidden (a connection problem still shows).
 */
export class Overlay {
  readonly #root: HTMLElement;
  readonly #status: HTMLElement;
  readonly #spinners = new Map<number, { el: HTMLElement; timer: number | undefined }>();
  /** The status is a connection problem: shown even while spinners are. */
  #offline = false;

  constructor(root: HTMLElement) {
    this.#root = root;
    this.#status = h("div", "status");
    this.#status.hidden = true;
    this.#root.append(this.#status);
  }

  /** Shows a status line, or hides it with `undefined`. */
  status(text: string | undefined, offline = false): void {
    this.#status.textContent = text ?? "";
    this.#offline = offline;
    this.#status.classList.toggle("offline", offline);
    this.#showOne();
  }

  #showOne(): void {
    this.#status.hidden = this.#status.textContent === "" || (!this.#offline && this.#spinners.size > 0);
  }

  /** Shows a cache spinner; with `showTime`, counts on from `elapsedMs` in 0.1 s steps. */
  showSpinner(id: number, html: string, showTime: boolean, elapsedMs: number): void {
    this.endSpinner(id);
    const el = h("div", "cache-spinner");
    el.setAttribute("role", "status");
    el.dataset.spinnerId = String(id);
    const text = h("span", "text");
    // Server-rendered, escaped markdown (e.g. "Running `getDb()`.").
    text.innerHTML = html;
    el.append(h("span", "spin"), text);
    let timer: number | undefined;
    if (showTime) {
      const elapsed = h("span", "elapsed");
      el.append(elapsed);
      const start = performance.now() - elapsedMs;
      const tick = (): void => {
        elapsed.textContent = formatElapsed(performance.now() - start);
      };
      tick();
      timer = window.setInterval(tick, 100);
    }
    this.#root.append(el);
    this.#spinners.set(id, { el, timer });
    this.#showOne();
  }

  endSpinner(id: number): void {
    const spinner = this.#spinners.get(id);
    if (spinner === undefined) return;
    window.clearInterval(spinner.timer);
    spinner.el.remove();
    this.#spinners.delete(id);
    this.#showOne();
  }

  /** Removes every spinner (the connection dropped). */
  clearSpinners(): void {
    for (const id of [...this.#spinners.keys()]) this.endSpinner(id);
  }
}
