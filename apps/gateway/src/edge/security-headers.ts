import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every answer (helmet): a Content-Security-Policy, Referrer-Policy no-referrer,
 * X-Content-Type-Options nosniff and helmet's other defaults. Four policies, by path:
 *
 * - the pages (the Vite build: one module script and style sheets from /assets, no inline code):
 *   scripts and styles from 'self' only, images from 'self' and data: (the favicon), the socket.io
 *   connection to the same origin (ws/wss spelled out for browsers whose 'self' does not cover them),
 *   and frame-ancestors 'none';
 * - the stage page (`/stage/:c`, with or without `?overlay=1`): the same, but framable by
 *   STAGE_FRAME_ANCESTORS (default `*`), for graphics and show-control systems that embed the stage
 *   output in a page of theirs; it has no controls to click-jack (docs/operations.md);
 * - the API (`/api/…` answers are JSON or CSV, never a document): `default-src 'none'`;
 * - the Swagger UI at `/api/docs`: the pages' policy plus the hashes of the inline styles of the
 *   HTML Nest's Swagger module serves (two `<style>` elements and one style attribute), computed
 *   from that HTML, so no 'unsafe-inline' at all; its scripts are files from 'self'.
 */
export interface SecurityHeadersOptions {
  /** CSP sources that may frame the stage page (`frame-ancestors`). */
  stageFrameAncestors: string[];
}

/** A Host header that can go into a CSP source as is (no spaces, semicolons or quotes). */
const PLAIN_HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** `connect-src`: 'self' plus ws:/wss: on the host the page was asked from (socket.io's WebSocket). */
function socketSources(req: IncomingMessage): string {
  const host = req.headers.host;
  return host && PLAIN_HOST.test(host) ? `ws://${host} wss://${host}` : "'self'";
}

const PAGE_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'", socketSources],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const API_DIRECTIVES = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

function headers(directives: Record<string, (string | ((req: IncomingMessage, res: ServerResponse) => string))[]>, frameable = false): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    referrerPolicy: { policy: 'no-referrer' },
    // X-Frame-Options for browsers without frame-ancestors; none on a framable page (it would override nothing
    // in a modern browser, but DENY would still block an old one).
    xFrameOptions: frameable ? false : { action: 'deny' },
  }) as RequestHandler;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Hashes of the inline `<style>` elements and style attributes of an HTML page, as CSP sources. */
export function inlineStyleHashes(html: string): { elements: string[]; attributes: string[] } {
  const elements = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => sha256(m[1]));
  const attributes = [...html.matchAll(/\sstyle=(?:"([^"]*)"|'([^']*)')/gi)].map((m) => sha256(m[1] ?? m[2]));
  return { elements: [...new Set(elements)], attributes: [...new Set(attributes)] };
}

/** A page policy whose style-src also allows the given inline styles, by hash only. */
function withStyleHashes(policy: string, hashes: { elements: string[]; attributes: string[] }): string {
  const directives = policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d.length > 0 && !d.startsWith('style-src'));
  directives.push(["style-src 'self'", ...hashes.elements].join(' '));
  if (hashes.attributes.length) directives.push(["style-src-attr 'unsafe-hashes'", ...hashes.attributes].join(' '));
  return directives.join(';');
}

export function securityHeaders(options: SecurityHeadersOptions): RequestHandler {
  const pages = headers(PAGE_DIRECTIVES);
  const stage = headers({ ...PAGE_DIRECTIVES, frameAncestors: options.stageFrameAncestors }, true);
  const api = headers(API_DIRECTIVES);
  // Nest's Swagger module builds its HTML once; keyed by the HTML in case it serves more than one variant.
  const docsHashes = new Map<string, { elements: string[]; attributes: string[] }>();
  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    if (path === '/api/docs' || path.startsWith('/api/docs/')) {
      const send = res.send.bind(res);
      res.send = (body?: unknown) => {
        const policy = res.getHeader('Content-Security-Policy');
        if (typeof body === 'string' && typeof policy === 'string' && /^text\/html/.test(String(res.getHeader('Content-Type') ?? ''))) {
          let hashes = docsHashes.get(body);
          if (hashes === undefined) {
            hashes = inlineStyleHashes(body);
            if (docsHashes.size < 8) docsHashes.set(body, hashes);
          }
          res.setHeader('Content-Security-Policy', withStyleHashes(policy, hashes));
        }
        return send(body);
      };
      pages(req, res, next);
    } else if (path.startsWith('/api/') || path === '/api') api(req, res, next);
    else if (/^\/stage\/[^/]+\/?$/.test(path)) stage(req, res, next);
    else pages(req, res, next);
  };
}
