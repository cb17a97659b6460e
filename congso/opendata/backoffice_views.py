"""Back office of open data (mounted at /backoffice/opendata/): an agency's datasets, their resources and
versions, publication, access grants of shared datasets, and the agency's API keys.

Every page is for staff who passed the second factor (``staff_required``) and works on the agencies
the user may publish for (``publishable_agencies``: the agency admin, or a platform admin); anything
else is "not found" (404). Each change is one service call; its ``ValidationError`` becomes form
errors, and a successful POST redirects (post/redirect/get) — except the new API key, shown once.

Uploading a CSV/XLSX file takes two steps. The upload is stored under a random name in the
``opendata/staging/`` folder of the file storage and remembered in the user's session (path,
original name, what it is for); the inspect page shows the columns the tabular store inferred, with a
type select per column, and a sample. "Xác nhận" reads the staged file again (nothing from the
page but the token, types and labels is trusted), calls the service and deletes the staged file;
"Hủy" deletes it too. Staged files older than ``STAGING_TTL`` are swept at every new upload, so an
abandoned upload does not stay.
"""

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from congso.accounts.decorators import staff_required
from congso.agencies.models import Agency
from congso.core.text import search_terms
from congso.core.uploads import clean_filename
from congso.opendata import access, datastore, services
from congso.opendata import backoffice_forms as bf
from congso.opendata.models import AccessGrant, ApiKey, Dataset, Resource, ResourceVersion
from congso.opendata.selectors import publishable_agencies

PAGE_SIZE = 25
STAGING_DIR = "opendata/staging"
STAGING_TTL = timedelta(hours=6)
SESSION_KEY = "opendata_uploads"
DB_ID_MAX = 2**63 - 1
_HEAD_BYTES = 64 * 1024


def _agencies(request: HttpRequest) -> list[Agency]:
    return list(publishable_agencies(request.user))


def _manageable_datasets(request: HttpRequest):
    return Dataset.objects.filter(organization__in=publishable_agencies(request.user))


def _dataset(request: HttpRequest, pk: Any) -> Dataset:
    """The dataset if the user may publish for its agency, else 404."""
    dataset = _manageable_datasets(request).select_related("organization", "spatial").filter(pk=pk).first()
    if dataset is None:
        raise Http404
    return dataset


def _resource(dataset: Dataset, resource_id: Any) -> Resource:
    versions = ResourceVersion.objects.order_by("-number").select_related("created_by")
    resource = (
        dataset.resources.filter(pk=resource_id).prefetch_related(Prefetch("versions", queryset=versions)).first()
    )
    if resource is None:
        raise Http404
    return resource


def _copy_errors(form, error: ValidationError, errors_to: dict[str, str] | None = None) -> None:
    """A service's errors on the form field they are about (renamed by ``errors_to``), or on top of the form."""
    errors_to = errors_to or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        name = errors_to.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


def _max_mb() -> int:
    return settings.CONGSO_OPENDATA_MAX_UPLOAD_MB


# --- datasets -------------------------------------------------------------------------------------------


@staff_required
@require_safe
def dataset_list(request: HttpRequest) -> HttpResponse:
    """Dữ liệu mở: the datasets of the agencies this user publishes for, newest change first."""
    agencies = _agencies(request)
    form = bf.DatasetListFilterForm(request.GET or None)
    values = form.values()
    datasets = _manageable_datasets(request).select_related("organization")
    for term in search_terms(values["q"]):
        datasets = datasets.filter(search_text__contains=term)
    if values["state"]:
        datasets = datasets.filter(state=values["state"])
    datasets = datasets.annotate(resource_count=Count("resources")).order_by("-modified_at", "name")
    page_obj = Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page_obj,
        "agencies": agencies,
        "filtered": bool(values["q"] or values["state"]),
    }
    return render(request, "opendata/backoffice/dataset_list.html", context)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def dataset_create(request: HttpRequest) -> HttpResponse:
    """Tạo bộ dữ liệu: a draft dataset of one of the user's agencies."""
    agencies = _agencies(request)
    if not agencies:
        return _forbidden(request, _("Chỉ quản trị của cơ quan mới tạo được bộ dữ liệu của cơ quan đó."))
    posting = request.method == "POST"
    initial = {"organization": agencies[0].pk} if len(agencies) == 1 else {}
    form = bf.DatasetForm(request.POST if posting else None, agencies=agencies, initial=initial)
    if posting and form.is_valid():
        try:
            dataset = services.dataset_create(actor=request.user, **form.changes())
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã tạo bộ dữ liệu “{title}” (bản nháp). Hãy thêm tài nguyên rồi công bố.").format(
                    title=dataset.title
                ),
            )
            return redirect("backoffice_opendata:detail", pk=dataset.pk)
    return render(request, "opendata/backoffice/dataset_form.html", {"form": form, "dataset": None})


@staff_required
@require_safe
def dataset_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """One dataset: state and actions, resources with their versions, access grants of a shared dataset."""
    dataset = _dataset(request, pk)
    versions = ResourceVersion.objects.order_by("-number")
    resources = list(
        dataset.resources.order_by("position", "created_at").prefetch_related(Prefetch("versions", versions))
    )
    grants = list(dataset.grants.select_related("agency").order_by("agency__name"))
    context = {
        "dataset": dataset,
        "resources": resources,
        "grants": grants,
        "grant_form": _grant_form(dataset, grants) if not dataset.is_open else None,
        "withdraw_form": bf.WithdrawForm() if dataset.state == Dataset.State.PUBLISHED else None,
    }
    return render(request, "opendata/backoffice/dataset_detail.html", context)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def dataset_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    """Sửa thông tin: the metadata of a dataset (its name is fixed once published)."""
    dataset = _dataset(request, pk)
    agencies = _agencies(request)
    locked = dataset.published_at is not None
    posting = request.method == "POST"
    form = bf.DatasetForm(
        request.POST if posting else None,
        agencies=agencies,
        name_locked=locked,
        initial=bf.DatasetForm.initial_for(dataset),
    )
    if posting and form.is_valid():
        changes = form.changes()
        if locked:
            changes.pop("name")
        try:
            services.dataset_update(actor=request.user, dataset=dataset, **changes)
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin bộ dữ liệu."))
            return redirect("backoffice_opendata:detail", pk=dataset.pk)
    return render(request, "opendata/backoffice/dataset_form.html", {"form": form, "dataset": dataset})


@staff_required
@require_POST
def dataset_publish(request: HttpRequest, pk: Any) -> HttpResponse:
    """Công bố: the dataset appears on the portal and in the APIs (shared ones to the agencies granted)."""
    dataset = _dataset(request, pk)
    return _act_on_dataset(
        request,
        dataset,
        lambda: services.dataset_publish(actor=request.user, dataset=dataset),
        _("Đã công bố bộ dữ liệu “{title}”.").format(title=dataset.title),
    )


def _act_on_dataset(request: HttpRequest, dataset: Dataset, act: Callable[[], object], done: str) -> HttpResponse:
    """Run a service on the dataset; its refusal becomes a message (or the 403 page), and back to the dataset."""
    try:
        act()
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("backoffice_opendata:detail", pk=dataset.pk)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def dataset_withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    """Rút bộ dữ liệu: it leaves the portal and the APIs; the reason is kept in the audit log."""
    dataset = _dataset(request, pk)
    posting = request.method == "POST"
    form = bf.WithdrawForm(request.POST if posting else None)
    if dataset.state != Dataset.State.PUBLISHED:
        messages.error(request, _("Chỉ rút được bộ dữ liệu đang công bố."))
        return redirect("backoffice_opendata:detail", pk=dataset.pk)
    if posting and form.is_valid():
        try:
            services.dataset_withdraw(actor=request.user, dataset=dataset, reason=form.cleaned_data["reason"])
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, _("Đã rút bộ dữ liệu “{title}”.").format(title=dataset.title))
            return redirect("backoffice_opendata:detail", pk=dataset.pk)
    return render(request, "opendata/backoffice/withdraw.html", {"dataset": dataset, "form": form})


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "opendata/backoffice/forbidden.html", {"message": message}, status=403)


# --- uploads: staging, inspection, confirmation ---------------------------------------------------------


@dataclass
class Staged:
    """An upload waiting for the inspect step to be confirmed (kept in the session, the file in storage)."""

    token: str
    path: str
    original_name: str
    dataset: str
    resource: str  # "" for a new resource
    meta: dict[str, str]

    def open(self) -> File:
        """The staged file under its original name, as the services and the tabular store take it."""
        return File(default_storage.open(self.path, "rb"), name=self.original_name)


def _staged_all(request: HttpRequest) -> dict[str, dict]:
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, dict) else {}


def _staged(request: HttpRequest, token: str, dataset: Dataset) -> Staged | None:
    entry = _staged_all(request).get(token)
    if not isinstance(entry, dict) or entry.get("dataset") != str(dataset.pk):
        return None
    try:
        return Staged(token=token, **{key: value for key, value in entry.items() if key != "at"})
    except TypeError:
        return None


def _forget(request: HttpRequest, staged: Staged) -> None:
    default_storage.delete(staged.path)
    entries = _staged_all(request)
    entries.pop(staged.token, None)
    request.session[SESSION_KEY] = entries


def _sweep(request: HttpRequest) -> None:
    """Delete staged files older than ``STAGING_TTL`` (anyone's abandoned uploads) and this session's stale entries."""
    cutoff = timezone.now() - STAGING_TTL
    try:
        _dirs, names = default_storage.listdir(STAGING_DIR)
    except (NotImplementedError, OSError):  # no folder yet, or a storage that cannot list
        names = []
    for name in names:
        path = f"{STAGING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (NotImplementedError, OSError):  # no folder yet, or a storage that cannot list
            continue
    entries = {
        token: entry
        for token, entry in _staged_all(request).items()
        if isinstance(entry, dict) and entry.get("at", 0) >= cutoff.timestamp()
    }
    request.session[SESSION_KEY] = entries


def _stage(request: HttpRequest, upload, dataset: Dataset, resource: Resource | None, meta: dict) -> Staged:
    _sweep(request)
    token = secrets.token_urlsafe(24)
    path = default_storage.save(f"{STAGING_DIR}/{secrets.token_hex(16)}.upload", upload)
    entry = {
        "path": path,
        "original_name": clean_filename(upload.name or ""),
        "dataset": str(dataset.pk),
        "resource": str(resource.pk) if resource else "",
        "meta": meta,
        "at": timezone.now().timestamp(),
    }
    entries = _staged_all(request)
    entries[token] = entry
    request.session[SESSION_KEY] = entries
    return Staged(token=token, **{key: value for key, value in entry.items() if key != "at"})


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    return head


def _inspected_columns(inspection, resource: Resource | None) -> list[dict]:
    """The inferred columns; for a new version, a column that keeps its header keeps its type and label."""
    current = {spec["id"]: spec for spec in (resource.fields if resource else []) if isinstance(spec, dict)}
    columns = []
    for spec in inspection.fields:
        known = current.get(spec["id"])
        columns.append(dict(known) if known else dict(spec))
    return columns


def _inspect_page(
    request: HttpRequest,
    dataset: Dataset,
    resource: Resource | None,
    staged: Staged,
    inspection,
    form: bf.ColumnsForm,
) -> HttpResponse:
    context = {
        "dataset": dataset,
        "resource": resource,
        "staged": staged,
        "inspection": inspection,
        "form": form,
        "headers": [spec["id"] for spec in inspection.fields],
    }
    return render(request, "opendata/backoffice/inspect.html", context)


def _store(request: HttpRequest, dataset: Dataset, resource: Resource | None, staged_or_upload, meta, fields=None):
    """Call the service: a new resource or a new version. Returns the resource."""
    if resource is None:
        return services.resource_create(
            actor=request.user,
            dataset=dataset,
            name=meta.get("name", ""),
            name_en=meta.get("name_en", ""),
            description=meta.get("description", ""),
            format=meta.get("format") or None,
            upload=staged_or_upload,
            fields=fields,
            note=meta.get("note", ""),
        )
    services.resource_version_add(
        actor=request.user, resource=resource, upload=staged_or_upload, fields=fields, note=meta.get("note", "")
    )
    return resource


def _stored_message(request: HttpRequest, resource: Resource, new: bool) -> None:
    resource.refresh_from_db()
    if new:
        message = _("Đã thêm tài nguyên “{name}”.").format(name=resource.name)
    else:
        message = _("Đã tải lên phiên bản mới của “{name}”.").format(name=resource.name)
    if resource.datastore_active and resource.row_count is not None:
        message += " " + _("Bảng tra cứu có {n} dòng.").format(n=resource.row_count)
    messages.success(request, message)


def _upload(request: HttpRequest, dataset: Dataset, resource: Resource | None) -> HttpResponse:
    """Step 1 of an upload (new resource or new version): a table goes to the inspect step, another file is stored."""
    posting = request.method == "POST"
    form = bf.UploadForm(
        request.POST if posting else None,
        request.FILES if posting else None,
        new_resource=resource is None,
        max_mb=_max_mb(),
    )
    if posting and form.is_valid():
        upload = form.cleaned_data["upload"]
        meta = {name: value for name, value in form.cleaned_data.items() if name != "upload"}
        if datastore.is_tabular(clean_filename(upload.name or ""), _head(upload)):
            staged = _stage(request, upload, dataset, resource, meta)
            page = _inspect_or_error(request, dataset, resource, staged, form)
            if page is not None:
                return page
        else:
            try:
                stored = _store(request, dataset, resource, upload, meta)
            except PermissionDenied as error:
                return _forbidden(request, str(error))
            except ValidationError as error:
                _copy_errors(form, error, {"file": "upload", "format": "format" if resource is None else "upload"})
            else:
                _stored_message(request, stored, resource is None)
                return redirect("backoffice_opendata:resource", pk=dataset.pk, resource_id=stored.pk)
    context = {"dataset": dataset, "resource": resource, "form": form, "max_mb": _max_mb()}
    return render(request, "opendata/backoffice/upload.html", context)


def _inspect_or_error(
    request: HttpRequest, dataset: Dataset, resource: Resource | None, staged: Staged, form: bf.UploadForm
) -> HttpResponse | None:
    """The inspect page for a staged table, or None with the reason on ``form`` (and the staged file gone)."""
    try:
        with staged.open() as handle:
            inspection = datastore.inspect(handle)
    except datastore.TableError as error:
        _forget(request, staged)
        form.add_error("upload", error.message)
        return None
    columns = _inspected_columns(inspection, resource)
    columns_form = bf.ColumnsForm(columns=columns, initial={"token": staged.token})
    return _inspect_page(request, dataset, resource, staged, inspection, columns_form)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def resource_new(request: HttpRequest, pk: Any) -> HttpResponse:
    """Thêm tài nguyên: upload a file; a CSV/XLSX goes through the inspect step first."""
    return _upload(request, _dataset(request, pk), None)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def version_new(request: HttpRequest, pk: Any, resource_id: Any) -> HttpResponse:
    """Tải lên phiên bản mới: the previous versions stay downloadable."""
    dataset = _dataset(request, pk)
    return _upload(request, dataset, _resource(dataset, resource_id))


@staff_required
@require_POST
def upload_confirm(request: HttpRequest, pk: Any) -> HttpResponse:
    """Step 2 of a table upload: load the staged file with the chosen column types, or cancel (``_action=cancel``)."""
    dataset = _dataset(request, pk)
    staged = _staged(request, str(request.POST.get("token", ""))[:64], dataset)
    if staged is None:
        messages.error(request, _("Phiên tải lên đã hết hạn hoặc không còn. Vui lòng tải tệp lên lại."))
        return redirect("backoffice_opendata:detail", pk=dataset.pk)
    resource = _resource(dataset, staged.resource) if staged.resource else None
    if request.POST.get("_action") == "cancel":
        _forget(request, staged)
        messages.info(request, _("Đã hủy tải lên, tệp tạm đã được xóa."))
        return redirect("backoffice_opendata:detail", pk=dataset.pk)
    try:
        with staged.open() as handle:
            inspection = datastore.inspect(handle)
    except (datastore.TableError, FileNotFoundError, OSError):
        _forget(request, staged)
        messages.error(request, _("Không đọc lại được tệp đã tải lên. Vui lòng tải tệp lên lại."))
        return redirect("backoffice_opendata:detail", pk=dataset.pk)
    form = bf.ColumnsForm(request.POST, columns=_inspected_columns(inspection, resource))
    if form.is_valid():
        try:
            with staged.open() as handle:
                stored = _store(request, dataset, resource, handle, staged.meta, form.fields_spec())
        except PermissionDenied as error:
            _forget(request, staged)
            return _forbidden(request, str(error))
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            _forget(request, staged)
            _stored_message(request, stored, resource is None)
            return redirect("backoffice_opendata:resource", pk=dataset.pk, resource_id=stored.pk)
    return _inspect_page(request, dataset, resource, staged, inspection, form)


@staff_required
@require_safe
def resource_detail(request: HttpRequest, pk: Any, resource_id: Any) -> HttpResponse:
    """One resource: its columns, its versions and the way to upload a new one."""
    dataset = _dataset(request, pk)
    resource = _resource(dataset, resource_id)
    type_names = dict(bf.COLUMN_TYPES)
    columns = [
        (spec.get("id", ""), type_names.get(spec.get("type"), spec.get("type")), spec.get("label", ""))
        for spec in resource.fields
        if isinstance(spec, dict)
    ]
    context = {
        "dataset": dataset,
        "resource": resource,
        "columns": columns,
        "versions": list(resource.versions.all()),
        "indexes": [(index, json.dumps(index, ensure_ascii=False)) for index in resource.indexes],
        "index_form": _index_form(resource) if len(resource.indexes) < datastore.MAX_COMBINED_INDEXES else None,
        "suggestions": datastore.suggested_indexes(resource),
        "slow_ms": datastore.advice.SLOW_SEARCH_MS,
        "max_indexes": datastore.MAX_COMBINED_INDEXES,
    }
    return render(request, "opendata/backoffice/resource_detail.html", context)


def _index_form(resource: Resource, data=None) -> bf.CombinedIndexForm:
    column_ids = [spec["id"] for spec in resource.fields if isinstance(spec, dict) and "id" in spec]
    return bf.CombinedIndexForm(data, column_ids=column_ids)


def _set_indexes(request: HttpRequest, dataset: Dataset, resource: Resource, indexes: list, done: str) -> HttpResponse:
    try:
        services.resource_set_indexes(actor=request.user, resource=resource, indexes=indexes)
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("backoffice_opendata:resource", pk=dataset.pk, resource_id=resource.pk)


@staff_required
@require_POST
def index_add(request: HttpRequest, pk: Any, resource_id: Any) -> HttpResponse:
    """Declare a combined index on the resource's table; it is built before the page comes back."""
    dataset = _dataset(request, pk)
    resource = _resource(dataset, resource_id)
    form = _index_form(resource, request.POST)
    if not form.is_valid():
        errors = [*form.non_field_errors(), *(error for field in form for error in field.errors)]
        messages.error(request, errors[0])
        return redirect("backoffice_opendata:resource", pk=dataset.pk, resource_id=resource.pk)
    done = _("Đã thêm chỉ mục kết hợp {columns}.").format(columns=" → ".join(form.columns()))
    return _set_indexes(request, dataset, resource, [*resource.indexes, form.columns()], done)


@staff_required
@require_POST
def index_remove(request: HttpRequest, pk: Any, resource_id: Any) -> HttpResponse:
    """Remove one declared combined index (named by its columns, so two open tabs cannot remove the wrong one)."""
    dataset = _dataset(request, pk)
    resource = _resource(dataset, resource_id)
    try:
        columns = json.loads(request.POST.get("columns", ""))
    except ValueError:
        columns = None
    if columns not in resource.indexes:
        messages.error(request, _("Chỉ mục này không còn trong danh sách; trang đã được tải lại."))
        return redirect("backoffice_opendata:resource", pk=dataset.pk, resource_id=resource.pk)
    remaining = [index for index in resource.indexes if index != columns]
    done = _("Đã bỏ chỉ mục kết hợp {columns}.").format(columns=" → ".join(columns))
    return _set_indexes(request, dataset, resource, remaining, done)


# --- access grants --------------------------------------------------------------------------------------


def _grant_form(dataset: Dataset, grants: list[AccessGrant], data=None) -> bf.GrantForm:
    granted = {grant.agency_id for grant in grants} | {dataset.organization_id}
    agencies = [a for a in Agency.objects.filter(is_active=True).order_by("name") if a.pk not in granted]
    return bf.GrantForm(data, agencies=agencies)


@staff_required
@require_POST
def grant_add(request: HttpRequest, pk: Any) -> HttpResponse:
    """Cấp quyền khai thác: an agency may read this shared dataset with its API keys."""
    dataset = _dataset(request, pk)
    grants = list(dataset.grants.all())
    form = _grant_form(dataset, grants, request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn một cơ quan trong danh sách."))
        return redirect("backoffice_opendata:detail", pk=dataset.pk)
    agency = form.chosen_agency()
    return _act_on_dataset(
        request,
        dataset,
        lambda: services.access_grant(actor=request.user, dataset=dataset, agency=agency),
        _("Đã cấp quyền khai thác cho {agency}.").format(agency=agency.name),
    )


@staff_required
@require_POST
def grant_remove(request: HttpRequest, pk: Any, agency_id: int) -> HttpResponse:
    """Thu hồi quyền khai thác of one agency."""
    dataset = _dataset(request, pk)
    grant = (
        dataset.grants.select_related("agency").filter(agency_id=agency_id).first() if agency_id <= DB_ID_MAX else None
    )
    if grant is None:
        raise Http404
    try:
        services.access_revoke(actor=request.user, dataset=dataset, agency=grant.agency)
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    messages.success(request, _("Đã thu hồi quyền khai thác của {agency}.").format(agency=grant.agency.name))
    return redirect("backoffice_opendata:detail", pk=dataset.pk)


# --- API keys -------------------------------------------------------------------------------------------


@staff_required
@require_safe
def key_list(request: HttpRequest) -> HttpResponse:
    """Khóa khai thác: the API keys of the user's agencies, with today's use against the daily quota."""
    agencies = _agencies(request)
    keys = ApiKey.objects.filter(agency__in=agencies).select_related("agency").order_by("-created_at", "-id")
    page_obj = Paginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    used = access.requests_today_of(page_obj.object_list, now=now)
    for key in page_obj.object_list:
        key.usable = key.is_usable(now)
        key.used_today = used[key.pk]
    return render(request, "opendata/backoffice/key_list.html", {"page_obj": page_obj, "agencies": agencies})


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def key_create(request: HttpRequest) -> HttpResponse:
    """Tạo khóa khai thác: the raw key is shown on the answer to the POST, once, and never again."""
    agencies = _agencies(request)
    if not agencies:
        return _forbidden(request, _("Chỉ quản trị của cơ quan mới tạo được khóa khai thác của cơ quan đó."))
    posting = request.method == "POST"
    form = bf.ApiKeyForm(request.POST if posting else None, agencies=agencies)
    if posting and form.is_valid():
        try:
            key, raw = services.api_key_create(
                actor=request.user,
                agency=form.chosen_agency(),
                name=form.cleaned_data["name"],
                daily_quota=form.cleaned_data["daily_quota"],
                expires_at=form.expires_at(),
            )
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        except ValidationError as error:
            _copy_errors(form, error, {"expires_at": "expires_on"})
        else:
            response = render(request, "opendata/backoffice/key_created.html", {"key": key, "raw": raw})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "opendata/backoffice/key_form.html", {"form": form})


@staff_required
@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Thu hồi khóa: requests with it are refused from now on."""
    key = ApiKey.objects.filter(pk=pk, agency__in=_agencies(request)).first() if pk <= DB_ID_MAX else None
    if key is None:
        raise Http404
    try:
        services.api_key_revoke(actor=request.user, key=key)
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    messages.success(request, _("Đã thu hồi khóa “{name}” ({prefix}…).").format(name=key.name, prefix=key.prefix))
    return redirect("backoffice_opendata:keys")
