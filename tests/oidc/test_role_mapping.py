"""``OIDC_ROLE_MAPPING``: claims to roles, and a mistyped mapping refused at start."""

import pytest

from app.auth.models import Role
from app.auth.oidc import parse_role_mapping
from app.auth.oidc import roles_from_claims


def test_claims_give_roles_added_to_learner():
    rules = parse_role_mapping("groups=lms-tutors:tutor, groups=lms-admins:admin,department=formation:author")
    assert roles_from_claims({"groups": ["staff", "lms-tutors"]}, rules) == Role.LEARNER | Role.TUTOR
    assert roles_from_claims({"groups": "lms-admins", "department": "formation"}, rules) == Role.LEARNER | Role.ADMIN | Role.AUTHOR
    assert roles_from_claims({"groups": ["lms-tutors-old"], "department": None}, rules) == Role.LEARNER
    assert roles_from_claims({}, []) == Role.LEARNER


@pytest.mark.parametrize("mapping", ["groups:tutor", "groups=x:chef", "=x:tutor", "groups=:tutor"])
def test_a_mistyped_mapping_is_refused(mapping):
    with pytest.raises(ValueError, match="OIDC_ROLE_MAPPING"):
        parse_role_mapping(mapping)


def test_the_platform_does_not_start_with_a_mistyped_mapping(make_app):
    with pytest.raises(ValueError, match="groups=x:chef"):
        make_app(OIDC_ISSUER="http://127.0.0.1:1", OIDC_CLIENT_ID="lms", OIDC_ROLE_MAPPING="groups=x:chef")
