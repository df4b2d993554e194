// The live event view: the events of the server's stream as they come, newest first (the last 200 kept).
import { follow } from './event-stream.js';
import { byId, el } from './dom.js';

const KEPT = 200;
let following = null;

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

/** Stops following, if the view follows the stream. */
export function stop() {
  if (following) {
    following.abort();
    following = null;
  }
  byId('events-toggle').textContent = 'Follow';
}

function start() {
  const controller = new AbortController();
  following = controller;
  byId('events-toggle').textContent = 'Stop';
  const application = byId('events-application').value.trim();
  status('connecting…');
  follow(application, controller.signal,
    () => status('following the events of ' + (application || 'every application the key may see')), render)
    .then(() => {
      if (following === controller) {
        status('the server ended the stream (the key may have been revoked)');
      }
    })
    .catch((error) => {
      if (following === controller) {
        status('not following: ' + error.message);
      }
    })
    .finally(() => {
      if (following === controller) {
        stop();
      }
    });
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
