import { applyDecorators, type INestApplication, type Type } from '@nestjs/common';
import {
  ApiExtension,
  ApiExtraModels,
  DocumentBuilder,
  type MediaTypeObject,
  type OpenAPIObject,
  type OperationObject,
  type ReferenceObject,
  type RequestBodyObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';

const REQUEST_BODY_EXTENSION = 'x-medledger-request-body';

/** The HTTP methods an OpenAPI path item may hold operations for. */
export const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * A request body whose schema differs by media type (a route taking a multipart upload or a
 * JSON document), which @ApiBody cannot say: each media type with its own schema.
 * `models` are the classes the schemas refer to (with getSchemaPath).
 */
export function ApiRequestBody(options: {
  description?: string;
  required?: boolean;
  content: Record<string, MediaTypeObject>;
  models?: Array<Type<unknown>>;
}): MethodDecorator {
  const { models = [], ...body } = options;
  return applyDecorators(
    ...(models.length > 0 ? [ApiExtraModels(...models)] : []),
    ApiExtension(REQUEST_BODY_EXTENSION, { required: true, ...body }),
  );
}

/** Rules of a DTO's schema beyond its properties', by the class (see ApiSchemaRules). */
const SCHEMA_RULES = new Map<string, SchemaObject>();

/**
 * Rules a DTO's schema has besides its properties' own, such as "exactly one of these
 * fields" (`oneOf` of `required`), which the DTO's service or its validators enforce:
 * merged into the class's schema in the document.
 */
export function ApiSchemaRules(
  rules: Partial<Pick<SchemaObject, 'allOf' | 'anyOf' | 'oneOf' | 'not'>>,
): ClassDecorator {
  return (target) => {
    SCHEMA_RULES.set(target.name, rules);
  };
}

/** Properties whose values are the network's hospitals, as `Class.property`. */
const HOSPITAL_PROPERTIES = new Set<string>();

/**
 * A property whose values are the network's hospitals: the document gives the running
 * network's as its `enum` (the validators and services refuse any other).
 */
export function ApiHospitalProperty(): PropertyDecorator {
  return (target, key) => {
    HOSPITAL_PROPERTIES.add(`${target.constructor.name}.${String(key)}`);
  };
}

/** What the document is made with: the running network's hospitals, when known. */
export interface OpenApiDocumentOptions {
  hospitals?: string[];
}

/** The API's OpenAPI document, as /api/docs-json serves it. */
export function createOpenApiDocument(app: INestApplication, options: OpenApiDocumentOptions = {}): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MedLedger API')
      .setDescription(
        'Case reports on IPFS, recorded on a Hyperledger Fabric ledger that every hospital endorses. ' +
          'Every error answer is the error envelope (ErrorEnvelopeDto); a method a path does not have is a 405 ' +
          'METHOD_NOT_ALLOWED with `Allow`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  applyRequestBodies(document);
  applySchemaRules(document);
  applyHospitals(document, options.hospitals);
  closeRequestBodies(document);
  optionalEmptyBodies(document);
  return document;
}

/**
 * A JSON body none of whose fields is required may be left out: the API reads a request
 * without one as `{}` (deny without a reason, approve as asked), and the document says so.
 */
function optionalEmptyBodies(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (const operation of operations(document)) {
    const body = operation.requestBody;
    if (body === undefined || '$ref' in body) continue;
    const media = Object.entries(body.content);
    if (media.length !== 1 || media[0]![0] !== 'application/json') continue;
    let schema = (media[0]![1] as MediaTypeObject).schema;
    if (schema !== undefined && '$ref' in schema) schema = schemas[schema.$ref.replace('#/components/schemas/', '')];
    if (schema === undefined || '$ref' in schema) continue;
    const demands = (schema.required?.length ?? 0) > 0 || schema.allOf || schema.oneOf || schema.anyOf;
    if (!demands) body.required = false;
  }
}

function applySchemaRules(document: OpenAPIObject): void {
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    const rules = SCHEMA_RULES.get(name);
    if (rules !== undefined && !('$ref' in schema)) Object.assign(schema, structuredClone(rules));
  }
}

/** Each hospital property (ApiHospitalProperty) takes the network's hospitals as its `enum`. */
function applyHospitals(document: OpenAPIObject, hospitals: string[] | undefined): void {
  if (hospitals === undefined || hospitals.length === 0) return;
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    if ('$ref' in schema) continue;
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (HOSPITAL_PROPERTIES.has(`${name}.${key}`) && !('$ref' in property)) property.enum = [...hospitals];
    }
  }
}

function* operations(document: OpenAPIObject): Iterable<OperationObject> {
  for (const item of Object.values(document.paths)) {
    for (const method of OPERATION_METHODS) {
      const operation = item[method];
      if (operation) yield operation;
    }
  }
}

/** Puts each ApiRequestBody in its operation's place. */
function applyRequestBodies(document: OpenAPIObject): void {
  for (const operation of operations(document)) {
    const extended = operation as OperationObject & { [REQUEST_BODY_EXTENSION]?: RequestBodyObject };
    const body = extended[REQUEST_BODY_EXTENSION];
    if (body === undefined) continue;
    delete extended[REQUEST_BODY_EXTENSION];
    operation.requestBody = body;
  }
}

/**
 * Request bodies take no field besides their schema's (the validation pipe refuses unknown
 * fields with a 400), and the document says so: `additionalProperties: false` on every
 * schema a request body names, and on the schemas those name.
 */
function closeRequestBodies(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const closed = new Set<string>();
  const close = (schema: SchemaObject | ReferenceObject | undefined): void => {
    if (schema === undefined) return;
    if ('$ref' in schema) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      if (closed.has(name)) return;
      closed.add(name);
      close(schemas[name]);
      return;
    }
    // Not the parts of allOf/oneOf/anyOf: they add rules to the object, not its fields.
    if (schema.items) close(schema.items);
    if (schema.properties) {
      if (schema.additionalProperties === undefined) schema.additionalProperties = false;
      for (const property of Object.values(schema.properties)) close(property);
    }
  };
  for (const operation of operations(document)) {
    const body = operation.requestBody;
    if (body === undefined || '$ref' in body) continue;
    for (const media of Object.values(body.content) as MediaTypeObject[]) close(media.schema);
  }
}
