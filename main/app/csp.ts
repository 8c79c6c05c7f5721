/**
 * The Content Security Policy of every page of the UI, whichever shell serves
 * it (Electron's app:// scheme or the browser mode's loopback server): scripts
 * and styles only from the app's own origin, no frames, no plugins, no other hosts.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
