import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../shared/http/public.decorator.js';
import type { BuiltDashboard } from './built-dashboard.js';
import { DashboardFiles } from './dashboard-files.js';

/** The browser dashboard's files. Public: the page signs in by calling /v1 with a key, like any client. */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly files: DashboardFiles) {}

  @Get()
  page(@Res() res: Response): void {
    const dashboard = this.built(res);
    if (!dashboard) return;
    // Always revalidated, so a new build's asset version is picked up at the next load.
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(dashboard.indexHtml);
  }

  @Get('assets/:version/*path')
  asset(@Param('version') version: string, @Param('path') path: string[], @Res() res: Response): void {
    const dashboard = this.built(res);
    if (!dashboard) return;
    const asset = version === dashboard.version ? dashboard.assets.get(path.join('/')) : undefined;
    if (!asset) throw new NotFoundException('No such dashboard file.');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Content-Type', asset.contentType);
    res.send(asset.body);
  }

  /** The build; without one, a plain 503 (not an error of the service). The dashboard's headers: dashboardSecurityHeaders. */
  private built(res: Response): BuiltDashboard | null {
    const dashboard = this.files.get();
    if (!dashboard) res.status(503).type('text').send('The dashboard is not built on this server: run npm run build.');
    return dashboard;
  }
}
