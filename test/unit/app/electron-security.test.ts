import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  CONTENT_SECURITY_POLICY,
  RESPONSE_HEADERS,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  secureWebPreferences,
} from '../../../main/electron/security.js';
import { REPO_ROOT } from '../../helpers/paths.js';

describe('Electron window security settings', () => {
  test('the renderer is isolated and sandboxed, without Node', () => {
    const preferences = secureWebPreferences('/app/preload.js');
    assert.equal(preferences.contextIsolation, true);
    assert.equal(preferences.sandbox, true);
    assert.equal(preferences.nodeIntegration, false);
    assert.equal(preferences.nodeIntegrationInWorker, false);
    assert.equal(preferences.nodeIntegrationInSubFrames, false);
    assert.equal(preferences.webSecurity, true);
    assert.equal(preferences.allowRunningInsecureContent, false);
    assert.equal(preferences.webviewTag, false);
    assert.equal(preferences.preload, '/app/preload.js');
  });

  test('the CSP allows only the app itself, with no inline or eval', () => {
    assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(RESPONSE_HEADERS['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
  });

  test('only app://sluice pages count as the app', () => {
    assert.equal(isAppUrl('app://sluice/index.html'), true);
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://other/index.html', 'http://sluice/', 'not a url']) assert.equal(isAppUrl(url), false, url);
  });

  test('navigation away, new windows and webviews are denied', () => {
    const contents = new EventEmitter() as EventEmitter & { setWindowOpenHandler(handler: (details: unknown) => { action: string }): void; openHandler?: (details: unknown) => { action: string } };
    contents.setWindowOpenHandler = (handler) => (contents.openHandler = handler);
    hardenWebContents(contents as never);
    assert.deepEqual(contents.openHandler?.({ url: 'https://example.com' }), { action: 'deny' });
    const navigate = (event: string, url: string) => {
      let prevented = false;
      contents.emit(event, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    assert.equal(navigate('will-navigate', 'https://evil.example/'), true);
    assert.equal(navigate('will-navigate', 'app://sluice/index.html'), false);
    assert.equal(navigate('will-redirect', 'file:///etc/passwd'), true);
    assert.equal(navigate('will-attach-webview', ''), true);
  });

  test('every permission request and check is refused', () => {
    let requestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let checkHandler: (() => boolean) | undefined;
    hardenSession({
      setPermissionRequestHandler: (handler: never) => (requestHandler = handler),
      setPermissionCheckHandler: (handler: never) => (checkHandler = handler),
    } as never);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
      let granted: boolean | undefined;
      requestHandler?.(null, permission, (value) => (granted = value));
      assert.equal(granted, false, permission);
    }
    assert.equal(checkHandler?.(), false);
  });
});

describe('Electron fuses in the packaged app', () => {
  test('electron-builder flips every fuse issue 13 asks for', () => {
    // Issue 13, hole 5: electron-builder set no fuses, so the packaged binary ran as plain Node with ELECTRON_RUN_AS_NODE.
    const config = fs.readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8');
    const block = /^electronFuses:\n((?:[ \t]+.*\n?)+)/m.exec(config)?.[1] ?? '';
    const fuses = Object.fromEntries([...block.matchAll(/^\s+(\w+):\s*(true|false)\s*$/gm)].map((m) => [m[1], m[2] === 'true']));
    assert.deepEqual(fuses, {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});
