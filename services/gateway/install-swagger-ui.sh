#!/bin/sh
# install-swagger-ui.sh PREFIX VERSION STAMP — puts swagger-ui-dist@VERSION under
# PREFIX/node_modules for the gateway's /api/docs and touches STAMP. The web app's
# node_modules (web/package.json pins the same version as a devDependency) is used when it
# has that version; otherwise npm installs it. Never fails the build: without npm or the
# registry, /api/docs links the raw OpenAPI document instead.
prefix=$1 version=$2 stamp=$3
here=$(cd "$(dirname "$0")" && pwd -P)
web_copy=$here/../../web/node_modules/swagger-ui-dist
if [ -f "$web_copy/swagger-ui-bundle.js" ] &&
  grep -q "\"version\": \"$version\"" "$web_copy/package.json" 2>/dev/null; then
  rm -rf "$prefix/node_modules/swagger-ui-dist" &&
    mkdir -p "$prefix/node_modules" &&
    cp -R "$web_copy" "$prefix/node_modules/swagger-ui-dist" &&
    touch "$stamp" && exit 0
fi
if npm install --prefix "$prefix" --no-audit --no-fund --no-save --silent \
  "swagger-ui-dist@$version" >/dev/null 2>&1 &&
  [ -f "$prefix/node_modules/swagger-ui-dist/swagger-ui-bundle.js" ]; then
  touch "$stamp"
else
  echo "gateway: swagger-ui-dist@$version not installed (npm failed); /api/docs will link the raw document"
fi
exit 0
