// Loads MapLibre GL (ESM-only since v6) and hands it to the wasm app as `window.maplibregl`.
// The worker URL must be set by hand: MapLibre only derives it itself on http(s) pages, and the
// desktop serves the ui from tauri://localhost.
import * as maplibregl from "./maplibre-gl.mjs";

maplibregl.setWorkerUrl(new URL("./maplibre-gl-worker.mjs", location.href).href);
// One worker (MapLibre's own default outside Safari, which WebKit may be taken for). The workers
// now only decode the shell's small tiles, and on 2 cores every extra worker took time from the
// window's thread that draws: with 3 the benchmark's first paint was 1.6-1.8 s and frames above
// the floor 19-24x better than DOM markers; with 1, 1.4-1.5 s and 30-45x (map benchmark, session 8).
maplibregl.setWorkerCount(1);
// The workers fetch the resource layers' tiles from the shell themselves (see yitu-data-worker.mjs).
maplibregl.importScriptInWorkers(new URL("./yitu-data-worker.mjs", location.href).href);
window.maplibregl = maplibregl;
window.dispatchEvent(new Event("maplibre-ready"));
