// tests/deploy/kube-play-render.mjs — turns the base and the local overlay's own resource
// files (deploy/kubernetes) into what the podman kube play test plays on this machine,
// changing only what host networking and podman 4.3 need, and nothing of the services:
// - every pod uses the host network, on the test's 7xxx ports (gateway 7080, services
//   7081-7084, admin 7180, PostgreSQL 7432, Redis 7379), bound to 127.0.0.1;
// - Service DNS names in the settings become 127.0.0.1 (no cluster DNS here);
// - one replica (host ports cannot be shared), no container ports (podman 4.3 refuses port
//   mappings on the host network), no liveness or startup probes (podman runs them as curl
//   inside the container, and the images have neither shell nor curl: the test polls
//   /readyz itself);
// - a Secret volume becomes a read-only host directory <secrets>/<secretName> that the test
//   fills: podman 4.3 writes a played Secret's "data" into the volume still base64-encoded
//   and leaves "stringData" out, so a PEM key cannot reach a pod through it;
// - Services, HPAs, PDBs and NetworkPolicies are left out (podman ignores them).
// Usage: node kube-play-render.mjs <deploy/kubernetes> <image tag> <secrets dir> > play.yaml
import { readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { parseAllDocuments, parse, stringify } from "yaml";

const [root, tag, secrets] = process.argv.slice(2);
if (!root || !tag || !secrets) {
  console.error("usage: node kube-play-render.mjs <deploy/kubernetes> <image tag> <secrets dir>");
  process.exit(2);
}

const PORTS = new Map([
  [8080, 7080], [8081, 7081], [8082, 7082], [8083, 7083], [8084, 7084],
  [9080, 7180], [5432, 7432], [6379, 7379],
]);
const HOSTS = ["gateway", "auth", "bill-inquiry", "product-change", "kos-sim", "redis", "postgres"];

// The resource files of a kustomization that are files (not other kustomizations), in order.
function ownFiles(directory) {
  const kustomization = parse(readFileSync(join(directory, "kustomization.yaml"), "utf8"));
  return (kustomization.resources ?? [])
    .map((resource) => join(directory, resource))
    .filter((path) => statSync(path).isFile());
}

function mapPort(value) {
  return PORTS.get(Number(value)) ?? Number(value);
}

// "http://auth:8081" → "http://127.0.0.1:7081"; "redis://redis:6379" → "redis://127.0.0.1:7379".
function mapSetting(key, value) {
  if (key === "PHONEBILL_HTTP_ADDRESS") return "127.0.0.1";
  if (key === "PHONEBILL_HTTP_PORT" || key === "PHONEBILL_ADMIN_PORT") return String(mapPort(value));
  return value.replace(
    new RegExp(`\\b(https?|redis)://(${HOSTS.join("|")}):(\\d+)`, "g"),
    (_, scheme, _host, port) => `${scheme}://127.0.0.1:${mapPort(port)}`,
  );
}

function adaptContainer(container) {
  delete container.ports;
  delete container.livenessProbe;
  delete container.startupProbe;
  if (container.readinessProbe?.httpGet) container.readinessProbe.httpGet.port = mapPort(container.readinessProbe.httpGet.port);
  if (container.readinessProbe?.tcpSocket) container.readinessProbe.tcpSocket.port = mapPort(container.readinessProbe.tcpSocket.port);
  container.image = container.image.replace(/:local$/, `:${tag}`);
  if (container.args) {
    container.args = container.args.map((arg) => (arg === "0.0.0.0" ? "127.0.0.1" : PORTS.has(Number(arg)) ? String(mapPort(arg)) : arg));
  }
  for (const variable of container.env ?? []) {
    if (variable.name === "PGPORT") variable.value = String(mapPort(variable.value));
  }
  if (container.name === "postgres") container.env.push({ name: "PHONEBILL_PG_LISTEN", value: "127.0.0.1" });
}

const directories = [join(root, "base"), join(root, "overlays", "local")];
const output = [];
for (const file of directories.flatMap(ownFiles)) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    const object = document.toJS();
    if (!object) continue;
    if (object.kind === "ConfigMap") {
      for (const [key, value] of Object.entries(object.data ?? {})) object.data[key] = mapSetting(key, value);
      output.push(object);
    } else if (object.kind === "Deployment") {
      object.spec.replicas = 1;
      const pod = object.spec.template.spec;
      pod.hostNetwork = true;
      pod.containers.forEach(adaptContainer);
      for (const volume of pod.volumes ?? []) {
        if (!volume.secret) continue;
        volume.hostPath = { path: join(secrets, volume.secret.secretName), type: "Directory" };
        delete volume.secret;
      }
      output.push(object);
    }
  }
}
// ConfigMaps first (pods refer to them), then the datastores, then the services in the
// base's order (kos-sim, auth, ...): each finds what it needs already started.
const rank = (object) =>
  object.kind === "ConfigMap" ? 0 : ["postgres", "redis"].includes(object.metadata.name) ? 1 : 2;
output.sort((a, b) => rank(a) - rank(b));
process.stdout.write(output.map((object) => stringify(object)).join("---\n"));
