import type { Channel, RequestOf, ResponseOf } from './contract.js';

/** What the service implements: every channel, returning plain values and throwing on failure. */
export type Handlers = { [C in Channel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C> };
