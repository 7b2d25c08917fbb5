"""simple-salesforce, a Salesforce client nobody at Reconnect wrote, against the practice org.

Run by crates/practice-org/tests/third_party_clients.rs with the org's address, the certificate
it serves (simple-salesforce speaks only https), a username and password, and the client id.
simple-salesforce signs in to a custom host only with a session it is given, so the script signs
in by the OAuth username-password grant at the org's token endpoint, then hands the token over,
as its documentation shows for an existing session. Each step prints one JSON line; any failure
exits non-zero with what went wrong.
"""

import json
import sys

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession, SalesforceMalformedRequest

VERSION = "63.0"


def step(name, **facts):
    print(json.dumps({"step": name, **facts}), flush=True)


def main(base, ca, username, password, client_id):
    session = requests.Session()
    session.verify = ca
    # REQUESTS_CA_BUNDLE, when set, would silently replace the certificate given here.
    session.trust_env = False

    token = session.post(
        f"{base}/services/oauth2/token",
        data={"grant_type": "password", "client_id": client_id, "username": username, "password": password},
    )
    token.raise_for_status()
    answer = token.json()
    sf = Salesforce(instance_url=answer["instance_url"], session_id=answer["access_token"], session=session, version=VERSION)
    step("signed_in", instance=sf.sf_instance)

    users = sf.query("SELECT Username, Profile.Name FROM User ORDER BY Username")
    first = users["records"][0]
    assert first["attributes"]["type"] == "User", first
    assert first["Profile"]["attributes"]["type"] == "Profile" and first["Profile"]["Name"], first
    step("query_with_relationships", total=users["totalSize"], first_page=len(users["records"]), done=users["done"])

    every = sf.query_all("SELECT Id, Username FROM User")
    assert len(every["records"]) == every["totalSize"] >= 2, every
    assert not users["done"], "the practice org pages one record at a time here, so queryMore was needed"
    step("query_more", records=len(every["records"]))

    described = sf.PermissionSet.describe()
    names = [f["name"] for f in described["fields"]]
    assert "PermissionsApiEnabled" in names, names[:5]
    step("describe", fields=len(names))

    tooling = sf.toolingexecute("query/", params={"q": "SELECT SubscriberPackage.Name FROM InstalledSubscriberPackage"})
    assert tooling["entityTypeName"] == "InstalledSubscriberPackage", tooling
    step("tooling_query", size=tooling["size"])

    composite = sf.restful(
        "composite",
        method="POST",
        json={
            "allOrNone": False,
            "compositeRequest": [
                {"method": "GET", "url": f"/services/data/v{VERSION}/query?q=SELECT+Id+FROM+Organization", "referenceId": "org"},
                {"method": "GET", "url": f"/services/data/v{VERSION}/sobjects/PermissionSet/describe", "referenceId": "d"},
            ],
        },
    )
    codes = [part["httpStatusCode"] for part in composite["compositeResponse"]]
    assert codes == [200, 200], composite
    step("composite", codes=codes)

    try:
        sf.query("SELECT NoSuchField FROM User")
        raise AssertionError("a bad field was accepted")
    except SalesforceMalformedRequest as e:
        error = e.content[0]
        assert error["errorCode"] == "INVALID_FIELD", error
        step("bad_field", errorCode=error["errorCode"], status=e.status)

    expired = Salesforce(instance_url=answer["instance_url"], session_id="00Dx!expired", session=session, version=VERSION)
    try:
        expired.query("SELECT Id FROM Organization")
        raise AssertionError("an expired session was accepted")
    except SalesforceExpiredSession as e:
        error = e.content[0]
        assert error["errorCode"] == "INVALID_SESSION_ID", error
        step("expired_session", errorCode=error["errorCode"], status=e.status)


if __name__ == "__main__":
    try:
        main(*sys.argv[1:6])
    except Exception as e:  # noqa: BLE001 - the test reads the reason
        print(json.dumps({"failed": f"{type(e).__name__}: {e}"}), flush=True)
        sys.exit(1)
