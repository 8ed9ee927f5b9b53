// nginx (Debian's nginx-light, which scripts/setup.sh installs) as a reverse proxy in front of a
// test server, with the configuration a site gets from a bare `proxy_pass`: proxy buffering on,
// HTTP/1.0 to the upstream. One process in the foreground (no master, no daemon), its files in
// a temporary directory, listening on 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// (Debian puts it in /usr/sbin, which a user's PATH may lack.)
const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts nginx proxying everything to `upstream` (an http://127.0.0.1:port origin); resolves `{ url, close }`. */
export async function startNginxProxy(upstream, { locationConfig = '' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-eventsource-nginx-'));
  // (nginx cannot listen on port 0: a port just found free, tried again if taken meanwhile.)
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { ${locationConfig} proxy_pass ${upstream}; }
  }
}
`;
    writeFileSync(join(dir, 'nginx.conf'), config);
    const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 'signal')));
    const spawnError = new Promise((resolve) => child.on('error', resolve));
    for (let waited = 0; waited < 5000; waited += 20) {
      const outcome = await Promise.race([
        exited.then((code) => ({ code })),
        spawnError.then((error) => ({ error })),
        new Promise((resolve) => setTimeout(resolve, 20)),
      ]);
      if (outcome?.error) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`cannot run nginx (${outcome.error.code}): install it with apt-get install nginx-light, or run scripts/setup.sh`);
      }
      if (outcome?.code !== undefined) break;
      if (await listening(port)) {
        return {
          url: `http://127.0.0.1:${port}`,
          async close() {
            child.kill('SIGTERM');
            await exited;
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
    }
    child.kill('SIGKILL');
    await exited;
    const log = `${stderr}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`;
    if (attempt === 3 || !/Address already in use/.test(log)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx did not start:\n${log}`);
    }
  }
}
