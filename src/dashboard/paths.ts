import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the dashboard's sources live and where Vite writes the built app (gitignored). */
export const DASHBOARD_DIR = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = path.join(DASHBOARD_DIR, 'app');
export const DIST_DIR = path.join(DASHBOARD_DIR, 'dist');
export const VITE_CONFIG = path.join(DASHBOARD_DIR, 'vite.config.ts');
