import { parentPort } from 'node:worker_threads';
import { serializeError } from '../engine/errors.js';
import type { FromPreviewThread, ToPreviewThread } from './preview-thread-protocol.js';
import { RulesPreviewer } from './rules-preview.js';

// Runs rule previews off the thread that serves the UI: a slow draft can only delay its own answer,
// and the serving thread stops this thread at a deadline (see preview-runner.ts).
const port = parentPort!;
const previewer = new RulesPreviewer();
const post = (message: FromPreviewThread): void => port.postMessage(message);

port.on('message', (message: ToPreviewThread) => {
  previewer
    .preview(message.path, message.draft, message.overrides)
    .then((value) => post({ id: message.id, ok: true, value }))
    .catch((error: unknown) => post({ id: message.id, ok: false, error: serializeError(error) }));
});
