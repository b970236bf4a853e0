// The API's own document (/openapi.json) as a test oracle: every live response is checked
// against it with a JSON Schema validator (Ajv, draft 2020-12 as OpenAPI 3.1 uses it).
//
// The check is tight on purpose. An object schema that does not say what else it allows is
// read as "nothing else" (additionalProperties: false), so a field the server sends that the
// document does not name fails, as does a status the operation does not list. allOf of objects
// (a schema extending another) is merged first, so that the extension's fields count.
import ajv2020 from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { Ajv as AjvCore, ErrorObject, Options, ValidateFunction } from 'ajv';

// Both are CommonJS: under Node's ESM their class and function are the modules' default exports.
const Ajv2020 = ((ajv2020 as unknown as { default?: unknown }).default ?? ajv2020) as unknown as new (o: Options) => AjvCore;
const addFormats = ((formats as unknown as { default?: unknown }).default ?? formats) as unknown as (ajv: AjvCore) => void;

type Json = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
}

export interface LiveResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

const COMPONENTS_ID = 'components.json';

/** Tightens a copy of the document's schemas (see above) and points $refs at the components schema. */
function tighten(doc: Json): Json {
  const copy = JSON.parse(JSON.stringify(doc).replaceAll('"#/components/', `"${COMPONENTS_ID}#/components/`)) as Json;
  const schemas = (copy.components?.schemas ?? {}) as Record<string, Json>;
  const resolve = (s: Json): Json => (typeof s.$ref === 'string' ? resolve(schemas[s.$ref.split('/').pop()!]!) : s);
  const isObject = (s: Json) => s.type === 'object' && s.properties && typeof s.properties === 'object';

  const seen = new Set<Json>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object' || seen.has(node as Json)) return;
    const s = node as Json;
    seen.add(s);
    if (Array.isArray(s.allOf) && s.allOf.length > 1 && s.allOf.every((b: Json) => isObject(resolve(b)))) {
      const parts = s.allOf.map((b: Json) => JSON.parse(JSON.stringify(resolve(b))) as Json);
      delete s.allOf;
      s.type = 'object';
      s.properties = Object.assign({}, ...parts.map((p: Json) => p.properties));
      s.required = [...new Set(parts.flatMap((p: Json) => p.required ?? []))];
    }
    if (isObject(s) && !('additionalProperties' in s) && !('unevaluatedProperties' in s)) s.additionalProperties = false;
    for (const v of Object.values(s)) walk(v);
  };
  walk(copy.components);
  walk(copy.paths);
  return copy;
}

const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** Validates live responses against the document, and remembers which operations were called. */
export function contractOf(doc: Json) {
  const tight = tighten(doc);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, components: tight.components }, COMPONENTS_ID);
  const validators = new Map<string, ValidateFunction>();
  const called = new Set<string>();

  const operations: Operation[] = Object.entries(tight.paths as Record<string, Json>).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((method) => ({ method: method.toUpperCase(), path })),
  );

  /** Throws, naming the operation, when the response is not one the document describes. */
  function check(op: Operation, res: LiveResponse): void {
    const where = `${op.method} ${op.path} -> ${res.status}`;
    const operation = tight.paths[op.path]?.[op.method.toLowerCase()] as Json | undefined;
    if (!operation) throw new Error(`${op.method} ${op.path} is not in the document`);
    called.add(`${op.method} ${op.path}`);
    const response = operation.responses?.[String(res.status)] as Json | undefined;
    if (!response) {
      throw new Error(`${where}: the document lists no ${res.status} for this operation (it lists ${Object.keys(operation.responses ?? {}).join(', ')}); body ${JSON.stringify(res.body).slice(0, 500)}`);
    }
    const content = response.content as Record<string, Json> | undefined;
    if (!content) {
      if (res.body !== null && res.body !== '') throw new Error(`${where}: the document says no body, the server sent ${JSON.stringify(res.body).slice(0, 300)}`);
      return;
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!content[type]) throw new Error(`${where}: answered ${type || 'no content type'}, the document lists ${Object.keys(content).join(', ')}`);
    if (type !== 'application/json') return;
    const key = `${op.method} ${op.path} ${res.status}`;
    const validate = validators.get(key) ?? ajv.compile(content[type]!.schema ?? {});
    validators.set(key, validate);
    if (!validate(res.body)) {
      const errors = (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '(root)'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`);
      throw new Error(`${where}: the body is not what the document says:\n  ${errors.slice(0, 12).join('\n  ')}\nbody: ${JSON.stringify(res.body).slice(0, 800)}`);
    }
  }

  return { operations, called, check, schemaPointer: (op: Operation, status: number) => `#/paths/${escape(op.path)}/${op.method.toLowerCase()}/responses/${status}` };
}
