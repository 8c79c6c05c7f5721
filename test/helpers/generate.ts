import fs from 'node:fs';

/** Small seeded PRNG (mulberry32): tests are reproducible from their seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Radia', 'Frances', 'Zoë', 'Łukasz'];
const PLANS = ['free', 'pro', 'team'];

/**
 * Writes a customer-like CSV with quoted commas, embedded newlines, doubled
 * quotes and about 1% bad rows (ragged, or invalid values for rule tests).
 */
export function writeCustomerCsv(file: string, rows: number, seed = 1): void {
  const random = prng(seed);
  const out = fs.openSync(file, 'w');
  let buffer = 'id,name,email,age,plan,spend,notes\n';
  for (let i = 1; i <= rows; i++) {
    const name = NAMES[Math.floor(random() * NAMES.length)]!;
    const roll = random();
    const age = roll < 0.005 ? 'abc' : String(18 + Math.floor(random() * 70));
    const plan = roll > 0.995 ? 'gold' : PLANS[Math.floor(random() * PLANS.length)]!;
    const spend = (random() * 200).toFixed(2);
    const notesRoll = random();
    const notes =
      notesRoll < 0.05 ? `"likes ""quotes"", and commas"` : notesRoll < 0.08 ? `"line one\nline two"` : notesRoll < 0.1 ? 'plain note' : '';
    if (random() < 0.002) buffer += `${i},${name},ragged\n`;
    else buffer += `${i},${name} ${i},${name.toLowerCase()}${i}@example.com,${age},${plan},${spend},${notes}\n`;
    if (buffer.length > 1 << 20) {
      fs.writeSync(out, buffer);
      buffer = '';
    }
  }
  fs.writeSync(out, buffer);
  fs.closeSync(out);
}
