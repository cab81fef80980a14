// Completes package-lock.json after a dependency change, so that `npm ci` accepts it.
//
// The registry these machines reach serves only the Linux builds of platform-specific
// optional packages (for example @unrs/resolver-binding-darwin-arm64 of jest's resolver),
// so npm leaves the other platforms' entries out of the lock, and `npm ci` then refuses the
// lock as out of sync. This adds each missing one as an optional package limited to its
// platform: npm skips it on every other platform without fetching it.
//
//   node scripts/complete-lockfile.mjs    (after npm install of a new dependency)
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORM =
  /(android|darwin|freebsd|linux|openharmony|win32|netbsd|openbsd|sunos|aix)-(arm64|arm|x64|ia32|loong64|ppc64|riscv64|s390x|wasm32)/;
const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const added = [];

for (const [location, meta] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = location === '' ? `node_modules/${name}` : `${location}/node_modules/${name}`;
    if (packages[`node_modules/${name}`] || packages[nested]) continue;
    const platform = PLATFORM.exec(name);
    if (!platform)
      throw new Error(
        `${name} (optional dependency of ${location || 'the root'}) is missing from the lock and is not platform-specific`,
      );
    packages[`node_modules/${name}`] = {
      version,
      cpu: [platform[2]],
      dev: meta.dev,
      optional: true,
      os: [platform[1]],
    };
    added.push(name);
  }
}

writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  added.length === 0 ? 'package-lock.json is complete' : `added ${added.length} platform entries: ${added.join(', ')}`,
);
