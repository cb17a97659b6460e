"""Factories for the core tests: city calendar overrides."""

import datetime

import factory

from congso.core.models import CalendarOverride


class CalendarOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    date = datetime.date(2026, 10, 10)
    kind = CalendarOverride.Kind.WORKING_DAY
    reason = "Làm bù theo quyết định của UBND Thành phố"
