// The EventSource's base class, and how the platform's EventTarget dispatches, for the builds of
// runtimes whose EventTarget differs from the browsers' or is missing (workerd, Hermes).

// Where there is no EventTarget (React Native's Hermes), only constructing the class fails, not
// loading it: createParser from the same entry still works.
export const EventTargetBase =
  typeof EventTarget === 'function'
    ? EventTarget
    : class {
        constructor() {
          throw new TypeError('EventSource needs EventTarget, which this platform lacks');
        }
      };

// workerd's EventTarget calls a target's on<type> property itself at every dispatch, ahead of
// its listeners (cloudflare/workerd#6022): there a handler attribute adds no listener, or its
// handler would run twice. Probed once, with a target whose onprobe is a getter like the
// EventSource's.
let platformCallsHandlers = null;

/** Whether the platform's dispatch calls a target's on<type> property itself. */
export function platformCallsHandlerProperties() {
  if (platformCallsHandlers === null) {
    platformCallsHandlers = false;
    try {
      class Probe extends EventTargetBase {
        get onprobe() {
          return () => (platformCallsHandlers = true);
        }
      }
      new Probe().dispatchEvent(new Event('probe'));
    } catch {}
  }
  return platformCallsHandlers;
}
