// Validates an OpenAPI (Swagger 2.0) document with @apidevtools/swagger-parser
// (pinned by tests/contracts/openapi/package-lock.json) and checks that the
// HTTP/JSON bindings providers and regional systems use are in it.
// Usage: node openapi_check.mjs VALIDATOR_DIR DOCUMENT
// Prints "FAILED: <reason>" and exits 1 when the document does not validate
// or lacks a binding; else "ok: N paths".
import { createRequire } from 'node:module';
import path from 'node:path';

const [validatorDir, document] = process.argv.slice(2);
const require = createRequire(path.join(validatorDir, 'package.json'));
const SwaggerParser = require('@apidevtools/swagger-parser');

// The bindings docs/http.md documents (method and path as the generator
// writes them: path variables in lowerCamelCase).
const expected = [
  ['post', '/v1/providers/{report.providerId}/visits'],
  ['get', '/v1/providers/{providerId}/visits/{reportId}'],
  ['post', '/v1/providers/{providerId}/visits/{reportId}:correct'],
  ['post', '/v1/providers/{providerId}/visits/{reportId}:void'],
  ['get', '/v1/providers/{providerId}/rejected-visits'],
  ['get', '/v1/providers/{providerId}/assignments'],
  ['get', '/v1/clients/{clientId}/eligible-providers'],
  ['get', '/v1/providers/{providerId}/statements/{period}'],
  ['get', '/v1/providers/{providerId}/statements/{period}:preview'],
  ['get', '/v1/providers/{providerId}/statements/{period}:export'],
];

try {
  const api = await SwaggerParser.validate(document);
  const missing = expected.filter(([m, p]) => !(api.paths[p] && api.paths[p][m]));
  if (missing.length > 0) {
    console.log(`FAILED: missing ${missing.map(([m, p]) => `${m.toUpperCase()} ${p}`).join(', ')}`);
    process.exit(1);
  }
  console.log(`ok: ${Object.keys(api.paths).length} paths, ${Object.keys(api.definitions).length} definitions`);
} catch (err) {
  console.log(`FAILED: ${err.message}`);
  process.exit(1);
}
