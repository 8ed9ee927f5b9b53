// The shared page (pages/shared.html, pages/shared.js) as the tests read it: its log, and the
// message IDs in it.
export const SHARED_PAGE = '/tests/browser/pages/shared.html';

/** The page's log: [{ type, data, lastEventId, readyState, reason, source }]. */
export const logOf = (page) => page.evaluate(() => window.shared.log);

/** The IDs of the message events in the page's log, as numbers. */
export const idsOf = async (page) => (await logOf(page)).filter((e) => e.type === 'message').map((e) => Number(e.lastEventId));
