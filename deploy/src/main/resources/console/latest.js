// Keeps a view's answers in order: each request takes a token, and only the answer to the latest request of the view
// is shown; an older one arriving late (the network reorders, a slow server) is dropped.

export class Latest {
  #current = 0;

  /** The token of a new request, which makes every earlier one stale. */
  next() {
    this.#current += 1;
    return this.#current;
  }

  /** Whether the request of this token is still the view's latest. */
  isCurrent(token) {
    return token === this.#current;
  }
}
