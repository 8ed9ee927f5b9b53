// runWorker(kind, query): starts a dedicated, shared, module or service worker and resolves with
// every message it posted, once it reports 'done' or 'fatal' (or after 5 s; 10 s for a service
// worker, which installs first).
window.runWorker = (kind, query = '') =>
  new Promise((resolve) => {
    const messages = [];
    let port;
    const onMessage = (event) => {
      messages.push(event.data);
      if (event.data.kind === 'done' || event.data.kind === 'fatal') finish();
    };
    const finish = () => {
      clearTimeout(timer);
      resolve(messages);
    };
    const timer = setTimeout(() => {
      messages.push({ kind: 'timeout' });
      finish();
    }, kind === 'service' ? 10_000 : 5000);
    const onError = (event) => {
      messages.push({ kind: 'worker-error', message: event.message ?? String(event) });
      finish();
    };
    if (kind === 'shared') {
      const worker = new SharedWorker(`/tests/browser/pages/es-worker.js${query}`);
      worker.onerror = onError;
      port = worker.port;
      port.onmessage = onMessage;
      port.start();
    } else if (kind === 'service') {
      navigator.serviceWorker.addEventListener('message', onMessage);
      navigator.serviceWorker
        .register(`/tests/browser/pages/es-service-worker.js${query}`, { scope: '/tests/browser/pages/' })
        .then(() => navigator.serviceWorker.ready)
        .then((registration) => registration.active.postMessage({ start: true }))
        .catch((error) => onError({ message: `register: ${error.name}: ${error.message}` }));
    } else if (kind === 'module') {
      const worker = new Worker(`/tests/browser/pages/es-module-worker.mjs${query}`, { type: 'module' });
      worker.onerror = onError;
      worker.onmessage = onMessage;
    } else {
      const worker = new Worker(`/tests/browser/pages/es-worker.js${query}`);
      worker.onerror = onError;
      worker.onmessage = onMessage;
    }
  });
