import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApi, pointer } from './openapi-document';

/**
 * The document's schemas as validators: Ajv, a JSON Schema 2020-12 validator, as OpenAPI 3.1
 * prescribes, compiled once per schema. Not strict: the schemas carry OpenAPI's own keywords
 * (example, discriminator). The document's one extension keyword is taught to it.
 */

const DOCUMENT_ID = 'https://order-service.local/openapi.json';

/** Array items unique by one property: what JSON Schema's `uniqueItems` cannot say. */
export const UNIQUE_ITEM_PROPERTY = 'x-unique-item-property';

let ajv: Ajv2020 | undefined;

/** A validator for the schema at `segments` of the document, compiled once. */
export function validatorAt(segments: readonly string[]): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addKeyword({
      keyword: UNIQUE_ITEM_PROPERTY,
      type: 'array',
      schemaType: 'string',
      validate: (property: string, items: Record<string, unknown>[]) =>
        new Set(items.map((item) => item?.[property])).size === items.length,
    });
    ajv.addSchema(openApi(), DOCUMENT_ID);
  }
  const fragment = pointer(segments).split('/').map(encodeURIComponent).join('/');
  const validate = ajv.getSchema(`${DOCUMENT_ID}#${fragment}`);
  if (!validate) throw new Error(`no schema at ${pointer(segments)}`);
  return validate;
}

export function schemaErrors(segments: readonly string[], value: unknown): string | null {
  const validate = validatorAt(segments);
  if (validate(value)) return null;
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''}`)
    .join('; ');
}
