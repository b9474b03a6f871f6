import { z } from 'zod';

/** `GET /dashboard/status`: what the dashboard needs before its first page. */
export const DashboardStatusSchema = z
  .object({ simulated: z.boolean(), temporal_ui_url: z.string(), temporal_namespace: z.string(), token_required: z.boolean() })
  .meta({ id: 'DashboardStatus' });
export type DashboardStatus = z.infer<typeof DashboardStatusSchema>;
