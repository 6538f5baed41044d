// Runs inside MapLibre's workers (maplibre-loader.mjs imports it there): each worker fetches the
// shell's vector tiles of the resource layers from the `yitu-data` scheme itself. Without it
// MapLibre hands a custom scheme's request back to the window's thread, which then fetches every
// tile and copies it over to the worker: the thread that draws the map would carry them all.
self.addProtocol("yitu-data", async (params, abort) => {
  const response = await fetch(params.url, { signal: abort.signal });
  if (!response.ok) {
    throw new Error(`${params.url}: ${response.status} ${await response.text()}`);
  }
  return { data: await response.arrayBuffer() };
});
