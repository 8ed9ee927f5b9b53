// The scenario format (harness/README.md, "Scenario format"): loading scenario files and
// validating scenarios, for the scenario server (server.mjs) and whoever writes scenarios.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const END_MODES = new Set(['close', 'hang', 'reset', 'stall']);
const CORS_MODES = [false, true, 'credentials', '*'];
const CLOSE_RULES = ['afterEvents', 'afterMs', 'onOpen', 'onError', 'immediately'];

class ScenarioError extends Error {}

export const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isInt = (value, min = 0) => Number.isInteger(value) && value >= min;

function checkKeys(object, allowed, where) {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw new ScenarioError(`${where}: unknown key "${key}" (expected one of: ${allowed.join(', ')})`);
    }
  }
}

function validateReplayEvent(event, where) {
  if (!isObject(event)) throw new ScenarioError(`${where}: an event is an object { id, event, data }`);
  checkKeys(event, ['id', 'event', 'data'], where);
  for (const key of ['id', 'event']) {
    if (event[key] !== undefined && (typeof event[key] !== 'string' || /[\r\n]/.test(event[key]))) {
      throw new ScenarioError(`${where}.${key}: must be a string without CR or LF`);
    }
  }
  if (typeof event.data !== 'string' || /\r/.test(event.data)) throw new ScenarioError(`${where}.data: must be a string without CR`);
}

function validateChunk(chunk, where) {
  if (typeof chunk === 'string') return;
  if (!isObject(chunk)) throw new ScenarioError(`${where}: a chunk is a string, {hex}, {repeat, times}, {delay}, {events} or {echo}`);
  if ('echo' in chunk) {
    checkKeys(chunk, ['echo'], where);
    if (typeof chunk.echo !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(chunk.echo)) {
      throw new ScenarioError(`${where}: "echo" must be a header name`);
    }
  } else if ('events' in chunk) {
    checkKeys(chunk, ['events', 'count', 'interval'], where);
    if (!Array.isArray(chunk.events)) throw new ScenarioError(`${where}: "events" must be an array`);
    chunk.events.forEach((event, i) => validateReplayEvent(event, `${where}.events[${i}]`));
    if (chunk.count !== undefined && !isInt(chunk.count)) throw new ScenarioError(`${where}: "count" must be an integer ≥ 0`);
    if (chunk.interval !== undefined && !(typeof chunk.interval === 'number' && chunk.interval >= 0)) {
      throw new ScenarioError(`${where}: "interval" must be a number of ms ≥ 0`);
    }
  } else if ('hex' in chunk) {
    checkKeys(chunk, ['hex'], where);
    const hex = typeof chunk.hex === 'string' ? chunk.hex.replace(/\s+/g, '') : null;
    if (hex === null || !/^([0-9a-fA-F]{2})*$/.test(hex)) throw new ScenarioError(`${where}: "hex" must be pairs of hex digits`);
  } else if ('repeat' in chunk) {
    checkKeys(chunk, ['repeat', 'times'], where);
    if (typeof chunk.repeat !== 'string') throw new ScenarioError(`${where}: "repeat" must be a string`);
    if (!isInt(chunk.times)) throw new ScenarioError(`${where}: "times" must be an integer ≥ 0`);
  } else if ('delay' in chunk) {
    checkKeys(chunk, ['delay'], where);
    if (typeof chunk.delay !== 'number' || !(chunk.delay >= 0)) throw new ScenarioError(`${where}: "delay" must be a number of ms ≥ 0`);
  } else {
    throw new ScenarioError(`${where}: a chunk object needs "hex", "repeat", "delay", "events" or "echo"`);
  }
}

function validateHeaders(headers, where) {
  if (!isObject(headers)) throw new ScenarioError(`${where}: "headers" must be an object`);
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new ScenarioError(`${where}: invalid header name "${name}"`);
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
      throw new ScenarioError(`${where}: header "${name}" must be a string, a number or null`);
    }
    if (typeof value === 'string' && /[\r\n\0]/.test(value)) throw new ScenarioError(`${where}: header "${name}" contains CR, LF or NUL`);
  }
}

function validateCors(cors, where) {
  if (!CORS_MODES.includes(cors)) throw new ScenarioError(`${where}: "cors" must be false, true, "credentials" or "*"`);
}

function validateResponse(response, where) {
  if (!isObject(response)) throw new ScenarioError(`${where}: a response must be an object`);
  if (response.times !== undefined && !isInt(response.times, 1)) throw new ScenarioError(`${where}.times: must be an integer ≥ 1`);
  if (response.headersDelay !== undefined && !(typeof response.headersDelay === 'number' && response.headersDelay >= 0)) {
    throw new ScenarioError(`${where}.headersDelay: must be a number of ms ≥ 0`);
  }
  if ('drop' in response) {
    checkKeys(response, ['drop', 'times', 'headersDelay'], where);
    if (response.drop !== true) throw new ScenarioError(`${where}.drop: must be true`);
    return;
  }
  if ('redirect' in response) {
    checkKeys(response, ['redirect', 'headers', 'cors', 'times', 'headersDelay'], where);
    const { redirect } = response;
    if (!isObject(redirect)) throw new ScenarioError(`${where}.redirect: must be an object`);
    checkKeys(redirect, ['status', 'origin', 'path'], `${where}.redirect`);
    if (redirect.status !== undefined && !REDIRECT_STATUSES.has(redirect.status)) {
      throw new ScenarioError(`${where}.redirect.status: must be 301, 302, 303, 307 or 308`);
    }
    if (redirect.origin !== undefined && redirect.origin !== 'A' && redirect.origin !== 'B') {
      throw new ScenarioError(`${where}.redirect.origin: must be "A" or "B"`);
    }
    if (redirect.path !== undefined && (typeof redirect.path !== 'string' || !redirect.path.startsWith('/'))) {
      throw new ScenarioError(`${where}.redirect.path: must be a string starting with "/"`);
    }
  } else {
    checkKeys(response, ['status', 'headers', 'cors', 'chunks', 'end', 'trickle', 'times', 'headersDelay'], where);
    if (response.status !== undefined && !(isInt(response.status, 100) && response.status <= 599) ) {
      throw new ScenarioError(`${where}.status: must be an HTTP status (100–599)`);
    }
    if (response.status !== undefined && response.status < 200) {
      throw new ScenarioError(`${where}.status: informational statuses (1xx) cannot be scripted`);
    }
    if (response.chunks !== undefined) {
      if (!Array.isArray(response.chunks)) throw new ScenarioError(`${where}.chunks: must be an array`);
      response.chunks.forEach((chunk, i) => validateChunk(chunk, `${where}.chunks[${i}]`));
    }
    if (response.end !== undefined && !END_MODES.has(response.end)) {
      throw new ScenarioError(`${where}.end: must be "close", "hang", "reset" or "stall"`);
    }
    if (response.trickle !== undefined) {
      const { trickle } = response;
      if (!isObject(trickle)) throw new ScenarioError(`${where}.trickle: must be an object { bytes, delay }`);
      checkKeys(trickle, ['bytes', 'delay'], `${where}.trickle`);
      if (trickle.bytes !== undefined && !isInt(trickle.bytes, 1)) throw new ScenarioError(`${where}.trickle.bytes: must be an integer ≥ 1`);
      if (trickle.delay !== undefined && !(typeof trickle.delay === 'number' && trickle.delay >= 0)) {
        throw new ScenarioError(`${where}.trickle.delay: must be a number of ms ≥ 0`);
      }
    }
  }
  if (response.headers !== undefined) validateHeaders(response.headers, `${where}.headers`);
  if (response.cors !== undefined) validateCors(response.cors, `${where}.cors`);
}

function validateClient(client, where) {
  if (!isObject(client)) throw new ScenarioError(`${where}: must be an object`);
  checkKeys(client, ['origin', 'withCredentials', 'cookie', 'listen', 'close', 'duration'], where);
  if (client.origin !== undefined && client.origin !== 'A' && client.origin !== 'B') {
    throw new ScenarioError(`${where}.origin: must be "A" or "B"`);
  }
  if (client.withCredentials !== undefined && typeof client.withCredentials !== 'boolean') {
    throw new ScenarioError(`${where}.withCredentials: must be true or false`);
  }
  if (client.cookie !== undefined && (typeof client.cookie !== 'string' || !/^[^=;\s]+=[^;\r\n]*$/.test(client.cookie))) {
    throw new ScenarioError(`${where}.cookie: must be one "name=value" string`);
  }
  if (client.listen !== undefined && !(Array.isArray(client.listen) && client.listen.every((t) => typeof t === 'string'))) {
    throw new ScenarioError(`${where}.listen: must be an array of event types`);
  }
  if (client.close !== undefined) {
    const close = client.close;
    if (!isObject(close)) throw new ScenarioError(`${where}.close: must be an object`);
    checkKeys(close, CLOSE_RULES, `${where}.close`);
    const rules = Object.keys(close);
    if (rules.length !== 1) throw new ScenarioError(`${where}.close: exactly one of ${CLOSE_RULES.join(', ')}`);
    const [rule] = rules;
    const value = close[rule];
    if ((rule === 'afterEvents' || rule === 'onError') && !isInt(value, 1)) {
      throw new ScenarioError(`${where}.close.${rule}: must be an integer ≥ 1`);
    }
    if (rule === 'afterMs' && !(typeof value === 'number' && value >= 0)) throw new ScenarioError(`${where}.close.afterMs: must be a number ≥ 0`);
    if ((rule === 'onOpen' || rule === 'immediately') && value !== true) throw new ScenarioError(`${where}.close.${rule}: must be true`);
  }
  if (client.duration !== undefined && !(typeof client.duration === 'number' && client.duration > 0 && client.duration <= 60_000)) {
    throw new ScenarioError(`${where}.duration: must be a number of ms in (0, 60000]`);
  }
}

/** Throws a ScenarioError (message without the file name) if `scenario` is malformed. */
export function validateScenario(scenario) {
  if (!isObject(scenario)) throw new ScenarioError('a scenario must be a JSON object');
  checkKeys(scenario, ['category', 'description', 'client', 'responses', 'afterResponses'], 'scenario');
  if (scenario.category !== undefined && typeof scenario.category !== 'string') throw new ScenarioError('category: must be a string');
  if (scenario.description !== undefined && typeof scenario.description !== 'string') {
    throw new ScenarioError('description: must be a string');
  }
  if (scenario.client !== undefined) validateClient(scenario.client, 'client');
  if (!Array.isArray(scenario.responses)) throw new ScenarioError('responses: must be an array');
  scenario.responses.forEach((response, i) => validateResponse(response, `responses[${i}]`));
  const after = scenario.afterResponses;
  if (after !== undefined && after !== 'repeat-last' && !(isInt(after, 200) && after <= 599)) {
    throw new ScenarioError('afterResponses: must be a status number (200–599) or "repeat-last"');
  }
  if (after === 'repeat-last' && scenario.responses.length === 0) {
    throw new ScenarioError('afterResponses: "repeat-last" needs at least one response');
  }
  return scenario;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkName(name, where) {
  if (!NAME.test(name)) throw new Error(`${where}: invalid scenario name "${name}" (letters, digits, ".", "_", "-")`);
}

async function loadFile(file) {
  const ext = path.extname(file);
  let scenario;
  try {
    if (ext === '.json') {
      const text = await readFile(file, 'utf8');
      try {
        scenario = JSON.parse(text);
      } catch (error) {
        throw new ScenarioError(`invalid JSON: ${error.message}`);
      }
    } else {
      scenario = (await import(pathToFileURL(path.resolve(file)).href)).default;
    }
    validateScenario(scenario);
  } catch (error) {
    if (error instanceof ScenarioError) throw new Error(`malformed scenario ${file}: ${error.message}`);
    throw new Error(`cannot load scenario ${file}: ${error.message}`);
  }
  return scenario;
}

const SCENARIO_EXTENSIONS = new Set(['.json', '.mjs']);

/**
 * Loads one scenario file (.json, or .mjs with a default export) or every such file of a
 * directory: a Map name → scenario, sorted by name. The name is the file name without extension.
 */
export async function loadScenarios(dirOrFile) {
  const info = await stat(dirOrFile);
  const files = info.isDirectory()
    ? (await readdir(dirOrFile))
        .filter((name) => SCENARIO_EXTENSIONS.has(path.extname(name)))
        .sort()
        .map((name) => path.join(dirOrFile, name))
    : [dirOrFile];
  const scenarios = new Map();
  for (const file of files) {
    const name = path.basename(file, path.extname(file));
    checkName(name, file);
    if (scenarios.has(name)) throw new Error(`${file}: scenario "${name}" is defined twice`);
    scenarios.set(name, await loadFile(file));
  }
  return scenarios;
}
