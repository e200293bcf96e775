import { orderServiceEndToEnd } from './order-service.e2e';

orderServiceEndToEnd('bullmq');
