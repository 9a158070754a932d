// Writes <file>.gz beside every compressible file of dist/ (level 9, once per build), so
// the gateway can send gzip to browsers without compressing anything per request
// (services/gateway/static_site.cpp). Files under 1 KiB and files that do not shrink
// are left alone.
import { readdirSync, readFileSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const root = new URL('../dist/', import.meta.url).pathname;
const compressible = /\.(html|js|mjs|css|svg|json|map|txt|webmanifest)$/;
let written = 0;
let before = 0;
let after = 0;

function walk(directory) {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) { walk(path); continue; }
    if (name.endsWith('.gz')) { unlinkSync(path); continue; }  // left from an older build
    if (!compressible.test(name)) continue;
    const content = readFileSync(path);
    if (content.length < 1024) continue;
    const packed = gzipSync(content, { level: constants.Z_BEST_COMPRESSION });
    if (packed.length >= content.length) continue;
    writeFileSync(`${path}.gz`, packed);
    written += 1;
    before += content.length;
    after += packed.length;
  }
}

walk(root);
console.log(`precompress: ${written} files, ${Math.round(before / 1024)} KiB -> ${Math.round(after / 1024)} KiB gzip`);
