// A full garbage collection on demand, without --expose-gc on the command line (`npm run bench`
// runs plain `node`): V8 takes the flag at run time, and a context made after it has `gc`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/** Collects every unreachable object now (a full collection, blocking). */
export function collectGarbage() {
  gc();
}
