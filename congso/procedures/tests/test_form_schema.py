"""The application form defined as data: schema checks, the built form, and server-side cleaning."""

import contextlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from congso.procedures.form_schema import build_form, clean_submission, validate_schema
from congso.procedures.tests.factories import catalog_record

SCHEMA = catalog_record()["form_schema"]
VALID = {
    "child_full_name": "Nguyễn Thị An",
    "child_birth_date": "2026-03-01",
    "child_sex": "nu",
    "mother_personal_id": "079 190 012345",
    "phone": "+84 912.345.678",
    "copies": "2",
    "agree": "on",
}


def _messages(schema) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_schema(schema)
    return caught.value.messages


class TestValidateSchema:
    def test_accepts_every_field_type(self):
        schema = [
            {"name": "a", "label": "A", "type": "text", "max_length": 5, "required": True, "help": "Gợi ý"},
            {"name": "b", "label": "B", "type": "textarea"},
            {"name": "c", "label": "C", "type": "integer", "min": 0, "max": 3},
            {"name": "d", "label": "D", "type": "decimal", "min": "0.5", "max": 10.5},
            {"name": "e", "label": "E", "type": "date"},
            {"name": "f", "label": "F", "type": "email"},
            {"name": "g", "label": "G", "type": "phone"},
            {"name": "h", "label": "H", "type": "select", "choices": [["x", "X"]]},
            {"name": "i", "label": "I", "type": "radio", "choices": [["x", "X"], ["y", "Y"]]},
            {"name": "j", "label": "J", "type": "checkbox"},
            {"name": "k", "label": "K", "type": "personal_id"},
        ]

        assert validate_schema(schema) is None

    def test_not_a_list(self):
        assert _messages({"name": "a"}) == ["Mẫu đơn phải là một danh sách các trường."]

    def test_reports_every_problem_in_vietnamese(self):
        schema = [
            {"name": "Ho Ten", "label": "Họ tên", "type": "text"},
            {"name": "a", "label": "A", "type": "slider"},
            {"name": "b", "label": "B", "type": "integer", "min": 5, "max": 1},
            {"name": "c", "label": "C", "type": "select"},
            {"name": "d", "label": "", "type": "text", "required": "yes"},
            {"name": "d", "label": "D", "type": "date", "max_length": 3},
        ]

        assert _messages(schema) == [
            "Trường thứ 1: tên “Ho Ten” không hợp lệ (chỉ gồm chữ thường không dấu, chữ số, dấu gạch dưới, "
            "bắt đầu bằng chữ cái, tối đa 50 ký tự).",
            "Trường “a”: kiểu “slider” không được hỗ trợ; chỉ dùng: checkbox, date, decimal, email, integer, "
            "personal_id, phone, radio, select, text, textarea.",
            "Trường “b”: giá trị tối thiểu lớn hơn giá trị tối đa.",
            "Trường “c”: cần có danh sách lựa chọn.",
            "Trường “d”: cần có nhãn (tối đa 300 ký tự).",
            "Trường “d”: “required” phải là true hoặc false.",
            "Trường “d” bị trùng tên.",
            "Trường “d”: thuộc tính không dùng được với kiểu “date”: max_length.",
        ]

    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            (
                {"name": "c", "label": "C", "type": "radio", "choices": [["x", "X"], ["x", "Y"]]},
                "Trường “c”: lựa chọn “x” bị trùng.",
            ),
            (
                {"name": "c", "label": "C", "type": "select", "choices": [["x"]]},
                "Trường “c”: mỗi lựa chọn phải là một cặp [giá trị, nhãn] không rỗng.",
            ),
            ({"name": "n", "label": "N", "type": "integer", "min": 1.5}, "Trường “n”: “min” phải là một số nguyên."),
            ({"name": "n", "label": "N", "type": "decimal", "max": "abc"}, "Trường “n”: “max” phải là một số hợp lệ."),
            (
                {"name": "t", "label": "T", "type": "text", "max_length": 0},
                "Trường “t”: độ dài tối đa phải là số nguyên từ 1 đến 10000.",
            ),
            (
                {"name": "csrfmiddlewaretoken", "label": "T", "type": "text"},
                "Trường thứ 1: tên “csrfmiddlewaretoken” không hợp lệ (chỉ gồm chữ thường không dấu, chữ số, "
                "dấu gạch dưới, bắt đầu bằng chữ cái, tối đa 50 ký tự).",
            ),
        ],
    )
    def test_single_problem(self, spec, message):
        assert _messages([spec]) == [message]


class TestBuildForm:
    def test_widgets_follow_the_types(self):
        form = build_form(SCHEMA)

        assert list(form.fields) == [spec["name"] for spec in SCHEMA]
        assert form.fields["child_full_name"].max_length == 100
        assert form.fields["child_full_name"].required is True
        assert form.fields["child_full_name"].label == "Họ, chữ đệm, tên của trẻ"
        assert form.fields["child_birth_date"].widget.input_type == "date"
        assert isinstance(form.fields["child_sex"].widget, forms.RadioSelect)
        assert form.fields["phone"].widget.input_type == "tel"
        assert form.fields["phone"].required is False
        assert form.fields["copies"].min_value == 0
        assert form.fields["copies"].max_value == 10
        assert isinstance(form.fields["agree"], forms.BooleanField)
        assert form.is_bound is False

    def test_select_offers_an_empty_choice_first(self):
        form = build_form([{"name": "s", "label": "S", "type": "select", "choices": [["a", "A"]]}])

        assert form.fields["s"].choices == [("", "— Chọn —"), ("a", "A")]

    def test_bound_form_reports_vietnamese_errors(self):
        form = build_form(SCHEMA, data={"child_full_name": "", "copies": "11", "mother_personal_id": "123"})

        assert form.is_valid() is False
        assert form.errors["child_full_name"] == ["Vui lòng nhập “Họ, chữ đệm, tên của trẻ”."]
        assert form.errors["child_sex"] == ["Vui lòng chọn “Giới tính”."]
        assert form.errors["agree"] == ["Vui lòng đánh dấu “Tôi cam đoan nội dung khai là đúng”."]
        assert form.errors["copies"] == ["Giá trị phải nhỏ hơn hoặc bằng 10."]
        assert form.errors["mother_personal_id"] == ["Số định danh cá nhân phải gồm đúng 12 chữ số."]

    def test_invalid_schema_is_refused(self):
        with pytest.raises(ValidationError):
            build_form([{"name": "x", "type": "nope", "label": "X"}])


class TestCleanSubmission:
    def test_returns_json_values(self):
        assert clean_submission(SCHEMA, VALID) == {
            "child_full_name": "Nguyễn Thị An",
            "child_birth_date": "2026-03-01",
            "child_sex": "nu",
            "mother_personal_id": "079190012345",
            "phone": "0912345678",
            "copies": 2,
            "agree": True,
        }

    def test_accepts_json_types_and_empty_optional_values(self):
        data = {**VALID, "copies": None, "phone": None, "agree": True, "child_birth_date": "01/03/2026"}

        cleaned = clean_submission(SCHEMA, data)

        assert cleaned["copies"] is None
        assert cleaned["phone"] == ""
        assert cleaned["agree"] is True
        assert cleaned["child_birth_date"] == "2026-03-01"

    def test_decimal_is_a_plain_string(self):
        schema = [{"name": "area", "label": "Diện tích", "type": "decimal", "min": 0}]

        assert clean_submission(schema, {"area": "1e2"}) == {"area": "100"}
        assert clean_submission(schema, {"area": 12.5}) == {"area": "12.5"}

    def test_errors_per_field(self):
        data = {**VALID, "child_birth_date": "31/02/2026", "child_sex": "khac", "agree": False, "copies": [1]}

        with pytest.raises(ValidationError) as caught:
            clean_submission(SCHEMA, data)

        assert caught.value.message_dict == {
            "child_birth_date": ["Ngày không hợp lệ."],
            "child_sex": ["Lựa chọn không hợp lệ."],
            "agree": ["Vui lòng đánh dấu “Tôi cam đoan nội dung khai là đúng”."],
            "copies": ["Giá trị không hợp lệ."],
        }

    def test_unknown_keys_are_ignored(self):
        assert clean_submission(SCHEMA, {**VALID, "is_admin": True}) == clean_submission(SCHEMA, VALID)

    def test_data_must_be_an_object(self):
        with pytest.raises(ValidationError) as caught:
            clean_submission(SCHEMA, ["a"])

        assert caught.value.messages == ["Dữ liệu tờ khai phải là một đối tượng gồm các cặp tên trường và giá trị."]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=10,
)
FIELD_NAMES = st.sampled_from([spec["name"] for spec in SCHEMA] + ["other"])


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(FIELD_NAMES, JSON, max_size=8))
def test_clean_submission_raises_only_validation_error_on_any_values(data):
    try:
        cleaned = clean_submission(SCHEMA, data)
    except ValidationError:
        return
    assert set(cleaned) == {spec["name"] for spec in SCHEMA}


@settings(max_examples=200, deadline=None)
@given(schema=JSON, data=JSON)
def test_clean_submission_raises_only_validation_error_on_any_schema(schema, data):
    with contextlib.suppress(ValidationError):
        clean_submission(schema, data)


SPEC = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["a", "b", "c"]),
        "label": st.text(max_size=5),
        "type": st.sampled_from(["text", "integer", "decimal", "date", "select", "checkbox", "phone", "x"]),
    },
    optional={
        "required": st.booleans() | st.none(),
        "max_length": st.integers(-2, 20) | st.text(max_size=2),
        "min": JSON,
        "max": JSON,
        "choices": JSON,
    },
)


@settings(max_examples=200, deadline=None)
@given(schema=st.lists(SPEC, max_size=4), data=st.dictionaries(st.sampled_from(["a", "b", "c"]), JSON))
def test_clean_submission_raises_only_validation_error_on_near_valid_schemas(schema, data):
    with contextlib.suppress(ValidationError):
        clean_submission(schema, data)
