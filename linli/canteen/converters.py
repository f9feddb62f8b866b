"""A row id in a page's path: digits that fit a 64-bit key (18 at most), so a longer number is a
404 rather than a database overflow."""


class RowId:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
