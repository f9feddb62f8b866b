"""The goods' photos: put on the shelf or changed by staff in the storeroom, each checked like a
photo of work (type read from the file, size and pixels bounded), and shown only to those who see
the item — on the page and through the API's `photo_url`."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from linli.accounts.models import Role
from linli.incentives.actions.shop import shop_item_create
from linli.incentives.models import ShopItem
from tests.conftest import signed_in
from tests.incentives.conftest import Api


def picture(width: int = 40, height: int = 30, name: str = "rice.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def shelve(staff, photo, name="大米"):
    return staff.post(
        "/incentives/shop/manage/",
        {"form": "item", "name": name, "points": 50, "stock": 2, "unit": "袋", "photo": photo},
        follow=True,
    )


def test_a_photo_is_stored_under_its_checked_type_and_shown_to_the_station(tmp_path, world, corps):
    with override_settings(MEDIA_ROOT=tmp_path):
        staff = signed_in(world.user(Role.STATION_STAFF))
        shelve(staff, picture(name="rice.jpg"))  # the name lies: the file is a PNG
        item = ShopItem.objects.get(name="大米")
        assert item.photo.name.endswith(".png")
        url = f"/incentives/shop/items/{item.pk}/photo/"
        volunteer = signed_in(world.user(Role.VOLUNTEER))
        shown = volunteer.get(url)
        assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
        assert b"".join(shown.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
        assert url in volunteer.get("/incentives/shop/").content.decode()
        assert world.outsider is not None
        assert signed_in(world.outsider).get(url).status_code == 404  # 黄池's staff
        answer = Api(world.user(Role.VOLUNTEER)).get(f"/shop/items/{item.pk}").json()
        assert answer["photo_url"] == f"/api/v1/shop/items/{item.pk}/photo"
        api = Api(world.user(Role.VOLUNTEER))
        fetched = api.client.get(answer["photo_url"], **api.headers)
        assert fetched.status_code == 200 and fetched["Content-Type"] == "image/png"
        assert Api(world.outsider).get(f"/shop/items/{item.pk}/photo").status_code == 404
        bare = shop_item_create(station=world.jiaojia, name="毛巾", points=5, stock=1, actor=None)
        assert volunteer.get(f"/incentives/shop/items/{bare.pk}/photo/").status_code == 404
        assert (
            Api(world.user(Role.VOLUNTEER)).get(f"/shop/items/{bare.pk}").json()["photo_url"] == ""
        )


def test_a_photo_too_large_too_many_pixels_or_not_a_picture_is_refused(tmp_path, world):
    with override_settings(MEDIA_ROOT=tmp_path):
        staff = signed_in(world.user(Role.STATION_STAFF))
        bomb = shelve(staff, picture(8000, 6000), name="像素过多").content.decode()
        assert "百万像素" in bomb
        text = SimpleUploadedFile("fake.png", b"not a picture", content_type="image/png")
        shelve(staff, text, name="不是图片")
        with override_settings(REQUEST_PHOTO_MAX_BYTES=64):
            heavy = shelve(staff, picture(200, 200), name="太大").content.decode()
            assert "照片不能超过" in heavy
        assert not ShopItem.objects.exists()
        assert not list(tmp_path.rglob("*.png"))


def test_staff_change_an_items_price_shelf_and_photo(tmp_path, world, corps):
    with override_settings(MEDIA_ROOT=tmp_path):
        item = shop_item_create(
            station=world.jiaojia, name="食用油", points=80, stock=3, actor=None
        )
        staff = signed_in(world.user(Role.STATION_STAFF))
        changed = staff.post(
            "/incentives/shop/manage/",
            {"form": "edit", "item": item.pk, "points": 60, "photo": picture(name="oil.png")},
            follow=True,
        )
        assert "物品已修改" in changed.content.decode()
        item.refresh_from_db()
        assert (item.points, item.active, item.photo.name.endswith(".png")) == (60, False, True)
        refused = staff.post(
            "/incentives/shop/manage/",
            {"form": "edit", "item": item.pk, "points": 0, "active": "on"},
            follow=True,
        )
        assert refused.status_code == 200
        item.refresh_from_db()
        assert item.points == 60
        volunteer = signed_in(world.user(Role.VOLUNTEER))
        assert (
            volunteer.post(
                "/incentives/shop/manage/", {"form": "edit", "item": item.pk, "points": 1}
            ).status_code
            == 403
        )
