import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { BUILT_DASHBOARD_DIR, type BuiltDashboard, loadBuiltDashboard } from './built-dashboard.js';

/** The built dashboard, read at start. Without a build the API still serves; only /dashboard is missing. */
@Injectable()
export class DashboardFiles implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');
  private dashboard: BuiltDashboard | null = null;

  async onModuleInit(): Promise<void> {
    try {
      this.dashboard = await loadBuiltDashboard(BUILT_DASHBOARD_DIR);
    } catch (error) {
      this.logger.warn(`Dashboard not served: ${(error as Error).message}. Run npm run build.`);
    }
  }

  get(): BuiltDashboard | null {
    return this.dashboard;
  }
}
