/**
 * Serves the console (console/dist, built by `npm run build:console`, which `npm start`
 * and `npm test` run first): hashed assets cached for a year, and `index.html` for every
 * other GET that asks for text/html (a browser navigation), so client-side routes survive a reload. API, docs,
 * webhook and approval-link paths are mounted before this and never reach it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../errors.ts';
import { packageRoot } from '../../package-root.ts';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

export const CONSOLE_DIST = `${join(packageRoot, 'console', 'dist')}/`;
const NOT_CONSOLE = /^\/(api|webhooks|docs|codec|mcp|openapi\.json|healthz|readyz|metrics)(\/|$)/;

export function consoleRouter(dist = CONSOLE_DIST): Router {
  const router = express.Router();
  router.use('/assets', express.static(`${dist}assets`, { immutable: true, maxAge: '1y', index: false }), (req: Request, _res: Response, next: NextFunction) =>
    next(new ApiError(404, 'NOT_FOUND', `No console asset ${req.path}`)),
  );
  router.use(express.static(dist, { index: false, maxAge: 0 }));
  router.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    // Browsers navigating ask for text/html explicitly; API clients (`*/*`, JSON) get the JSON 404.
    if (NOT_CONSOLE.test(req.path) || !(req.get('accept') ?? '').includes('text/html')) return next();
    if (!existsSync(`${dist}index.html`)) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build:console` (npm start does it for you).');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(`${dist}index.html`);
  });
  return router;
}
