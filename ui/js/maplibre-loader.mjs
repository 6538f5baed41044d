// Loads MapLibre GL (ESM-only since v6) and hands it to the wasm app as `window.maplibregl`.
// The worker URL must be set by hand: MapLibre only derives it itself on http(s) pages, and the
// desktop serves the ui from tauri://localhost.
import * as maplibregl from "./maplibre-gl.mjs";

maplibregl.setWorkerUrl(new URL("./maplibre-gl-worker.mjs", location.href).href);
window.maplibregl = maplibregl;
window.dispatchEvent(new Event("maplibre-ready"));
