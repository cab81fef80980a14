"""Schemathesis hooks of the contract suite (test/contract/schemathesis.test.ts).

Only what the OpenAPI document cannot say goes here, each with its reason; no check is
weakened and no operation left out.
"""

import schemathesis

# Operations whose body holds a new account's e-mail address and password.
_ACCOUNT_BODIES = {("POST", "/api/v1/auth/register"), ("POST", "/api/v1/admin/users")}


def _local_part(email: str) -> str:
    return email.split("@", 1)[0].lower()


@schemathesis.hook
def filter_body(context, body):
    """Leaves out new accounts whose password contains the e-mail address's name part.

    The password policy refuses such a password (400), and says so in the document's
    description: a rule that ties two fields together, which JSON Schema cannot express.
    Every other rule of the policy (12 to 128 characters, not one character repeated) is in
    the schema, and cases that break those are still generated and must be refused.
    """
    operation = context.operation
    if operation is None or (operation.method.upper(), operation.path) not in _ACCOUNT_BODIES:
        return True
    if not isinstance(body, dict):
        return True
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        return True
    local = _local_part(email)
    return len(local) < 4 or local not in password.lower()


@schemathesis.hook
def filter_case(context, case):
    """Leaves out requests whose path holds a null (sent as the text "None").

    In the stateful phase schemathesis fills a path parameter from a field of an earlier
    answer; where that field is nullable and null (an access log row's `grantId` when no
    grant let the reader in), it sends "None" as the id, which is no UUID, and takes the
    refusal for one of valid data.
    """
    return all(value is not None for value in (case.path_parameters or {}).values())


# The upload's parts in the order the document states (its description, and the API's rule:
# text fields first, the file last, so that the fields are checked before a byte of the
# file is stored). The order of multipart parts is not something a schema can state;
# schemathesis sends them in the order it generated the properties.
_UPLOAD = ("POST", "/api/v1/reports")


@schemathesis.hook
def before_call(context, case, kwargs):
    operation = case.operation
    if (operation.method.upper(), operation.path) != _UPLOAD:
        return
    body = case.body
    if isinstance(body, dict) and "file" in body and (case.media_type or "").startswith("multipart/"):
        # The parts go out in the order of the body's keys: the file moves to the end.
        body["file"] = body.pop("file")


# CPython 3.11 and 3.12 can fail with "SystemError: AST constructor recursion depth mismatch"
# when two threads parse source at once (python/cpython#106905); Hypothesis parses its
# lambdas' source to describe strategies, in each of schemathesis's worker threads. Parsing
# one at a time avoids it.
def _parse_one_at_a_time():
    import ast
    import threading

    lock = threading.Lock()
    parse = ast.parse

    def locked_parse(*args, **kwargs):
        with lock:
            return parse(*args, **kwargs)

    ast.parse = locked_parse


_parse_one_at_a_time()


# Every request from the loopback address the suite chose (MEDLEDGER_CONTRACT_SOURCE_ADDRESS):
# what the API counts per client address (rate limits, failed sign-ins) is then this suite's
# alone, as for the suites that use test/support/from-address.ts; the others come from
# 127.0.0.1, and a budget spent here must not refuse them.
def _connect_from_source_address():
    import os

    import requests.adapters

    source = os.environ.get("MEDLEDGER_CONTRACT_SOURCE_ADDRESS")
    if not source:
        return
    init_poolmanager = requests.adapters.HTTPAdapter.init_poolmanager

    def from_source(self, *args, **kwargs):
        kwargs["source_address"] = (source, 0)
        return init_poolmanager(self, *args, **kwargs)

    requests.adapters.HTTPAdapter.init_poolmanager = from_source


_connect_from_source_address()
