// graphql-http's server audit against the URL given, one audit at a time (the gateway limits how many requests
// one caller has in flight); prints every result as one JSON line for tests/e2e/test_http_audit.py to judge.
'use strict';
const { serverAudits } = require('graphql-http');

async function main() {
  const url = process.argv[2];
  if (!url) throw new Error('usage: node audit.js http://host:port/graphql');
  for (const { id, name, fn } of serverAudits({ url })) {
    const result = await fn();
    const line = { id, name, status: result.status };
    if (result.status !== 'ok') {
      line.reason = result.reason;
      line.response = { status: result.response.status, contentType: result.response.headers.get('content-type'),
                        body: (await result.response.text().catch(() => '(already read)')).slice(0, 500) };
    }
    console.log(JSON.stringify(line));
  }
}

main().catch((error) => { console.error(error); process.exit(2); });
