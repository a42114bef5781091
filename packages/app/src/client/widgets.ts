import type { WidgetElement, WireValue } from "../protocol.js";
import { h } from "./render.js";
import { codePointCount, cutToCodePoints } from "../widgets/code-points.js";
import { formatBytes, tooLargeMessage } from "../widgets/format-bytes.js";

/**
 * Widgets → DOM, and user input → messages. A widget keeps its DOM node across reruns (the tree
 * updates it in place), so focus and caret survive; a value from the server never overwrites a
 * field the user is typing in.
 */

/** Sends a widget's new value to the server. */
export type SendValue = (id: string, value: WireValue) => void;

/** Uploads a file for a widget; resolves to what went wrong, or `undefined` once it arrived. */
export type UploadFile = (id: string, file: File) => Promise<string | undefined>;

/** What widgets do to the server. */
export interface WidgetActions {
  readonly send: SendValue;
  readonly upload: UploadFile;
}

/** A widget on the page. */
export interface WidgetView {
  readonly el: HTMLElement;
  update(element: WidgetElement): void;
}

/** Builds the view of a widget. */
export function createWidget(element: WidgetElement, actions: WidgetActions): WidgetView {
  const send = actions.send;
  const domId = `w-${element.id}`;
  const box = h("div", `widget widget-${element.widget}`);
  box.dataset.widget = element.widget;
  const label = (forId?: string): HTMLElement => {
    const el = forId === undefined ? h("div", "widget-label") : h("label", "widget-label");
    if (forId !== undefined) (el as HTMLLabelElement).htmlFor = forId;
    el.append(h("span", "", element.label));
    if (element.help) {
      const help = h("span", "help", "?");
      help.title = element.help;
      el.append(help);
    }
    return el;
  };

  switch (element.widget) {
    case "button": {
      const button = h("button", "btn", element.label);
      button.type = "button";
      button.addEventListener("click", () => send(element.id, true));
      if (element.help) button.title = element.help;
      return {
        el: button,
        update(e) {
          if (e.widget !== "button") return;
          button.textContent = e.label;
          button.disabled = e.disabled;
          button.classList.toggle("primary", e.primary);
        },
      };
    }
    case "checkbox":
    case "toggle": {
      const row = h("label", "check");
      const input = h("input");
      input.type = "checkbox";
      input.id = domId;
      if (element.widget === "toggle") {
        input.setAttribute("role", "switch");
        const sw = h("span", "switch");
        sw.append(input, h("span", "track"));
        row.append(sw);
      } else {
        row.append(input);
      }
      const text = h("span", "", element.label);
      row.append(text);
      if (element.help) row.title = element.help;
      input.addEventListener("change", () => send(element.id, input.checked));
      box.append(row);
      return {
        el: box,
        update(e) {
          if (e.widget !== "checkbox" && e.widget !== "toggle") return;
          input.checked = e.value;
          input.disabled = e.disabled;
          text.textContent = e.label;
        },
      };
    }
    case "slider": {
      const input = h("input");
      input.type = "range";
      input.id = domId;
      const out = h("output", "slider-value");
      const row = h("div", "slider-row");
      row.append(input, out);
      box.append(label(domId), row);
      let dragging = false;
      input.addEventListener("pointerdown", () => (dragging = true));
      input.addEventListener("input", () => (out.textContent = input.value));
      input.addEventListener("change", () => {
        dragging = false;
        send(element.id, Number(input.value));
      });
      return {
        el: box,
        update(e) {
          if (e.widget !== "slider") return;
          input.min = String(e.min ?? 0);
          input.max = String(e.max ?? 100);
          input.step = String(e.step);
          input.disabled = e.disabled;
          if (!dragging) {
            input.value = String(e.value);
            out.textContent = String(e.value);
          }
        },
      };
    }
    case "numberInput": {
      const input = h("input");
      input.type = "number";
      input.id = domId;
      box.append(label(domId), input);
      let current = element.value;
      let bounds = { min: element.min, max: element.max };
      input.addEventListener("change", () => {
        let n = Number(input.value);
        if (input.value.trim() === "" || !Number.isFinite(n)) {
          input.value = String(current);
          return;
        }
        // The server refuses out-of-range values, so keep them in range here.
        if (bounds.min !== null) n = Math.max(bounds.min, n);
        if (bounds.max !== null) n = Math.min(bounds.max, n);
        input.value = String(n);
        if (n !== current) {
          current = n;
          send(element.id, n);
        }
      });
      return {
        el: box,
        update(e) {
          if (e.widget !== "numberInput") return;
          bounds = { min: e.min, max: e.max };
          if (e.min !== null) input.min = String(e.min);
          if (e.max !== null) input.max = String(e.max);
          input.step = String(e.step);
          input.disabled = e.disabled;
          current = e.value;
          if (document.activeElement !== input) input.value = String(e.value);
        },
      };
    }
    case "textInput": {
      const input = h("input");
      input.id = domId;
      input.autocomplete = "off";
      box.append(label(domId), input);
      let sent = element.value;
      // Not the maxlength attribute: it counts UTF-16 units, so it would refuse "a😀" for 2 characters.
      let maxChars: number | null = element.maxChars;
      input.addEventListener("input", () => {
        if (maxChars === null || codePointCount(input.value) <= maxChars) return;
        const caret = input.selectionStart ?? input.value.length;
        input.value = cutToCodePoints(input.value, maxChars);
        input.setSelectionRange(Math.min(caret, input.value.length), Math.min(caret, input.value.length));
      });
      const commit = (): void => {
        if (input.value !== sent) {
          sent = input.value;
          send(element.id, input.value);
        }
      };
      input.addEventListener("change", commit);
      input.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") commit();
      });
      return {
        el: box,
        update(e) {
          if (e.widget !== "textInput") return;
          input.type = e.password ? "password" : "text";
          input.placeholder = e.placeholder;
          maxChars = e.maxChars;
          input.disabled = e.disabled;
          if (document.activeElement !== input || input.value === sent) input.value = e.value;
          sent = e.value;
        },
      };
    }
    case "selectbox": {
      const select = h("select");
      select.id = domId;
      box.append(label(domId), select);
      select.addEventListener("change", () => send(element.id, select.value === "" ? null : Number(select.value)));
      let shown = "";
      return {
        el: box,
        update(e) {
          if (e.widget !== "selectbox") return;
          const key = JSON.stringify([e.options, e.value === null]);
          if (key !== shown) {
            shown = key;
            select.replaceChildren();
            if (e.value === null) {
              const placeholder = h("option", "", e.options.length === 0 ? "No options to select" : "Choose an option");
              placeholder.value = "";
              placeholder.disabled = true;
              select.append(placeholder);
            }
            e.options.forEach((text, i) => {
              const option = h("option", "", text);
              option.value = String(i);
              select.append(option);
            });
          }
          select.value = e.value === null ? "" : String(e.value);
          select.disabled = e.disabled;
        },
      };
    }
    case "radio": {
      const group = h("div", "radio-group");
      group.setAttribute("role", "radiogroup");
      const title = label();
      title.id = `${domId}-label`;
      group.setAttribute("aria-labelledby", title.id);
      box.append(title, group);
      let shown = "";
      let inputs: HTMLInputElement[] = [];
      return {
        el: box,
        update(e) {
          if (e.widget !== "radio") return;
          const key = JSON.stringify(e.options);
          if (key !== shown) {
            shown = key;
            inputs = e.options.map((text, i) => {
              const row = h("label", "check");
              const input = h("input");
              input.type = "radio";
              input.name = domId;
              input.value = String(i);
              input.addEventListener("change", () => input.checked && send(element.id, i));
              row.append(input, h("span", "", text));
              return input;
            });
            group.replaceChildren(...inputs.map((i) => i.parentElement as HTMLElement));
          }
          inputs.forEach((input, i) => {
            input.checked = e.value === i;
            input.disabled = e.disabled;
          });
        },
      };
    }
    case "fileUploader":
    case "cameraInput":
      return fileWidget(element, actions, box, label(domId), domId);
  }
}

function fileWidget(element: WidgetElement, actions: WidgetActions, box: HTMLElement, title: HTMLElement, domId: string): WidgetView {
  const input = h("input");
  input.type = "file";
  input.id = domId;
  if (element.widget === "cameraInput") input.setAttribute("capture", "environment");
  const name = h("span", "file-name");
  const remove = h("button", "btn", "Remove");
  remove.type = "button";
  const problem = h("div", "widget-problem");
  problem.setAttribute("role", "alert");
  const row = h("div", "file-row");
  row.append(input, name, remove);
  box.append(title, row, problem);
  let maxBytes = 0;
  remove.addEventListener("click", () => actions.send(element.id, null));
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    problem.textContent = "";
    if (file === undefined) return;
    if (file.size > maxBytes) {
      // The server refuses it too; saying so here saves sending it.
      problem.textContent = tooLargeMessage(file.name, maxBytes);
      input.value = "";
      return;
    }
    name.textContent = `Uploading ${file.name}…`;
    input.disabled = true;
    void actions.upload(element.id, file).then((failure) => {
      input.disabled = false;
      input.value = "";
      if (failure !== undefined) {
        problem.textContent = failure;
        name.textContent = "";
      }
    });
  });
  return {
    el: box,
    update(e) {
      if (e.widget !== "fileUploader" && e.widget !== "cameraInput") return;
      maxBytes = e.maxBytes;
      input.accept = e.accept.join(",");
      input.disabled = e.disabled;
      name.textContent = e.value === null ? "" : `${e.value.name} (${formatBytes(e.value.size)})`;
      remove.hidden = e.value === null;
    },
  };
}
