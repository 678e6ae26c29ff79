// Gives the bundle's files content-hashed names and writes their brotli and gzip copies, once at
// build time, so the server sends them compressed and browsers keep them for a year.
//   node scripts/site-files.mjs <site root>
// Reads <site>/pkg/extramile.{js,wasm,css}; writes extramile.<hash>.{js,wasm,css} with .br and
// .gz beside each, and <site>/hash.txt ("js: <hash>" lines, the layout the server reads).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, renameSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const site = process.argv[2];
if (!site) {
  console.error("usage: node scripts/site-files.mjs <site root>");
  process.exit(2);
}
const pkg = join(site, "pkg");

function compress(path) {
  const body = readFileSync(path);
  const br = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
  return { raw: body.length, br: br.length };
}

const lines = [];
const sizes = [];
for (const kind of ["js", "wasm", "css"]) {
  const plain = join(pkg, `extramile.${kind}`);
  const hash = createHash("sha256").update(readFileSync(plain)).digest("hex").slice(0, 16);
  const hashed = join(pkg, `extramile.${hash}.${kind}`);
  renameSync(plain, hashed);
  const { raw, br } = compress(hashed);
  lines.push(`${kind}: ${hash}`);
  sizes.push(`${kind} ${(raw / 1024).toFixed(0)} KB (${(br / 1024).toFixed(1)} KB brotli)`);
}
// Files wasm-bindgen adds beside the glue (snippets) keep their names and get copies too.
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
for (const path of walk(join(pkg))) {
  if (/\.(js|css)$/.test(path) && !/extramile\.[0-9a-f]{16}\./.test(path)) compress(path);
}
writeFileSync(join(site, "hash.txt"), lines.join("\n") + "\n");
console.log(`    ${sizes.join(", ")}`);
