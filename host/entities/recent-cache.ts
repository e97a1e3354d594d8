// Moved to core/ so the apps can use it too; the host keeps its import path.
export { RecentCache } from '../../core/recent-cache';
