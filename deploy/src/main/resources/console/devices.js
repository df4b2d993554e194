// Applications, their devices, and one device: its state, the gateways that heard it, its downlink queue and a form
// to enqueue. Lists the server cannot give (an older server has no application or device list) leave the forms to
// open an application or a device by what the user types.
import { api, path, query } from './api.js';
import { byId, el, facts, row, showError } from './dom.js';
import { Latest } from './latest.js';

const APPLICATIONS_PAGE = 100;
/** Small, because each device listed costs a call for its state. */
const DEVICES_PAGE = 25;
const applicationRequests = new Latest();
const deviceListRequests = new Latest();
const deviceRequests = new Latest();
const queueRequests = new Latest();
let applicationsCursor = null;
let devicesCursor = null;
let application = null;
let device = null;

/** The API's error, and for a 404 (no such list on this server, or no such application) what to do instead. */
function withHint(error, hint) {
  return error.status === 404 ? { message: `${error.message}: ${hint} below` } : error;
}

async function loadApplications(more) {
  const token = applicationRequests.next();
  const list = byId('applications-list');
  const moreButton = byId('applications-more');
  moreButton.disabled = true;
  try {
    const page = await api('/applications' + query({ limit: APPLICATIONS_PAGE,
      cursor: more ? applicationsCursor : null }));
    if (!applicationRequests.isCurrent(token)) {
      return;
    }
    const items = (page.applications || []).map((found) => {
      const button = el('button', { type: 'button', class: 'link' }, found.application_id);
      button.addEventListener('click', () => openApplication(found.application_id));
      return el('li', {}, button);
    });
    if (more) {
      list.append(...items);
    } else {
      list.replaceChildren(...items);
    }
    applicationsCursor = page.next_cursor || null;
    moreButton.hidden = applicationsCursor === null;
    showError(byId('applications-error'), null);
  } catch (error) {
    if (applicationRequests.isCurrent(token)) {
      list.replaceChildren();
      moreButton.hidden = true;
      showError(byId('applications-error'), withHint(error, 'open an application by its id'));
    }
  } finally {
    if (applicationRequests.isCurrent(token)) {
      moreButton.disabled = false;
    }
  }
}

/** The device's state (GET /devices/{DevEUI}/state), or {} when the server cannot give it. */
async function state(devEui) {
  try {
    return await api('/devices' + path(devEui, 'state'));
  } catch {
    return {};
  }
}

/**
 * A page of the application's devices, each with its last seen and FCntUp from its state, asked for all the page's
 * devices at once; a device whose state cannot be had shows "—" there.
 */
async function loadDevices(more) {
  const token = deviceListRequests.next();
  const body = byId('devices-table').tBodies[0];
  const moreButton = byId('devices-more');
  moreButton.disabled = true;
  try {
    const page = await api('/devices' + query({ application_id: application, limit: DEVICES_PAGE,
      cursor: more ? devicesCursor : null }));
    const found = page.devices || [];
    const states = await Promise.all(found.map((listed) => state(listed.dev_eui)));
    if (!deviceListRequests.isCurrent(token)) {
      return;
    }
    const rows = found.map((listed, i) => {
      const button = el('button', { type: 'button', class: 'link' }, listed.dev_eui);
      button.addEventListener('click', () => openDevice(listed.dev_eui));
      return row(button, listed.activation, states[i].last_seen, states[i].session?.f_cnt_up);
    });
    if (more) {
      body.append(...rows);
    } else {
      body.replaceChildren(...rows);
    }
    devicesCursor = page.next_cursor || null;
    moreButton.hidden = devicesCursor === null;
    showError(byId('devices-error'), null);
  } catch (error) {
    if (deviceListRequests.isCurrent(token)) {
      body.replaceChildren();
      moreButton.hidden = true;
      showError(byId('devices-error'), withHint(error, 'open a device by its DevEUI'));
    }
  } finally {
    if (deviceListRequests.isCurrent(token)) {
      moreButton.disabled = false;
    }
  }
}

/** The FCntUp of the device's last uplink as GET /devices/{DevEUI} gives it (-1: none yet), or undefined. */
function lastFCntUp(found) {
  const fCnt = found.session?.last_f_cnt_up;
  return fCnt === undefined || fCnt < 0 ? undefined : fCnt;
}

function openApplication(id) {
  application = id;
  devicesCursor = null;
  byId('application-name').textContent = id;
  byId('application').hidden = false;
  byId('devices-table').tBodies[0].replaceChildren();
  return loadDevices(false);
}

/** Shows a device; what the previous one showed goes at once, and its answers still on the way are dropped. */
async function openDevice(devEui) {
  const token = deviceRequests.next();
  device = devEui;
  byId('device-name').textContent = devEui;
  byId('device').hidden = false;
  byId('device-facts').replaceChildren();
  byId('device-gateways').replaceChildren();
  byId('queue-table').tBodies[0].replaceChildren();
  byId('queue-pending').textContent = '';
  try {
    const [found, now] = await Promise.all([api('/devices' + path(devEui)), state(devEui)]);
    if (!deviceRequests.isCurrent(token)) {
      return;
    }
    const session = now.session || {};
    facts(byId('device-facts'), [
      ['DevEUI', found.dev_eui],
      ['Application', found.application_id],
      ['Activation', found.activation],
      ['MAC version', found.mac_version],
      ['DevAddr', session.dev_addr ?? found.session?.dev_addr],
      ['Last seen', now.last_seen],
      ['FCntUp', session.f_cnt_up ?? lastFCntUp(found)],
      ['NFCntDown', session.n_f_cnt_down],
      ['AFCntDown', session.a_f_cnt_down],
      ['Last DevNonce', now.last_dev_nonce],
    ]);
    const heardBy = (now.gateways || []).map((gateway) =>
      el('li', {}, gateway.gateway_id, ' RSSI ', gateway.rssi, ' dBm, SNR ', gateway.snr, ' dB'));
    byId('device-gateways').replaceChildren(...(heardBy.length > 0 ? heardBy : [el('li', {}, '—')]));
    showError(byId('device-error'), null);
  } catch (error) {
    if (!deviceRequests.isCurrent(token)) {
      return;
    }
    showError(byId('device-error'), error);
  }
  await loadQueue();
}

async function loadQueue() {
  const token = queueRequests.next();
  const body = byId('queue-table').tBodies[0];
  try {
    const queue = await api('/devices' + path(device, 'queue'));
    if (!queueRequests.isCurrent(token)) {
      return;
    }
    body.replaceChildren(...(queue.items || []).map((item) =>
      row(item.id, item.f_port, item.data, item.confirmed, item.enqueued_at, item.attempts)));
    const pending = queue.pending_ack;
    byId('queue-pending').textContent = pending
      ? `Waiting for the device's ACK of ${pending.item.id} (FCntDown ${pending.f_cnt}).` : '';
    showError(byId('queue-error'), null);
  } catch (error) {
    if (queueRequests.isCurrent(token)) {
      body.replaceChildren();
      showError(byId('queue-error'), error);
    }
  }
}

/** The form's data as base64, as the API takes it; an Error naming the field when it is not valid. */
function base64Data(text, encoding) {
  const data = text.replace(/\s+/g, '');
  if (encoding === 'base64') {
    return data;
  }
  if (!/^([0-9A-Fa-f]{2})*$/.test(data)) {
    throw new Error('data: not hex (two hex digits a byte)');
  }
  let binary = '';
  for (let i = 0; i < data.length; i += 2) {
    binary += String.fromCharCode(parseInt(data.slice(i, i + 2), 16));
  }
  return btoa(binary);
}

async function enqueue(event) {
  event.preventDefault();
  const form = event.target;
  try {
    const body = {
      f_port: Number(form.elements.f_port.value),
      data: base64Data(form.elements.data.value, form.elements.encoding.value),
      confirmed: form.elements.confirmed.checked,
    };
    await api('/devices' + path(device, 'queue'), { method: 'POST', body });
    form.elements.data.value = '';
    showError(byId('enqueue-error'), null);
  } catch (error) {
    showError(byId('enqueue-error'), error);
  }
  await loadQueue();
}

export function setUp() {
  byId('applications-more').addEventListener('click', () => loadApplications(true));
  byId('devices-more').addEventListener('click', () => loadDevices(true));
  byId('application-form').addEventListener('submit', (event) => {
    event.preventDefault();
    openApplication(byId('application-id').value.trim());
  });
  byId('device-form').addEventListener('submit', (event) => {
    event.preventDefault();
    openDevice(byId('device-eui').value.trim().toUpperCase());
  });
  byId('enqueue-form').addEventListener('submit', enqueue);
}

export function open() {
  return loadApplications(false);
}
