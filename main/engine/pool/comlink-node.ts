/**
 * comlink's Node adapter ships as an .mjs file without a package export;
 * this module gives it a typed import path.
 */
import type { Endpoint } from 'comlink';
import type { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
// @ts-expect-error -- the adapter's typings sit beside a .mjs file that NodeNext resolution does not pair with them
import adapter from 'comlink/dist/esm/node-adapter.mjs';

export const nodeEndpoint = adapter as (nep: Worker | MessagePort) => Endpoint;
