// The live event view: the events of the server's stream as they come, newest first (the last 200 kept). A stream
// that breaks or that the server ends (a restart, the network) is followed again after a wait that doubles with each
// failed try, up to a cap; a refusal of the key (4xx) stops following, with the API's error.
import { ApiError } from './api.js';
import { follow } from './event-stream.js';
import { byId, el } from './dom.js';

const KEPT = 200;
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30000;
/** The AbortController of the stream followed (or waited for between tries), or null. */
let following = null;
let retryTimer = null;

function status(text) {
  byId('events-status').textContent = text;
}

function render(type, data) {
  let event;
  try {
    event = JSON.parse(data);
  } catch {
    event = { data };
  }
  const summary = [event.dev_eui, event.application_id].filter((part) => part !== undefined && part !== null);
  if (event.f_cnt !== undefined) {
    summary.push('FCnt ' + event.f_cnt);
  }
  const received = new Date().toISOString();
  const item = el('li', { class: 'event', 'data-type': type },
    el('time', { datetime: received }, received), ' ', el('strong', { class: 'event-type' }, type), ' ',
    summary.join(' · '),
    el('details', {}, el('summary', {}, 'JSON'), el('pre', {}, JSON.stringify(event, null, 2))));
  const list = byId('events-list');
  list.prepend(item);
  while (list.children.length > KEPT) {
    list.lastElementChild.remove();
  }
}

/** Stops following, if the view follows the stream (or waits to try again). */
export function stop() {
  if (following) {
    following.abort();
    following = null;
  }
  clearTimeout(retryTimer);
  retryTimer = null;
  byId('events-toggle').textContent = 'Follow';
}

/** The wait before the next try, after `failures` tries in a row that did not open the stream. */
function backoff(failures) {
  return Math.min(FIRST_RETRY_MS * 2 ** failures, LAST_RETRY_MS);
}

/** Why a stream ended, or null when it must not be tried again (the API refused the key or the request). */
function endReason(error) {
  if (error === undefined) {
    return 'the server ended the stream';
  }
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
    return null;
  }
  return `the stream broke (${error.message})`;
}

function connect(controller, application, failures) {
  status(failures === 0 ? 'connecting…' : `connecting again (try ${failures + 1})…`);
  let opened = false;
  const onOpen = () => {
    opened = true;
    status('following the events of ' + (application || 'every application the key may see'));
  };
  follow(application, controller.signal, onOpen, render)
    .then(() => undefined, (error) => error)
    .then((error) => {
      if (following !== controller) {
        return;
      }
      const reason = endReason(error);
      if (reason === null) {
        stop();
        status('not following: ' + error.message);
        return;
      }
      const next = opened ? 0 : failures + 1;
      const wait = backoff(opened ? 0 : failures);
      status(`${reason}; trying again in ${wait / 1000} s`);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (following === controller) {
          connect(controller, application, next);
        }
      }, wait);
    });
}

function start() {
  const controller = new AbortController();
  following = controller;
  byId('events-toggle').textContent = 'Stop';
  connect(controller, byId('events-application').value.trim(), 0);
}

export function setUp() {
  byId('events-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (following) {
      stop();
      status('not following');
    } else {
      start();
    }
  });
}

/** Opening the view starts following, unless it already does. */
export function open() {
  if (!following) {
    start();
  }
}
