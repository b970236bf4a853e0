export { analyticsRoutes } from './analytics.routes.ts';
export { recordEvent, reportRows, REPORT_COLUMNS, REPORTS, type RecordEventInput, type ReportName } from './analytics.service.ts';
export { DEFAULT_FUNNEL, EVENT_CATALOGUE, eventTypeSchema, type EventType } from './analytics.schema.ts';
export { analyticsJobs, rollupDailyAnalytics, DAILY_ANALYTICS_JOB, type DailyRollupRun } from './analytics.jobs.ts';
