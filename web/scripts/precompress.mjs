// Brotli and gzip copies of the build's hashed assets (`<file>.br`, `<file>.gz`), written once at
// build time at the highest levels: the gateway sends the one the browser accepts
// (services/gateway/src/gateway/web.py), so no response is compressed per request.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const assets = new URL("../dist/assets/", import.meta.url);
const COMPRESSIBLE = /\.(js|css|svg|json|html|txt)$/;
let before = 0;
let after = 0;
for (const name of readdirSync(assets)) {
  if (!COMPRESSIBLE.test(name)) continue;
  const body = readFileSync(new URL(name, assets));
  if (body.length < 1024) continue; // not worth a second round trip's headers
  const br = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  writeFileSync(new URL(`${name}.br`, assets), br);
  writeFileSync(new URL(`${name}.gz`, assets), gzipSync(body, { level: 9 }));
  before += body.length;
  after += br.length;
}
console.log(
  `precompressed assets: ${(before / 1024).toFixed(0)} kB → ${(after / 1024).toFixed(0)} kB brotli`,
);
