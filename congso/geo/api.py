"""API router for geo (mounted under /api/v1/geo/ by congso.api.urls): administrative units."""

from datetime import date

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from congso.api.errors import ErrorOut
from congso.geo import selectors
from congso.geo.models import AdministrativeUnit

router = Router(tags=["geo"])

MAX_PAGE = 10_000


class UnitPagination(PageNumberPagination):
    """Page numbers with an upper bound, so an absurd page number is a 422, not a database error."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=200)

    def __init__(self, **kwargs) -> None:
        super().__init__(page_size=50, max_page_size=200, **kwargs)


class UnitOut(Schema):
    code: str
    name: str
    level: str
    division_type: str
    division_type_label: str
    codename: str
    province_code: str | None
    valid_from: date
    valid_to: date | None

    @staticmethod
    def resolve_division_type_label(obj: AdministrativeUnit) -> str:
        return str(obj.get_division_type_display())

    @staticmethod
    def resolve_province_code(obj: AdministrativeUnit) -> str | None:
        return obj.parent.code if obj.parent_id else None


class UnitFilter(Schema):
    q: str = Field("", max_length=100, description="Tìm theo tên (có dấu hoặc không dấu) hoặc mã")
    level: AdministrativeUnit.Level | None = Field(None, description="province hoặc commune")
    province: str | None = Field(None, max_length=10, description="Mã tỉnh, ví dụ 79")


class ProvinceUnitFilter(Schema):
    q: str = Field("", max_length=100, description="Tìm theo tên (có dấu hoặc không dấu) hoặc mã")


@router.get("/provinces", response=list[UnitOut], summary="Các tỉnh, thành phố")
def province_list(request: HttpRequest) -> QuerySet[AdministrativeUnit]:
    return selectors.provinces()


@router.get(
    "/provinces/{code}/units",
    response={200: list[UnitOut], 404: ErrorOut, 422: ErrorOut},
    summary="Các phường, xã, đặc khu của một tỉnh",
)
@paginate(UnitPagination)
def province_unit_list(request: HttpRequest, code: str, filters: Query[ProvinceUnitFilter]) -> QuerySet:
    if selectors.province_get(code[:10]) is None:
        raise Http404
    return selectors.unit_search(filters.q, level=AdministrativeUnit.Level.COMMUNE, province_code=code)


@router.get("/units", response={200: list[UnitOut], 422: ErrorOut}, summary="Tìm đơn vị hành chính")
@paginate(UnitPagination)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[AdministrativeUnit]:
    return selectors.unit_search(filters.q, level=filters.level, province_code=filters.province)
