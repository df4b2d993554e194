// Reads the server's event stream (GET /api/v1/events, Server-Sent Events). EventSource cannot send an
// Authorization header, so the stream is read with fetch() and a stream reader, and its framing parsed here as the
// WHATWG HTML standard, "Server-sent events", section "Interpreting an event stream", says: lines end with CRLF, LF
// or CR; "event:" names the type, "data:" lines make the data, a line starting with ':' is a comment (the server's
// keep-alives), a blank line ends the event.
import { headers, query, refusal } from './api.js';

/** Turns text as it arrives into events, given to onEvent(type, data). */
export class EventStreamParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.type = '';
    this.data = [];
  }

  push(text) {
    this.buffer += text;
    let end;
    while ((end = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A CR at the end of what came so far may be the first half of a CRLF: wait for the next chunk.
      if (this.buffer[end] === '\r' && end === this.buffer.length - 1) {
        return;
      }
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
      this.line(line);
    }
  }

  line(line) {
    if (line === '') {
      if (this.data.length > 0) {
        this.onEvent(this.type || 'message', this.data.join('\n'));
      }
      this.type = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) {
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'event') {
      this.type = value;
    } else if (field === 'data') {
      this.data.push(value);
    }
  }
}

/**
 * Follows the stream (of one application when applicationId is given) until it ends or signal aborts it. onOpen()
 * runs once the server has subscribed the stream; onEvent(type, data) for each event. Rejects with the API's error
 * when the server refuses.
 */
export async function follow(applicationId, signal, onOpen, onEvent) {
  const response = await fetch('/api/v1/events' + query({ application_id: applicationId }),
    { headers: { ...headers(), Accept: 'text/event-stream' }, cache: 'no-store', signal });
  if (!response.ok) {
    throw await refusal(response);
  }
  onOpen();
  const parser = new EventStreamParser(onEvent);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    parser.push(value);
  }
}
