// The seed document's client code, run once per column: the browser's own EventSource and the
// polyfill, on the same stream.
const STATES = ['CONNECTING', 'OPEN', 'CLOSED'];

function run(column, EventSourceClass) {
  const section = document.getElementById(column);
  const eventList = section.querySelector('.list');
  const state = section.querySelector('.state');
  const reconnects = section.querySelector('.reconnects');
  if (typeof EventSourceClass !== 'function') {
    state.textContent = 'not available in this browser';
    return;
  }
  const evtSource = new EventSourceClass('/sse');
  const show = () => (state.textContent = STATES[evtSource.readyState]);
  const add = (text, className) => {
    const newElement = document.createElement('li');
    newElement.textContent = text;
    if (className) newElement.className = className;
    eventList.appendChild(newElement);
    eventList.scrollTop = eventList.scrollHeight;
  };
  let opened = 0;
  evtSource.onopen = () => {
    if (opened++ > 0) reconnects.textContent = String(opened - 1);
    show();
  };
  evtSource.onmessage = (event) => {
    add(`message: ${event.data}`, 'message');
    show();
  };
  evtSource.addEventListener('ping', (event) => {
    const time = JSON.parse(event.data).time;
    add(`ping at ${time}`, 'ping');
    show();
  });
  evtSource.onerror = (err) => {
    add(`error (readyState ${STATES[evtSource.readyState]}${err.reason ? `, ${err.reason}` : ''})`, 'error');
    show();
  };
  section.querySelector('.close').addEventListener('click', () => {
    evtSource.close();
    show();
  });
  show();
}

run('native', window.EventSource === window.WasmEventSource ? undefined : window.EventSource);
run('polyfill', window.WasmEventSource);

document.getElementById('cut').addEventListener('click', () => fetch('/cut', { method: 'POST' }));
