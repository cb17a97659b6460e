"""Synthetic open data for the tabular-store benchmark: household businesses (hộ kinh doanh) of Ho Chi Minh City.

    python -m bench.opendata_data --rows 1000000 --out /tmp/ho-kinh-doanh.csv

Deterministic (a fixed seed): the same rows for the same ``--rows``, about 105 bytes a row in UTF-8, so a
million rows make a CSV of about 100 MB. Ten columns, of the store's types:

| column | type | values |
| --- | --- | --- |
| Mã hộ kinh doanh | text | ``41H8000001``… (unique, leading zero-like codes stay text) |
| Chủ hộ | text | Vietnamese full names |
| Ngành nghề | text | 30 trades |
| Quận/huyện | text | the 22 former districts and Thủ Đức (filter) |
| Phường/xã | text | ``Phường 1``… or named wards |
| Vốn đăng ký | int | VND, 10 million to 5 billion |
| Số lao động | int | 1 to 30 |
| Diện tích (m²) | numeric | 5.0 to 400.0 |
| Ngày cấp | date | DD/MM/YYYY, 2000 to 2025 (sort) |
| Đang hoạt động | bool | true / false |
"""

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

SEED = 20261122
HEADER = [
    "Mã hộ kinh doanh",
    "Chủ hộ",
    "Ngành nghề",
    "Quận/huyện",
    "Phường/xã",
    "Vốn đăng ký",
    "Số lao động",
    "Diện tích (m²)",
    "Ngày cấp",
    "Đang hoạt động",
]
DISTRICTS = [
    *(f"Quận {n}" for n in (1, 3, 4, 5, 6, 7, 8, 10, 11, 12)),
    "Bình Thạnh",
    "Gò Vấp",
    "Phú Nhuận",
    "Tân Bình",
    "Tân Phú",
    "Bình Tân",
    "Thủ Đức",
    "Bình Chánh",
    "Hóc Môn",
    "Củ Chi",
    "Nhà Bè",
    "Cần Giờ",
]
NAMED_WARDS = ["Bến Nghé", "Bến Thành", "Đa Kao", "Tân Định", "Cầu Kho", "An Lợi Đông", "Thảo Điền", "Hiệp Bình"]
TRADES = [
    "Bán lẻ thực phẩm",
    "Ăn uống",
    "Cà phê, giải khát",
    "Sửa chữa xe máy",
    "Tạp hóa",
    "May mặc",
    "Cắt tóc, gội đầu",
    "Bán lẻ điện thoại",
    "Vật liệu xây dựng",
    "Dược phẩm",
    "Văn phòng phẩm",
    "In ấn, photocopy",
    "Giặt ủi",
    "Bán lẻ trái cây",
    "Bánh mì",
    "Phở, bún",
    "Điện gia dụng",
    "Nhà trọ",
    "Rửa xe",
    "Hoa tươi",
    "Đồ gỗ",
    "Kim khí",
    "Gas, bếp",
    "Thủy hải sản",
    "Chăm sóc sắc đẹp",
    "Giày dép",
    "Đồ chơi trẻ em",
    "Sách báo",
    "Nông sản",
    "Vận tải hàng hóa",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Đức", "Kim"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc", "Quân", "Tâm", "Vy"]
FIRST_DAY = date(2000, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days


def rows(count: int):
    """The data rows as CSV text lines (trades with a comma are quoted)."""
    rng = random.Random(SEED)
    wards = [f"Phường {n}" for n in range(1, 16)] + [f"Phường {name}" for name in NAMED_WARDS]
    trades = [f'"{trade}"' if "," in trade else trade for trade in TRADES]
    for n in range(1, count + 1):
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        yield (
            f"41H8{n:06d},{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)},{rng.choice(trades)},"
            f"{rng.choice(DISTRICTS)},{rng.choice(wards)},{rng.randrange(10, 5000) * 1_000_000},"
            f"{rng.randint(1, 30)},{rng.randrange(50, 4000) / 10},{day:%d/%m/%Y},"
            f"{'true' if rng.random() < 0.85 else 'false'}\n"
        )


def write(path: Path, count: int) -> int:
    """Write the CSV (UTF-8, no BOM) unless a complete one of the same row count is there; returns its size."""
    marker = path.with_suffix(".rows")
    if path.exists() and marker.exists() and marker.read_text() == str(count):
        return path.stat().st_size
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(HEADER) + "\n")
        batch = []
        for line in rows(count):
            batch.append(line)
            if len(batch) == 10_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
    marker.write_text(str(count))
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    size = write(args.out, args.rows)
    print(f"{args.out}: {args.rows} rows, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
