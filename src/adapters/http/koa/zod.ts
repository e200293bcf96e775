import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Every schema of the adapter is built from this `z`, so `.openapi()` exists before any is declared.
extendZodWithOpenApi(z);

export { z };
