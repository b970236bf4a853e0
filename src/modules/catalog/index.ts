export { catalogRoutes } from './catalog.routes.ts';
export { searchServices, getService, bookableService, quote, serviceAreaCovers, listServiceAreas } from './catalog.service.ts';
export type { Quote, AreaCheck } from './catalog.service.ts';
export { normalisePostalCode } from './catalog.schema.ts';
export type { ServiceRow as Service, ServiceAreaRow as ServiceArea, PricedService } from './catalog.schema.ts';
