/**
 * `@cache-resource/app`: a small Streamlit-style app runtime. Write a script, run it with
 * `npx cache-resource run app.ts`, open the page: every browser tab is a session, every widget
 * interaction reruns the script top to bottom, and `st.cacheResource` keeps expensive resources
 * (database clients, models) across reruns, sessions and tabs.
 *
 * @example
 * import { st } from "@cache-resource/app";
 *
 * const loadModel = st.cacheResource(async function loadModel() {
 *   return await createModel();
 * });
 *
 * export default async function app() {
 *   st.title("Sentiment");
 *   const model = await loadModel();
 *   const text = st.textInput("Text", { value: "I love it" });
 *   st.write("Score:", model.score(text));
 * }
 *
 * @module @cache-resource/app
 */
import { StreamlitApi } from "./api/st.js";

/** The app API: elements, widgets, containers, `sessionState`, `rerun` and `cacheResource`. */
export const st: StreamlitApi = new StreamlitApi();

/** The script: the app module's default export. It receives `st` too, for convenience. */
export type AppScript = (st: StreamlitApi) => void | Promise<void>;

export { StreamlitApi } from "./api/st.js";
export type { SessionState } from "./api/st.js";
export { DeltaGenerator } from "./api/generator.js";
export type { ColumnsOptions, ContainerOptions } from "./api/generator.js";
export type {
  ButtonOptions,
  CheckboxOptions,
  FileOptions,
  NumberInputOptions,
  SelectOptions,
  SliderOptions,
  TextInputOptions,
  WidgetOptions,
} from "./api/widget-requests.js";
export type { UploadedFile } from "./widgets/specs.js";
export { DuplicateWidgetIdError } from "./widgets/id.js";
export { StaleContainerError } from "./elements/writer.js";
export { CacheReplayClosureError, UnsupportedCachedWidgetError } from "./replay/errors.js";
