// Validates Kubernetes manifests: every YAML document against the API schema of its apiVersion and
// kind, as the npm package kubernetes-models ships them (compiled from Kubernetes' OpenAPI spec:
// required fields, types, int32 and quantity formats; not unknown fields, which that schema
// allows), then the references no schema sees: selectors match their pod labels, named probe ports
// exist, volume mounts name a volume, ConfigMaps named exist in the manifests. Secrets named but
// not in the manifests are listed (they are made apart, with their values), not failed.
//
//   node k8s-validate.mjs NODE_MODULES_DIR FILE...
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, ...files] = process.argv.slice(2);
const { parseAllDocuments } = await import(pathToFileURL(join(modules, "yaml/dist/index.js")));
const problems = [];
const expectedSecrets = new Set();
const resources = [];

for (const file of files) {
  const text = readFileSync(file, "utf8");
  for (const doc of parseAllDocuments(text)) {
    const line = 1 + (text.slice(0, doc.range[0]).match(/\n/g) || []).length;
    const where = `${file}:${line}`;
    if (doc.errors.length) {
      problems.push(`${where}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue;
    resources.push({ where, obj });
    await validateSchema(where, obj);
  }
}
checkReferences();
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`k8s: ${resources.length} resource(s) in ${files.length} file(s) valid`);
if (expectedSecrets.size) {
  console.log(`k8s: Secrets to create before applying: ${[...expectedSecrets].sort().join(", ")}`);
}

async function validateSchema(where, obj) {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    problems.push(`${where}: needs apiVersion and kind`);
    return;
  }
  // Core kinds live at kubernetes-models/v1/Kind, others at kubernetes-models/<group>/<version>/Kind.
  const path = join(modules, "kubernetes-models", ...apiVersion.split("/"), `${kind}.js`);
  let Model;
  try {
    Model = (await import(pathToFileURL(path)))[kind];
  } catch {
    problems.push(`${where}: no schema for ${apiVersion} ${kind} (unknown apiVersion or kind)`);
    return;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${where}: ${kind} ${obj.metadata?.name}: ${e.message}`);
  }
}

function named(kind) {
  return new Set(resources.filter((r) => r.obj.kind === kind).map((r) => r.obj.metadata?.name));
}

function checkReferences() {
  const configMaps = named("ConfigMap");
  const secrets = named("Secret");
  for (const { where, obj } of resources) {
    const spec = obj.spec;
    const template = spec?.template;
    if (!template) continue;
    const name = `${obj.kind} ${obj.metadata?.name}`;
    const labels = template.metadata?.labels || {};
    for (const [k, v] of Object.entries(spec.selector?.matchLabels || {})) {
      if (labels[k] !== v) problems.push(`${where}: ${name}: selector ${k}=${v} matches no pod label`);
    }
    const pod = template.spec || {};
    const volumes = new Set([
      ...(pod.volumes || []).map((v) => v.name),
      ...(spec.volumeClaimTemplates || []).map((v) => v.metadata?.name),
    ]);
    for (const v of pod.volumes || []) {
      if (v.configMap && !configMaps.has(v.configMap.name)) {
        problems.push(`${where}: ${name}: volume ${v.name} names ConfigMap ${v.configMap.name}, not in the manifests`);
      }
      if (v.secret && !secrets.has(v.secret.secretName)) expectedSecrets.add(v.secret.secretName);
    }
    for (const c of [...(pod.initContainers || []), ...(pod.containers || [])]) {
      const ports = new Set((c.ports || []).map((p) => p.name));
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
        const port = c[probe]?.httpGet?.port;
        if (typeof port === "string" && !ports.has(port)) {
          problems.push(`${where}: ${name}: ${c.name} ${probe} names port ${port}, which it does not declare`);
        }
      }
      for (const m of c.volumeMounts || []) {
        if (!volumes.has(m.name)) problems.push(`${where}: ${name}: ${c.name} mounts ${m.name}, which is no volume`);
      }
      for (const e of c.env || []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !secrets.has(ref.name)) expectedSecrets.add(ref.name);
      }
    }
  }
}
