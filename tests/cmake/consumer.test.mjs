// The C++ library as a CMake user takes it, from the README's own snippet (the blocks between
// <!-- cpp-quick-start:begin --> and <!-- cpp-quick-start:end -->: CMakeLists.txt, main.cpp and
// what it prints), built in empty directories on a machine without GoogleTest or Google
// Benchmark (find_package of both disabled) three ways:
//   - find_package(wasm_eventsource 0.1 CONFIG REQUIRED) after `cmake --install` to a prefix;
//   - add_subdirectory(wasm-eventsource), the README's other line, with the sources in the tree;
//   - FetchContent with SOURCE_DIR.
// Each links wasm_eventsource::parser, and its program must print what the README says.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIND_PACKAGE = 'find_package(wasm_eventsource 0.1 CONFIG REQUIRED)';
const SUBDIRECTORY = /^# or, with the sources in your tree: (add_subdirectory\(wasm-eventsource\))$/m;
// A machine without the project's test and benchmark libraries: a consumer needs neither.
const WITHOUT_TEST_LIBRARIES = ['-DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON', '-DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON'];

let work;

/** The README's quick start: `{ cmake, cpp, output }` (output: the ```text block, if any). */
function readmeQuickStart() {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = /<!-- cpp-quick-start:begin -->\n([\s\S]*?)<!-- cpp-quick-start:end -->/.exec(readme);
  assert.ok(section, 'README.md has no cpp-quick-start markers');
  const blocks = {};
  for (const [, language, body] of section[1].matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    assert.equal(blocks[language], undefined, `two \`\`\`${language} blocks in the quick start`);
    blocks[language] = body;
  }
  assert.ok(blocks.cpp, 'the quick start has no ```cpp block');
  assert.ok(blocks.cmake, 'the quick start has no ```cmake block');
  return { cmake: blocks.cmake, cpp: blocks.cpp, output: blocks.text };
}

async function run(command, args, options = {}) {
  try {
    return await promisify(execFile)(command, args, { encoding: 'utf8', maxBuffer: 16 << 20, ...options });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    throw Object.assign(new Error(`${command} ${args.join(' ')} failed (${error.code}):\n${output}`), { output });
  }
}

/** Writes the consumer project into `dir`, configures, builds and runs it; returns its stdout. */
async function buildConsumer(dir, cmakeLists, cpp, configureArgs = []) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'CMakeLists.txt'), cmakeLists);
  writeFileSync(join(dir, 'main.cpp'), cpp);
  await run('cmake', ['-S', dir, '-B', join(dir, 'build'), ...WITHOUT_TEST_LIBRARIES, ...configureArgs]);
  await run('cmake', ['--build', join(dir, 'build'), '-j', '2']);
  const { stdout } = await run(join(dir, 'build', 'app'), []);
  return stdout;
}

function cacheEntry(dir, name) {
  const cache = readFileSync(join(dir, 'build', 'CMakeCache.txt'), 'utf8');
  return new RegExp(`^${name}:\\w+=(.*)$`, 'm').exec(cache)?.[1];
}

const quickStart = readmeQuickStart();

before(() => {
  work = mkdtempSync(join(tmpdir(), 'wasm-eventsource-cmake-'));
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the README's C++ quick start builds in a consumer project", () => {
  test(`the snippet's CMakeLists.txt calls ${FIND_PACKAGE} and names add_subdirectory as the other way`, () => {
    assert.ok(quickStart.cmake.includes(FIND_PACKAGE), quickStart.cmake);
    assert.match(quickStart.cmake, SUBDIRECTORY);
    assert.match(quickStart.cmake, /target_link_libraries\(app PRIVATE wasm_eventsource::parser\)/);
  });

  test('find_package after `cmake --install` to a prefix (the install commands of docs/cpp.md)', async () => {
    const build = join(work, 'library-build');
    const prefix = join(work, 'prefix');
    await run('cmake', ['-S', repoRoot, '-B', build, '-DSSE_BUILD_TESTS=OFF', '-DSSE_BUILD_BENCHMARKS=OFF', ...WITHOUT_TEST_LIBRARIES]);
    await run('cmake', ['--build', build, '-j', '2']);
    await run('cmake', ['--install', build, '--prefix', prefix]);
    const consumer = join(work, 'installed');
    const stdout = await buildConsumer(consumer, quickStart.cmake, quickStart.cpp, [`-DCMAKE_PREFIX_PATH=${prefix}`]);
    if (quickStart.output !== undefined) assert.equal(stdout, quickStart.output);
    assert.equal(cacheEntry(consumer, 'wasm_eventsource_DIR'), join(prefix, 'lib', 'cmake', 'wasm_eventsource'));

    // The version file: 0.1 is 0.1.x only (a 0.x minor may break the API).
    const tooNew = join(work, 'too-new');
    mkdirSync(tooNew);
    writeFileSync(join(tooNew, 'CMakeLists.txt'), quickStart.cmake.replace(FIND_PACKAGE, 'find_package(wasm_eventsource 0.2 CONFIG REQUIRED)'));
    writeFileSync(join(tooNew, 'main.cpp'), quickStart.cpp);
    await assert.rejects(run('cmake', ['-S', tooNew, '-B', join(tooNew, 'build'), `-DCMAKE_PREFIX_PATH=${prefix}`]), (error) => {
      assert.match(error.output, /wasm_eventsourceConfig\.cmake, version: 0\.1\.0/);
      return true;
    });
  });

  test('add_subdirectory(wasm-eventsource): the library only, and the consumer\'s settings untouched', async () => {
    const consumer = join(work, 'subdirectory');
    mkdirSync(consumer);
    symlinkSync(repoRoot, join(consumer, 'wasm-eventsource'));
    const cmakeLists = quickStart.cmake.replace(FIND_PACKAGE, SUBDIRECTORY.exec(quickStart.cmake)[1]);
    const stdout = await buildConsumer(consumer, cmakeLists, quickStart.cpp);
    if (quickStart.output !== undefined) assert.equal(stdout, quickStart.output);
    // No build type forced on the consumer, and nothing built but the library.
    assert.equal(cacheEntry(consumer, 'CMAKE_BUILD_TYPE'), '');
    const { stdout: targets } = await run('cmake', ['--build', join(consumer, 'build'), '--target', 'help']);
    assert.doesNotMatch(targets, /sse_tests|sse_bench|sse-cat/);
    assert.match(targets, /wasm_eventsource_parser/);
  });

  test('FetchContent with SOURCE_DIR gives the same target', async () => {
    const consumer = join(work, 'fetch-content');
    const fetch = [
      'include(FetchContent)',
      `FetchContent_Declare(wasm_eventsource SOURCE_DIR "${repoRoot}")`,
      'FetchContent_MakeAvailable(wasm_eventsource)',
    ].join('\n');
    const stdout = await buildConsumer(consumer, quickStart.cmake.replace(FIND_PACKAGE, fetch), quickStart.cpp);
    if (quickStart.output !== undefined) assert.equal(stdout, quickStart.output);
  });
});
