// The one line a missing driver package gets: what to install.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** null when `pkg` resolves from here, else what to install. */
export async function missingPackage(pkg, engine) {
  try {
    require.resolve(pkg);
    return null;
  } catch {
    try {
      await import(pkg);
      return null;
    } catch {
      return `${engine} needs the npm package ${pkg}: npm install --save-dev ${pkg}`;
    }
  }
}
