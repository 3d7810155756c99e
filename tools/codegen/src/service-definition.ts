// The shape of the `service` table every generated file exports. It is @trainwire/core's contract
// (core reads the table at run time), so the types live there and codegen writes to them.
export type {
  AuthDefinition,
  BodyDefinition,
  HttpMethod,
  JsonSchema,
  JsonSchemaType,
  JsonValue,
  LongRunningDefinition,
  OperationDefinition,
  PaginationDefinition,
  ParamsDefinition,
  ResponseDefinition,
  ServiceDefinition,
} from '@trainwire/core';
