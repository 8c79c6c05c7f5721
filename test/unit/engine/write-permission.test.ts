import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkWritePermission, writeFileAtomically } from '../../../main/engine/export/write-permission.js';
import { SluiceError } from '../../../main/engine/errors.js';
import { tempDir } from '../../helpers/paths.js';

const dir = tempDir();
const store = path.join(dir, 'store.sqlite');
const source = path.join(dir, 'source.csv');
fs.writeFileSync(store, 'not really a store');
fs.writeFileSync(source, 'a,b\n1,2\n');

function refusal(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SluiceError, `expected a SluiceError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a refusal');
}

test('the store and each of its companion files are refused, even with overwrite', () => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    const error = refusal(() => checkWritePermission(`${store}${suffix}`, { storePath: store, overwrite: true }));
    assert.equal(error.code, 'WRITE_REFUSED');
  }
});

test('a symlink or a relative path to the store is refused like the store itself', () => {
  const link = path.join(dir, 'link.sqlite');
  fs.symlinkSync(store, link);
  assert.equal(refusal(() => checkWritePermission(link, { storePath: store, overwrite: true })).code, 'WRITE_REFUSED');
  const relative = path.relative(process.cwd(), store);
  assert.equal(refusal(() => checkWritePermission(relative, { storePath: store, overwrite: true })).code, 'WRITE_REFUSED');
});

test('an imported source file is never replaced', () => {
  const error = refusal(() => checkWritePermission(source, { storePath: store, protectedSources: [source], overwrite: true }));
  assert.equal(error.code, 'WRITE_REFUSED');
  assert.equal(fs.readFileSync(source, 'utf8'), 'a,b\n1,2\n');
});

test('an existing file needs overwrite; a new file in an existing folder does not', () => {
  const existing = path.join(dir, 'existing.csv');
  fs.writeFileSync(existing, 'x');
  assert.equal(refusal(() => checkWritePermission(existing, { storePath: store })).code, 'FILE_EXISTS');
  assert.equal(checkWritePermission(existing, { storePath: store, overwrite: true }), existing);
  assert.equal(checkWritePermission(path.join(dir, 'new.csv'), { storePath: store }), path.join(dir, 'new.csv'));
});

test('a missing folder or a folder as the target is a clear error', () => {
  assert.equal(refusal(() => checkWritePermission(path.join(dir, 'nope', 'x.csv'), {})).code, 'FILE_NOT_FOUND');
  assert.equal(refusal(() => checkWritePermission(dir, { overwrite: true })).code, 'NOT_A_FILE');
});

test('writeFileAtomically leaves no partial file behind and replaces the target whole', () => {
  const target = path.join(dir, 'rules.json');
  writeFileAtomically(target, '{"fields":[]}');
  assert.equal(fs.readFileSync(target, 'utf8'), '{"fields":[]}');
  writeFileAtomically(target, '{"fields":[1]}');
  assert.equal(fs.readFileSync(target, 'utf8'), '{"fields":[1]}');
  assert.deepEqual(fs.readdirSync(dir).filter((name) => name.includes('sluice-partial')), []);
});

test('devices, pipes and kernel folders are refused even with overwrite: a rename would replace /dev/null, not write into it', () => {
  for (const target of ['/dev/null', '/dev/full', '/proc/self/fd/1', '/dev/sluice-new.csv', '/sys/sluice.csv']) {
    const error = refusal(() => checkWritePermission(target, { overwrite: true }));
    assert.ok(['WRITE_REFUSED', 'NOT_A_FILE'].includes(error.code), `${target}: ${error.code}`);
  }
  const fifo = path.join(dir, 'pipe.csv');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  assert.match(refusal(() => checkWritePermission(fifo, { overwrite: true })).message, /is not a regular file \(a device, pipe or socket\)/);
  const toDevice = path.join(dir, 'to-null.csv');
  fs.symlinkSync('/dev/null', toDevice);
  assert.match(refusal(() => checkWritePermission(toDevice, { overwrite: true })).message, /never writes under \/dev/, 'a link to a device counts as the device');
  assert.ok(fs.statSync('/dev/null').isCharacterDevice());
});
