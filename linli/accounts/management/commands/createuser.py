from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from linli.accounts import actions
from linli.accounts.models import Role, User
from linli.core.errors import DomainError
from linli.core.phone import normalize_phone
from linli.org.models import Station


class Command(BaseCommand):
    help = "创建账户并授予角色；账户已存在时只授予角色（不改密码）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--phone", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--station", help="站点编码，如 JIAOJIA（admin 不需要）")
        parser.add_argument("--name", default="")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        station = None
        if options["station"]:
            station = Station.objects.filter(code=options["station"]).first()
            if station is None:
                raise CommandError(f"没有编码为 {options['station']} 的站点。")
        phone = normalize_phone(options["phone"])
        try:
            user = User.objects.filter(phone=phone).first()
            if user is None:
                user = actions.user_create(
                    phone=phone, password=options["password"], name=options["name"], actor=None
                )
                self.stdout.write(f"已创建账户 {user.phone}。")
            else:
                self.stdout.write(f"账户 {user.phone} 已存在，密码未改动。")
            actions.role_grant(user=user, role=options["role"], station=station, actor=None)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        except DomainError as error:
            raise CommandError(error.message) from error
        where = station.code if station else "全部站点"
        self.stdout.write(f"已授予角色 {options['role']} @ {where}。")
