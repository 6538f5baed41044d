// Loads MapLibre GL (ESM-only since v6) and hands it to the wasm app as `window.maplibregl`.
// The worker URL must be set by hand: MapLibre only derives it itself on http(s) pages, and the
// desktop serves the ui from tauri://localhost.
import * as maplibregl from "./maplibre-gl.mjs";

maplibregl.setWorkerUrl(new URL("./maplibre-gl-worker.mjs", location.href).href);
// MapLibre gives WebKit one worker on a 2-core machine, and one worker decodes the five resource
// layers' tiles and the base map one after another. One worker per core but the window's own, at
// least two and at most one per resource layer.
maplibregl.setWorkerCount(Math.min(5, Math.max(2, (navigator.hardwareConcurrency || 2) - 1)));
// The workers fetch the resource layers' tiles from the shell themselves (see yitu-data-worker.mjs).
maplibregl.importScriptInWorkers(new URL("./yitu-data-worker.mjs", location.href).href);
window.maplibregl = maplibregl;
window.dispatchEvent(new Event("maplibre-ready"));
