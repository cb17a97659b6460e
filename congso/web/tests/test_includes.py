"""The shared includes: one form field, the error summary and pagination."""

from django import forms
from django.core.paginator import Paginator
from django.template import loader
from django.test import RequestFactory


class ApplicationForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=100, help_text="Ghi đúng như trên căn cước.")
    email = forms.EmailField(label="Thư điện tử", required=False)
    channel = forms.ChoiceField(
        label="Cách nhận kết quả",
        choices=[("post", "Qua bưu điện"), ("desk", "Tại bộ phận một cửa")],
        widget=forms.RadioSelect,
    )
    agree = forms.BooleanField(label="Tôi cam đoan thông tin là đúng")
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email", "").endswith("@example.invalid"):
            raise forms.ValidationError("Không thể gửi kết quả đến địa chỉ này.")
        return cleaned


def _field(form, name: str) -> str:
    return loader.render_to_string("web/includes/field.html", {"field": form[name]})


def test_text_field_has_a_visible_label_hint_and_required_marker():
    html = _field(ApplicationForm(), "full_name")

    assert '<div class="form-field">' in html
    assert '<label for="id_full_name">Họ và tên <span class="required">(bắt buộc)</span></label>' in html
    assert '<p class="form-hint" id="id_full_name_helptext">Ghi đúng như trên căn cước.</p>' in html
    assert 'aria-describedby="id_full_name_helptext"' in html
    assert "field-error" not in html


def test_field_with_an_error_links_hint_and_error_and_marks_it_invalid():
    form = ApplicationForm(data={"full_name": "", "channel": "post", "agree": "on"})
    form.is_valid()

    html = _field(form, "full_name")

    assert '<div class="form-field form-field--error">' in html
    assert (
        '<p class="field-error" id="id_full_name_error"><span class="visually-hidden">Lỗi: </span>'
        "Trường này là bắt buộc.</p>"
    ) in html
    assert 'aria-describedby="id_full_name_helptext id_full_name_error"' in html
    assert 'aria-invalid="true"' in html


def test_optional_field_has_no_required_marker():
    html = _field(ApplicationForm(), "email")

    assert '<label for="id_email">Thư điện tử</label>' in html


def test_radio_choices_are_a_fieldset_with_a_legend():
    form = ApplicationForm(data={"full_name": "An"})
    form.is_valid()

    html = _field(form, "channel")

    assert '<fieldset aria-describedby="id_channel_error">' in html
    assert '<legend>Cách nhận kết quả <span class="required">(bắt buộc)</span></legend>' in html
    assert 'id="id_channel_0"' in html
    assert 'id="id_channel_error"' in html


def test_checkbox_label_follows_the_box():
    html = _field(ApplicationForm(), "agree")

    assert '<label class="choice" for="id_agree"><input type="checkbox" name="agree"' in html
    assert "<span>Tôi cam đoan thông tin là đúng" in html


def test_error_summary_lists_every_error_with_a_link_to_its_field():
    form = ApplicationForm(data={"full_name": "", "email": "an@example.invalid", "agree": "on", "channel": "x"})
    form.is_valid()

    html = loader.render_to_string("web/includes/error_summary.html", {"form": form})

    assert '<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">' in html
    assert '<h2 class="error-summary__title" id="error-summary-title">Có lỗi cần sửa</h2>' in html
    assert '<li><a href="#id_full_name">Họ và tên: Trường này là bắt buộc.</a></li>' in html
    assert '<a href="#id_channel">Cách nhận kết quả: ' in html


def test_error_summary_shows_non_field_errors():
    form = ApplicationForm(data={"full_name": "An", "email": "an@example.invalid", "agree": "on", "channel": "post"})
    form.is_valid()

    html = loader.render_to_string("web/includes/error_summary.html", {"form": form})

    assert "<li>Không thể gửi kết quả đến địa chỉ này.</li>" in html


def test_error_summary_is_empty_for_a_valid_or_unbound_form():
    assert loader.render_to_string("web/includes/error_summary.html", {"form": ApplicationForm()}).strip() == ""


def _pagination(page_number: int, query: str, total: int = 95) -> str:
    request = RequestFactory().get(f"/procedures/{query}")
    page_obj = Paginator(list(range(total)), 10).page(page_number)
    return loader.render_to_string("web/includes/pagination.html", {"page_obj": page_obj}, request=request)


def test_pagination_keeps_other_query_parameters_and_marks_the_current_page():
    html = _pagination(5, "?q=khai+sinh&field=ho-tich&page=5")

    assert '<nav class="pagination" aria-label="Phân trang">' in html
    assert '<a href="?q=khai+sinh&amp;field=ho-tich&amp;page=4" rel="prev">‹ Trang trước</a>' in html
    assert '<a href="?q=khai+sinh&amp;field=ho-tich&amp;page=6" rel="next">Trang sau ›</a>' in html
    assert (
        '<a href="?q=khai+sinh&amp;field=ho-tich&amp;page=5" aria-current="page">'
        '<span class="visually-hidden">Trang </span>5</a>'
    ) in html
    assert '<span aria-hidden="true">…</span>' in html
    assert "Đang xem 41–50 trên tổng số 95" in html


def test_pagination_first_page_has_no_previous_link():
    html = _pagination(1, "")

    assert "Trang trước" not in html
    assert '<a href="?page=2" rel="next">' in html


def test_pagination_is_hidden_for_a_single_page():
    assert _pagination(1, "?q=x", total=7).strip() == ""
