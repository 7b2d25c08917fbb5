// jsforce, a Salesforce client nobody at Reconnect wrote, against the practice org.
//
// Run by crates/practice-org/tests/third_party_clients.rs with the org's address, a username
// and password, and the client id (NODE_EXTRA_CA_CERTS names the certificate the org serves).
// jsforce signs in itself, with the OAuth username-password grant at the org's login URL (it
// uses that grant only when a client secret is set; the practice org does not check it). Each
// step prints one JSON line; any failure exits non-zero with what went wrong.

import jsforce from 'jsforce';

const VERSION = '63.0';
const [base, username, password, clientId] = process.argv.slice(2);

function step(name, facts = {}) {
  console.log(JSON.stringify({ step: name, ...facts }));
}

function assert(ok, what) {
  if (!ok) throw new Error(what);
}

async function main() {
  const conn = new jsforce.Connection({
    oauth2: { loginUrl: base, clientId, clientSecret: 'not-checked', redirectUri: 'http://localhost:1717/OauthRedirect' },
    version: VERSION,
  });
  const user = await conn.login(username, password);
  assert(user.id && user.organizationId, `login answered ${JSON.stringify(user)}`);
  step('signed_in', { instance: conn.instanceUrl });

  const users = await conn.query('SELECT Username, Profile.Name FROM User ORDER BY Username', { autoFetch: false });
  const first = users.records[0];
  assert(first.Profile && first.Profile.attributes.type === 'Profile' && first.Profile.Name, JSON.stringify(first));
  step('query_with_relationships', { total: users.totalSize, first_page: users.records.length, done: users.done });

  assert(!users.done && users.nextRecordsUrl, 'the practice org pages one record at a time here');
  let page = users;
  let seen = users.records.length;
  while (!page.done) {
    page = await conn.queryMore(page.nextRecordsUrl);
    seen += page.records.length;
  }
  assert(seen === users.totalSize, `queryMore gave ${seen} of ${users.totalSize}`);
  step('query_more', { records: seen });

  const described = await conn.sobject('PermissionSet').describe();
  assert(described.fields.some((f) => f.name === 'PermissionsApiEnabled'), 'no PermissionsApiEnabled');
  step('describe', { fields: described.fields.length });

  const tooling = await conn.tooling.query('SELECT SubscriberPackage.Name FROM InstalledSubscriberPackage');
  const firstPackage = tooling.records[0];
  assert(firstPackage.attributes.type === 'InstalledSubscriberPackage' && firstPackage.SubscriberPackage.Name, JSON.stringify(tooling));
  step('tooling_query', { size: tooling.totalSize });

  const composite = await conn.request({
    method: 'POST',
    url: `/services/data/v${VERSION}/composite`,
    body: JSON.stringify({
      allOrNone: false,
      compositeRequest: [
        { method: 'GET', url: `/services/data/v${VERSION}/query?q=SELECT+Id+FROM+Organization`, referenceId: 'org' },
        { method: 'GET', url: `/services/data/v${VERSION}/sobjects/PermissionSet/describe`, referenceId: 'd' },
      ],
    }),
    headers: { 'Content-Type': 'application/json' },
  });
  const codes = composite.compositeResponse.map((p) => p.httpStatusCode);
  assert(codes.join() === '200,200', JSON.stringify(composite));
  step('composite', { codes });

  try {
    await conn.query('SELECT NoSuchField FROM User');
    throw new Error('a bad field was accepted');
  } catch (e) {
    assert(e.errorCode === 'INVALID_FIELD', `bad field gave ${e.errorCode}: ${e.message}`);
    step('bad_field', { errorCode: e.errorCode });
  }

  const expired = new jsforce.Connection({ instanceUrl: base, accessToken: '00Dx!expired', version: VERSION });
  try {
    await expired.query('SELECT Id FROM Organization');
    throw new Error('an expired session was accepted');
  } catch (e) {
    assert(e.errorCode === 'INVALID_SESSION_ID', `expired session gave ${e.errorCode}: ${e.message}`);
    step('expired_session', { errorCode: e.errorCode });
  }

  const token = conn.accessToken;
  await conn.logout();
  const revoked = new jsforce.Connection({ instanceUrl: base, accessToken: token, version: VERSION });
  try {
    await revoked.query('SELECT Id FROM Organization');
    throw new Error('the token still worked after logout');
  } catch (e) {
    assert(e.errorCode === 'INVALID_SESSION_ID', `after logout: ${e.errorCode}: ${e.message}`);
  }
  step('signed_out', { revoked: true });
}

main().catch((e) => {
  console.log(JSON.stringify({ failed: `${e.name}: ${e.message}` }));
  process.exit(1);
});
