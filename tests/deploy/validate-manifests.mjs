// tests/deploy/validate-manifests.mjs — offline schema validation of every manifest in
// deploy/kubernetes (./phonebill test): each document of the base and overlays against the
// Kubernetes 1.x schemas of the npm package kubernetes-models (unknown fields, wrong types
// and missing required fields fail), and every kustomization's resource list must exist.
// Then each overlay is rendered as `kubectl apply -k` would (kustomize-lite.mjs: patches,
// replicas, images, namespace applied) and its final objects are validated too.
// Custom resources (CloudNativePG, the Redis operator) have no schema here: they are only
// checked for apiVersion, kind and metadata.name, and counted apart.
// Usage: node validate-manifests.mjs <deploy/kubernetes>
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { parseAllDocuments } from "yaml";
import { render } from "./kustomize-lite.mjs";

const root = process.argv[2];
if (!root) {
  console.error("usage: node validate-manifests.mjs <deploy/kubernetes>");
  process.exit(2);
}

function yamlFiles(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

// kubernetes-models lays its classes out by API group and version: "apps/v1" → apps/v1,
// "v1" → v1, "networking.k8s.io/v1" → networking.k8s.io/v1.
async function modelClass(apiVersion, kind) {
  try {
    const module = await import(`kubernetes-models/${apiVersion}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

const failures = [];
let validated = 0;
let customResources = 0;
for (const file of yamlFiles(root).sort()) {
  const name = relative(root, file);
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  for (const document of documents) {
    if (document.errors.length) {
      failures.push(`${name}: YAML: ${document.errors[0].message}`);
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) continue;
    if (object.kind === "Kustomization") {
      for (const resource of object.resources ?? []) {
        if (!existsSync(join(dirname(file), resource)))
          failures.push(`${name}: resource ${resource} does not exist`);
      }
      continue;
    }
    await check(name, object);
  }
}

// Each overlay as a cluster would receive it.
const overlays = readdirSync(join(root, "overlays")).filter((name) => statSync(join(root, "overlays", name)).isDirectory());
let renderedObjects = 0;
for (const overlay of overlays.sort()) {
  let objects = [];
  try {
    objects = render(join(root, "overlays", overlay));
  } catch (error) {
    failures.push(`overlays/${overlay}: ${error.message}`);
    continue;
  }
  for (const object of objects) await check(`overlays/${overlay} (rendered)`, object);
  renderedObjects += objects.length;
}

async function check(name, object) {
    const where = `${name}: ${object.kind ?? "?"} ${object.metadata?.name ?? "?"}`;
    if (!object.apiVersion || !object.kind || !object.metadata?.name) {
      failures.push(`${where}: needs apiVersion, kind and metadata.name`);
      return;
    }
    const Model = await modelClass(object.apiVersion, object.kind);
    if (!Model) {
      if (object.apiVersion.includes(".") && !object.apiVersion.endsWith(".k8s.io/v1")) {
        customResources += 1; // a CRD's kind: no schema offline
        return;
      }
      failures.push(`${where}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      return;
    }
    try {
      new Model(object).validate();
      validated += 1;
    } catch (error) {
      const details = (error.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ");
      failures.push(`${where}: ${details || error.message}`);
    }
}
for (const failure of failures) console.error(`invalid: ${failure}`);
console.log(
  `manifests: ${validated} objects validated against the Kubernetes schemas (the files, then ${overlays.length} overlays rendered: ${renderedObjects} objects), ${customResources} custom resources (shape only), ${failures.length} invalid`,
);
process.exit(failures.length ? 1 : 0);
