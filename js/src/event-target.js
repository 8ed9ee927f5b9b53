// The EventSource's base class, and how the platform's EventTarget dispatches: as browsers,
// Node, Deno and Bun have it. (The builds for workerd and for engines without WebAssembly use
// ./event-target-portable.js instead, with the same exports.)
export const EventTargetBase = EventTarget;

/** Whether the platform's dispatch calls a target's on<type> property itself: not here. */
export const platformCallsHandlerProperties = () => false;
