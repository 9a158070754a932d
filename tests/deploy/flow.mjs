// tests/deploy/flow.mjs — the user flow of the podman kube play test, through the gateway:
// login → bill inquiry → plan change → logout, and the token refused afterwards. Prints one
// line per step with the answer's essentials; exits 1 at the first unexpected answer.
// Usage: node flow.mjs <gateway base URL>
const base = process.argv[2];
let token = "";

async function call(method, path, body, extraHeaders = {}) {
  const headers = { "content-type": "application/json", ...extraHeaders };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, json, text };
}

function expect(step, answer, status) {
  if (answer.status !== status) {
    console.error(`${step}: HTTP ${answer.status}, expected ${status}: ${answer.text.slice(0, 300)}`);
    process.exit(1);
  }
}

let answer = await call("POST", "/api/v1/auth/login", { userId: "user01", password: "Passw0rd!01", autoLogin: false });
expect("login", answer, 200);
token = answer.json.data.accessToken;
console.log(`login: 200, user ${answer.json.data.user?.userId ?? "user01"}, token issued`);

answer = await call("POST", "/api/v1/bills/inquiry", {});
expect("bill inquiry", answer, 200);
const bill = answer.json.data;
console.log(`bill inquiry: 200, status ${bill.status}, source ${bill.source}, month ${bill.billInfo?.billingMonth ?? bill.billInfo?.inquiryMonth ?? "?"}, total ${bill.billInfo?.totalAmount ?? "?"}`);

answer = await call("GET", "/api/v1/products/available");
expect("available plans", answer, 200);
const current = answer.json.data.currentProductCode;
const target = answer.json.data.products[0].productCode;
answer = await call("POST", "/api/v1/products/change", { currentProductCode: current, targetProductCode: target },
  { "idempotency-key": `kube-play-${Date.now()}` });
expect("plan change", answer, 200);
const change = answer.json.data;
console.log(`plan change: 200, ${current} -> ${target}, status ${change.status}, KOS order ${change.kosOrderNumber}, effective ${change.effectiveDate}`);

answer = await call("POST", "/api/v1/auth/logout", {});
if (answer.status !== 200 && answer.status !== 204) expect("logout", answer, 200);
console.log(`logout: ${answer.status}`);
answer = await call("GET", "/api/v1/auth/me");
expect("after logout", answer, 401);
console.log("after logout: 401, the token no longer works");
