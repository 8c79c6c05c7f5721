import { profileSample, type SampleProfile } from './sample-profile.js';

/** Profiles of the Preview's sample, off the page's thread (a wide sample is a few hundred thousand values). */
export interface SampleProfileRequest {
  id: number;
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

export interface SampleProfileAnswer {
  id: number;
  profiles: SampleProfile[];
}

self.onmessage = (event: MessageEvent<SampleProfileRequest>) => {
  const { id, columns, rows } = event.data;
  const profiles = columns.map((column, c) => profileSample(column.name, column.type, rows.map((row) => row[c])));
  self.postMessage({ id, profiles } satisfies SampleProfileAnswer);
};
