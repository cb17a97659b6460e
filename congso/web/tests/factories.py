"""The factories the web app's tests use, re-exported from the apps that own the models."""

from congso.accounts.tests.factories import CitizenFactory as CitizenFactory
from congso.accounts.tests.factories import StaffFactory as StaffFactory
from congso.agencies.tests.factories import AgencyFactory as AgencyFactory
from congso.agencies.tests.factories import CityRoleFactory as CityRoleFactory
from congso.agencies.tests.factories import MembershipFactory as MembershipFactory
from congso.procedures.tests.factories import FieldFactory as FieldFactory
from congso.procedures.tests.factories import ProcedureFactory as ProcedureFactory
