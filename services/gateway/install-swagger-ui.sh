#!/bin/sh
# install-swagger-ui.sh PREFIX VERSION STAMP — npm-installs swagger-ui-dist@VERSION under
# PREFIX for the gateway's /api/docs and touches STAMP. Never fails the build: without npm
# or the registry, /api/docs links the raw OpenAPI document instead.
prefix=$1 version=$2 stamp=$3
if npm install --prefix "$prefix" --no-audit --no-fund --no-save --silent \
  "swagger-ui-dist@$version" >/dev/null 2>&1 &&
  [ -f "$prefix/node_modules/swagger-ui-dist/swagger-ui-bundle.js" ]; then
  touch "$stamp"
else
  echo "gateway: swagger-ui-dist@$version not installed (npm failed); /api/docs will link the raw document"
fi
exit 0
