// Runs a measuring script in a child Node process (so that its heap, RSS and WebAssembly memory
// are its own, not the test runner's or the test server's) and returns the JSON object it prints
// last on stdout. The child has an IPC channel: `onMessage(message, child)` sees what it sends.
import { fork } from 'node:child_process';

export function runChild(script, args = [], { execArgv = [], timeout = 85_000, onMessage, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(script, args, {
      execArgv,
      env: env ? { ...process.env, ...env } : process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text) => { stdout += text; });
    child.stderr.setEncoding('utf8').on('data', (text) => { stderr += text; });
    if (onMessage) child.on('message', (message) => onMessage(message, child));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish in ${timeout} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code ?? signal}\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      const last = stdout.trim().split('\n').at(-1);
      try {
        resolve({ result: JSON.parse(last), stderr });
      } catch {
        reject(new Error(`${script} printed no JSON\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
    });
  });
}
