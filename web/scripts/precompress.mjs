// Writes <file>.br (Brotli, quality 11) and <file>.gz (gzip level 9) beside every
// compressible file of dist/, once per build, so the gateway can send Brotli or gzip to
// browsers without compressing anything per request (services/gateway/static_site.cpp
// prefers .br). Files under 1 KiB and copies that do not shrink are left alone.
import { readdirSync, readFileSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const root = new URL('../dist/', import.meta.url).pathname;
const compressible = /\.(html|js|mjs|css|svg|json|map|txt|webmanifest)$/;
let written = 0;
let before = 0;
let after = 0;
let afterBrotli = 0;

function walk(directory) {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) { walk(path); continue; }
    if (name.endsWith('.gz') || name.endsWith('.br')) { unlinkSync(path); continue; }  // an older build's
    if (!compressible.test(name)) continue;
    const content = readFileSync(path);
    if (content.length < 1024) continue;
    const packed = gzipSync(content, { level: constants.Z_BEST_COMPRESSION });
    if (packed.length >= content.length) continue;
    writeFileSync(`${path}.gz`, packed);
    const brotli = brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    });
    if (brotli.length < packed.length) writeFileSync(`${path}.br`, brotli);
    written += 1;
    before += content.length;
    after += packed.length;
    afterBrotli += Math.min(brotli.length, packed.length);
  }
}

walk(root);
console.log(`precompress: ${written} files, ${Math.round(before / 1024)} KiB -> ${Math.round(after / 1024)} KiB gzip, ${Math.round(afterBrotli / 1024)} KiB brotli`);
