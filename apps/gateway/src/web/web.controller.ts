import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { ANYONE, Roles } from '../auth/roles.js';

/** The pages (one single-page app built by Vite): each page route serves index.html. */
@ApiExcludeController()
@Controller()
export class WebController {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @Get(['stage/:c', 'control/:c', 'jury/:c', 'jury/:c/screening', 'press/:c', 'presenter/:c', 'c/:c', 'intake/:c/:cat', 'vote/:c', 'admin', ''])
  @Roles(...ANYONE)
  page(@Res() res: Response): void {
    const index = this.config.webDist ? join(this.config.webDist, 'index.html') : null;
    if (!index || !existsSync(index)) {
      res.status(503).type('text/plain').send('The web pages are not built: run `npm run build:web`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  }
}
