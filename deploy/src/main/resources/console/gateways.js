// The gateways view: each gateway's EUI, region, online state and when it was last heard, a page at a time.
import { api, query } from './api.js';
import { byId, row, showError } from './dom.js';
import { Latest } from './latest.js';

const PAGE = 100;
const requests = new Latest();
let cursor = null;

function online(gateway) {
  if (typeof gateway.online !== 'boolean') {
    return '—';
  }
  return gateway.online ? 'online' : 'offline';
}

/** The first page (a refresh), or the next one; "More" stays disabled until its page is in. */
async function load(more) {
  const token = requests.next();
  const body = byId('gateways-table').tBodies[0];
  const moreButton = byId('gateways-more');
  moreButton.disabled = true;
  try {
    const page = await api('/gateways' + query({ limit: PAGE, cursor: more ? cursor : null }));
    if (!requests.isCurrent(token)) {
      return;
    }
    const rows = (page.gateways || []).map((gateway) =>
      row(gateway.gateway_id, gateway.region, online(gateway), gateway.last_seen));
    if (more) {
      body.append(...rows);
    } else {
      body.replaceChildren(...rows);
    }
    cursor = page.next_cursor || null;
    moreButton.hidden = cursor === null;
    showError(byId('gateways-error'), null);
  } catch (error) {
    if (requests.isCurrent(token)) {
      showError(byId('gateways-error'), error);
    }
  } finally {
    if (requests.isCurrent(token)) {
      moreButton.disabled = false;
    }
  }
}

export function setUp() {
  byId('gateways-refresh').addEventListener('click', () => load(false));
  byId('gateways-more').addEventListener('click', () => load(true));
}

export function open() {
  return load(false);
}
