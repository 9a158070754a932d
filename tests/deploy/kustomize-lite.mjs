// tests/deploy/kustomize-lite.mjs — renders a kustomization of deploy/kubernetes the way
// `kubectl apply -k` would, for the subset of Kustomize those files use (resources: files
// and directories; namespace; labels; replicas; images; patches as JSON 6902 operations
// with a kind/name target, name a regular expression), so that the schema check sees the
// overlays' final objects without a kustomize binary. Anything else in a kustomization is
// an error here, so a new feature cannot slip past the check unrendered.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";

const SUPPORTED = new Set(["apiVersion", "kind", "resources", "namespace", "labels", "replicas", "images", "patches"]);
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"]);

// RFC 6901 path "/spec/minReplicas" → ["spec", "minReplicas"].
const pointer = (path) => path.split("/").slice(1).map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));

function applyOperation(object, operation, where) {
  const parts = pointer(operation.path);
  const last = parts.pop();
  let parent = object;
  for (const part of parts) {
    if (parent?.[part] === undefined) throw new Error(`${where}: ${operation.op} ${operation.path}: no ${part}`);
    parent = parent[part];
  }
  const exists = Array.isArray(parent) ? Number(last) < parent.length : Object.hasOwn(parent, last);
  if (operation.op === "add") {
    if (Array.isArray(parent)) parent.splice(last === "-" ? parent.length : Number(last), 0, operation.value);
    else parent[last] = operation.value;
  } else if (operation.op === "replace") {
    if (!exists) throw new Error(`${where}: replace ${operation.path}: nothing there`);
    parent[last] = operation.value;
  } else if (operation.op === "remove") {
    if (!exists) throw new Error(`${where}: remove ${operation.path}: nothing there`);
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    throw new Error(`${where}: unsupported patch operation ${operation.op}`);
  }
}

export function render(directory) {
  const file = join(directory, "kustomization.yaml");
  const kustomization = parse(readFileSync(file, "utf8"));
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED.has(key)) throw new Error(`${file}: "${key}" is not rendered by kustomize-lite.mjs`);
  }
  let objects = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(directory, resource);
    if (statSync(path).isDirectory()) objects.push(...render(path));
    else for (const document of parseAllDocuments(readFileSync(path, "utf8"))) {
      const object = document.toJS();
      if (object) objects.push(object);
    }
  }
  for (const { pairs } of kustomization.labels ?? []) {
    for (const object of objects) object.metadata.labels = { ...(object.metadata.labels ?? {}), ...pairs };
  }
  for (const { name, count } of kustomization.replicas ?? []) {
    const matches = objects.filter((object) => object.metadata.name === name && object.spec?.replicas !== undefined);
    if (!matches.length) throw new Error(`${file}: replicas: nothing named ${name}`);
    for (const object of matches) object.spec.replicas = count;
  }
  for (const image of kustomization.images ?? []) {
    let used = false;
    for (const object of objects) {
      for (const container of object.spec?.template?.spec?.containers ?? []) {
        const [name] = container.image.split(":");
        if (name !== image.name) continue;
        container.image = `${image.newName ?? name}:${image.newTag ?? container.image.split(":")[1]}`;
        used = true;
      }
    }
    if (!used) throw new Error(`${file}: images: no container uses ${image.name}`);
  }
  for (const [index, patch] of (kustomization.patches ?? []).entries()) {
    const where = `${file}: patch ${index + 1}`;
    const target = patch.target ?? {};
    const namePattern = target.name ? new RegExp(`^(?:${target.name})$`) : null;
    const matches = objects.filter((object) =>
      (!target.kind || object.kind === target.kind) && (!namePattern || namePattern.test(object.metadata.name)));
    if (!matches.length) throw new Error(`${where}: its target matches nothing`);
    const operations = parse(patch.patch);
    if (!Array.isArray(operations)) throw new Error(`${where}: only JSON 6902 patches are rendered`);
    for (const object of matches) for (const operation of operations) applyOperation(object, operation, `${where} on ${object.kind} ${object.metadata.name}`);
  }
  if (kustomization.namespace) {
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
  }
  return objects;
}
