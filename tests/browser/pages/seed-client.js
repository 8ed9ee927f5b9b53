// The seed document's client code (MDN "Using server-sent events"), unchanged apart from the
// stream's URL: plain messages through onmessage, `ping` events through addEventListener.
const evtSource = new EventSource('/demo-stream');
const eventList = document.querySelector('ul');

evtSource.onmessage = (e) => {
  const newElement = document.createElement('li');
  newElement.textContent = `message: ${e.data}`;
  eventList.appendChild(newElement);
};

evtSource.addEventListener('ping', (event) => {
  const newElement = document.createElement('li');
  const eventList = document.getElementById('list');
  const time = JSON.parse(event.data).time;
  newElement.textContent = `ping at ${time}`;
  eventList.appendChild(newElement);
});

window.evtSource = evtSource; // for the test to inspect and close
