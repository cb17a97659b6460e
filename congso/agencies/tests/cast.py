"""The cast of the permission matrix: staff of agency A in every role, A's and B's admins,
a platform admin, a citizen and an anonymous visitor.
"""

from dataclasses import dataclass

from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.tests.factories import AgencyFactory, CityRoleFactory, MembershipFactory


@dataclass
class Cast:
    agency_a: Agency
    agency_b: Agency
    desk_officer_a: object
    specialist_a: object
    leader_a: object
    admin_a: object
    admin_b: object
    platform_admin: object
    citizen: object
    newcomer: object

    def by_name(self, name: str):
        return None if name == "anonymous" else getattr(self, name)


def build_cast() -> Cast:
    city = AgencyFactory(code="H29", name="Ủy ban nhân dân Thành phố Hồ Chí Minh", kind=Agency.Kind.CITY)
    agency_a = AgencyFactory(code="H29.01", name="Ủy ban nhân dân phường Bến Thành", parent=city)
    agency_b = AgencyFactory(code="H29.02", name="Ủy ban nhân dân phường Sài Gòn", parent=city)
    people = {}
    for name, role in [
        ("desk_officer_a", Membership.Role.DESK_OFFICER),
        ("specialist_a", Membership.Role.SPECIALIST),
        ("leader_a", Membership.Role.LEADER),
        ("admin_a", Membership.Role.AGENCY_ADMIN),
    ]:
        people[name] = MembershipFactory(user=StaffFactory(username=name), agency=agency_a, role=role).user
    people["admin_b"] = MembershipFactory(
        user=StaffFactory(username="admin_b"), agency=agency_b, role=Membership.Role.AGENCY_ADMIN
    ).user
    people["platform_admin"] = CityRoleFactory(
        user=StaffFactory(username="platform_admin"), role=CityRole.Role.PLATFORM_ADMIN
    ).user
    return Cast(
        agency_a=agency_a,
        agency_b=agency_b,
        citizen=CitizenFactory(),
        newcomer=StaffFactory(username="newcomer", full_name="Lê Văn Mới"),
        **people,
    )


def memberships() -> list[tuple[str, str, str]]:
    """Every membership as (username, agency code, role), sorted: compare before and after a refused action."""
    return sorted(Membership.objects.values_list("user__username", "agency__code", "role"))


EVERYONE = [
    "desk_officer_a",
    "specialist_a",
    "leader_a",
    "admin_a",
    "admin_b",
    "platform_admin",
    "citizen",
    "anonymous",
]
CAN_VIEW_A = {"desk_officer_a", "specialist_a", "leader_a", "admin_a", "platform_admin"}
CAN_MANAGE_A = {"admin_a", "platform_admin"}
