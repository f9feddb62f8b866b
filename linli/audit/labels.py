"""The audit log in words: what each action code means (登录成功, 确认服务时长 …) and its
before/after values as a person reads them ("状态：待审核 → 已派单").

The codes stay what the rows store and what the export gives; pages show only these words. A
code with no entry here still reads as its subject ("点单：其他操作"), never as the code itself;
a test checks that every code the actions write has its entry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.models import Role
from linli.activities.models import ActivityStatus
from linli.assistance.models import Channel, RequestStatus, Urgency
from linli.canteen.models import DeliveryStatus, OrderStatus
from linli.daycare.models import MemberStatus
from linli.teams.models import TeamMembership
from linli.volunteers.models import Volunteer

L = gettext_lazy

ACTIONS: dict[str, Promise] = {
    "login.success": L("登录成功"),
    "login.failed": L("登录失败"),
    "login.locked": L("登录失败次数过多，账户暂时锁定"),
    "login.otp_ok": L("两步验证通过"),
    "login.otp_failed": L("两步验证码错误"),
    "logout": L("退出登录"),
    "password.change": L("修改密码"),
    "user.create": L("创建账户"),
    "role.grant": L("授予角色"),
    "role.revoke": L("撤销角色"),
    "token.create": L("创建接口令牌"),
    "token.revoke": L("注销接口令牌"),
    "keys.rotate": L("更换加密密钥"),
    "audit.prune": L("清理过期审计日志"),
    "station.create": L("创建站点"),
    "resident.create": L("登记居民"),
    "resident.update": L("修改居民信息"),
    "resident.bulk_create": L("批量登记居民"),
    "resident.reveal": L("查看居民完整身份信息"),
    "resident.export": L("导出居民名册"),
    "resident.import": L("导入居民名册"),
    "resident.import_upload": L("上传居民名册"),
    "resident.card_reissue": L("补办居民卡"),
    "consent.record": L("记录个人信息同意"),
    "consent.withdraw": L("撤回个人信息同意"),
    "volunteer.register": L("志愿者注册"),
    "volunteer.update": L("修改志愿者信息"),
    "volunteer.import": L("导入志愿者"),
    "volunteer.import_upload": L("上传志愿者名册"),
    "volunteer.export": L("导出志愿者名册"),
    "volunteer.export_national": L("导出全国志愿服务信息系统格式"),
    "volunteer.data_export": L("导出本人数据"),
    "volunteer.award_add": L("记录志愿者嘉许"),
    "volunteer.evaluation_add": L("记录志愿者评价"),
    "course.create": L("创建培训课程"),
    "training.session_create": L("安排培训"),
    "training.attendance": L("记录培训出勤"),
    "team.create": L("创建志愿服务队"),
    "team.update": L("修改志愿服务队"),
    "team.require_course": L("设置入队培训要求"),
    "team.unrequire_course": L("取消入队培训要求"),
    "team.member_request": L("申请入队"),
    "team.member_approve": L("同意入队"),
    "team.member_decline": L("不同意入队"),
    "team.member_add": L("将志愿者加入队伍"),
    "team.member_remove": L("将志愿者移出队伍"),
    "team.leader_set": L("任命队长"),
    "team.leader_unset": L("卸任队长"),
    "activity.create": L("创建活动"),
    "activity.update": L("修改活动"),
    "signup.create": L("活动报名"),
    "signup.cancel": L("取消报名"),
    "attendance.checkin": L("活动签到"),
    "attendance.checkout": L("活动签退"),
    "attendance.hours": L("修改服务时长"),
    "claim.create": L("补报服务时长"),
    "claim.decide": L("审核补报时长"),
    "ledger.reverse": L("冲销服务记录"),
    "ledger.correction_request": L("申请更正服务记录"),
    "ledger.correction_decide": L("处理更正申请"),
    "ledger.export_national": L("导出服务时长（全国系统格式）"),
    "certificate.issue": L("出具志愿服务证明"),
    "menu_category.save": L("保存服务清单类别"),
    "menu_item.save": L("保存服务项目"),
    "service_request.submitted": L("群众点单"),
    "service_request.hours_confirmed": L("确认服务时长"),
    "service_request.photos_added": L("上传服务照片"),
    "service_request.follow_up_closed": L("完成回访"),
    "notifications.channel_create": L("添加通知渠道"),
    "notifications.channel_update": L("修改通知渠道"),
    "notifications.channel_delete": L("删除通知渠道"),
    "notifications.channel_test": L("测试通知渠道"),
    "canteen.menu_created": L("创建食堂菜单"),
    "canteen.menu_changed": L("修改食堂菜单"),
    "canteen.menus_copied": L("复制食堂菜单"),
    "canteen.tier_created": L("设置助餐补贴档次"),
    "canteen.tier_ended": L("停用助餐补贴档次"),
    "canteen.funder_created": L("添加补贴出资方"),
    "canteen.funder_changed": L("修改补贴出资方"),
    "canteen.settlement_closed": L("食堂月度结算"),
    "canteen.settlement_adjusted": L("调整食堂结算"),
    "canteen.order_cancelled": L("取消订餐"),
    "centre.create": L("创建日间照料中心"),
    "centre_staff.add": L("添加照料中心工作人员"),
    "centre_staff.remove": L("移除照料中心工作人员"),
    "care_plan.create": L("制定照料计划"),
    "care_session.record": L("记录照料服务"),
    "daycare_attendance.in": L("照料中心签到"),
    "daycare_attendance.out": L("照料中心签退"),
    "daycare_member.apply": L("申请日间照料"),
    "daycare_member.assess": L("日间照料评估"),
    "daycare_member.agree": L("签订照料协议"),
    "daycare_member.decline": L("不接收入托"),
    "daycare_member.leave": L("离托"),
    "daycare_member.admit": L("接收入托"),
    "elder_profile.update": L("修改老人档案"),
    "elder_profile.sync": L("同步老人档案"),
    "elder_visit.log": L("记录走访"),
    "elder_visit.follow_up": L("走访跟进"),
    "elder_visit.overdue_alert": L("走访超期提醒"),
    "elders.overdue": L("走访超期提醒"),
    "health_record.create": L("记录健康数据"),
    "health_record.read": L("查看健康记录"),
    "health_threshold.set": L("设置健康指标范围"),
    "health.alert": L("健康指标提醒"),
    "health_check.slots": L("安排体检时段"),
    "health_check.book": L("预约体检"),
    "health_check.unbook": L("取消体检预约"),
    "equipment.add": L("登记辅具"),
    "equipment.lend": L("借出辅具"),
    "equipment.return": L("归还辅具"),
    "equipment.retire": L("报废辅具"),
    "login.locked_second_factor": L("账户锁定中凭密码和验证码登录"),
    "login.unlock": L("解除登录锁定"),
    "password.reset_code": L("发送找回密码验证码"),
    "password.reset": L("凭验证码重设密码"),
    "password.temporary": L("设置临时密码"),
    "resident.link_account": L("关联居民账户"),
    "resident.unlink_account": L("解除居民账户关联"),
    "resident.sign_up_held": L("居民注册：号码已有账号"),
    "volunteer.register_held": L("志愿者注册待核实"),
    "station.rename": L("修改站点名称"),
    "station.move": L("调整上级站点"),
    "station.close": L("撤销站点"),
    "station.reopen": L("恢复站点"),
    "station.delegation": L("设置下级站点管理委托"),
    "estate.save": L("保存小区"),
    "building.save": L("保存楼栋"),
    "grid.save": L("保存网格"),
    "menu.copy": L("复制服务清单"),
    "service_request.classified": L("点单归类"),
    "troupe.event_create": L("安排分队排练或演出"),
    "partner.create": L("登记共建单位"),
    "partner.contact_add": L("添加共建单位联系人"),
    "partner.activity_add": L("记录共建活动"),
    "partner.volunteer_add": L("记录共建单位志愿者"),
    "partner.volunteer_remove": L("取消共建单位志愿者关联"),
    "report.request": L("生成工作报告"),
    "points.rules": L("设置积分规则"),
    "points.adjust": L("调整积分"),
    "points.recruitment": L("记录推荐新志愿者"),
    "shop.item_create": L("爱心超市上架物品"),
    "shop.item_update": L("修改爱心超市物品"),
    "shop.stock_move": L("爱心超市出入库"),
    "shop.stock_take": L("爱心超市盘点"),
    "shop.redeem": L("积分兑换预约"),
    "shop.hand_over": L("兑换物品领取"),
    "shop.cancel": L("取消积分兑换"),
    "honour.create": L("设立荣誉"),
    "honour.nominate": L("荣誉提名"),
    "honour.review": L("审核荣誉提名"),
    "honour.publicize": L("荣誉公示"),
    "honour.award": L("授予荣誉"),
    "timebank.deposit": L("时间银行存入"),
    "timebank.transfer": L("时间银行转赠"),
    "timebank.donate": L("时间银行捐赠"),
    "timebank.pay": L("时间银行支付"),
    "timebank.pool_pay": L("公益池支付"),
    "study_room.create": L("创建午间微学堂"),
    "study_room.update": L("修改午间微学堂时间设置"),
    "pupil.enrol": L("微学堂报名"),
    "pupil.leave": L("微学堂退学"),
    "pupil.anonymise": L("清除离校学生个人信息"),
    "pupil.guardian_add": L("添加接送人"),
    "pupil.guardian_remove": L("移除接送人"),
    "pupil.health_read": L("查看学生健康信息"),
    "pupil.health_update": L("修改学生健康信息"),
    "study_stay.in": L("微学堂签到"),
    "study_stay.out": L("微学堂接走"),
    "study_stay.refused": L("拒绝非接送人接走"),
    "study_stay.still_in_alert": L("学生未被接走提醒"),
    "studyroom.pickup_refused": L("拒绝非接送人接走"),
    "studyroom.still_in": L("学生未被接走提醒"),
    "study_shift.add": L("安排微学堂值班"),
    "study_shift.remove": L("取消微学堂值班"),
    "study_shift.confirm": L("确认微学堂值班"),
    "study_class.create": L("开设兴趣班"),
    "study_class.enrol": L("报名兴趣班"),
    "study_class.leave": L("退出兴趣班"),
    "study_class.attendance": L("记录兴趣班出勤"),
}

# Codes made of a subject and a state the action moved it to (`service_request.dispatched`).
SUBJECTS: dict[str, Promise] = {
    "service_request": L("点单"),
    "activity": L("活动"),
    "volunteer": L("志愿者"),
    "meal_order": L("订餐"),
    "meal_delivery": L("送餐"),
    "daycare_member": L("日间照料"),
    "daycare_attendance": L("照料中心考勤"),
    "team": L("志愿服务队"),
    "resident": L("居民"),
    "ledger": L("服务记录"),
    "canteen": L("食堂"),
    "login": L("登录"),
}
STATES: dict[str, type[models.TextChoices]] = {
    "service_request": RequestStatus,
    "activity": ActivityStatus,
    "volunteer": Volunteer.Status,
    "meal_order": OrderStatus,
    "meal_delivery": DeliveryStatus,
    "daycare_member": MemberStatus,
    "team": TeamMembership.Status,
}
# What arriving in a state is called, where the state's own name reads poorly as a verb.
MOVES: dict[str, Promise] = {
    "service_request.dispatched": L("派单"),
    "service_request.accepted": L("接单"),
    "service_request.in_service": L("开始服务"),
    "service_request.completed": L("服务完成"),
    "service_request.rated": L("评价"),
    "service_request.rejected": L("不予受理"),
    "service_request.cancelled": L("取消点单"),
    "activity.published": L("发布活动"),
    "activity.ongoing": L("开始活动"),
    "activity.closed": L("结束活动"),
    "activity.verified": L("核定服务时长"),
    "activity.cancelled": L("取消活动"),
    "volunteer.active": L("志愿者审核通过"),
    "volunteer.rejected": L("志愿者审核未通过"),
    "volunteer.suspended": L("暂停志愿者"),
    "volunteer.left": L("志愿者退出"),
}

FIELDS: dict[str, Promise] = {
    "status": L("状态"),
    "note": L("说明"),
    "reason": L("原因"),
    "name": L("姓名/名称"),
    "phone": L("手机号"),
    "role": L("角色"),
    "role_granted": L("授予角色"),
    "station": L("站点"),
    "channel": L("渠道"),
    "device": L("验证方式"),
    "tokens_revoked": L("注销的令牌数"),
    "hours": L("时长"),
    "total_hours": L("总时长"),
    "amount": L("数量"),
    "count": L("条数"),
    "volunteer": L("志愿者"),
    "resident": L("居民"),
    "user": L("账户"),
    "team": L("队伍"),
    "course": L("课程"),
    "title": L("名称"),
    "place": L("地点"),
    "capacity": L("人数"),
    "category": L("类别"),
    "categories": L("类别"),
    "urgency": L("紧急程度"),
    "mode": L("方式"),
    "method": L("方式"),
    "kind": L("类型"),
    "at": L("时间"),
    "day": L("日期"),
    "month": L("月份"),
    "week": L("周"),
    "period": L("期间"),
    "until": L("截止"),
    "expires_at": L("到期时间"),
    "due_on": L("期限"),
    "held_on": L("日期"),
    "returned_on": L("归还日期"),
    "review_on": L("复查日期"),
    "awarded_on": L("授予日期"),
    "evaluated_on": L("评价日期"),
    "award": L("嘉许"),
    "evaluation": L("评价"),
    "given_by": L("授予单位"),
    "granted_by": L("授予人"),
    "organizer": L("组织单位"),
    "fields": L("修改的项目"),
    "file": L("文件"),
    "filters": L("筛选条件"),
    "scope": L("范围"),
    "scopes": L("范围"),
    "unmasked": L("显示完整信息"),
    "unmasked_rows": L("完整显示的行数"),
    "created": L("新建"),
    "updated": L("更新"),
    "deleted": L("删除"),
    "households_created": L("新建户数"),
    "approve": L("同意"),
    "approved": L("同意"),
    "accepted": L("接受"),
    "active": L("启用"),
    "locked": L("锁定"),
    "present": L("出勤"),
    "price": L("价格"),
    "subsidy": L("补贴"),
    "payable": L("自付"),
    "meals": L("餐数"),
    "dishes": L("菜品"),
    "tier": L("档次"),
    "fee_tier": L("收费档次"),
    "care_level": L("照护等级"),
    "funder": L("出资方"),
    "slot": L("时段"),
    "slots": L("时段"),
    "minutes": L("分钟"),
    "metric": L("指标"),
    "low": L("下限"),
    "high": L("上限"),
    "min_age": L("最小年龄"),
    "max_age": L("最大年龄"),
    "alert": L("提醒"),
    "result": L("结果"),
    "code": L("编码"),
    "label": L("名称"),
    "prefix": L("前缀"),
    "parent": L("上级"),
    "card_serial": L("卡号"),
    "consent_version": L("同意书版本"),
    "claim": L("补报"),
    "entry": L("服务记录"),
    "entries": L("服务记录"),
    "corrects": L("更正"),
    "reverses": L("冲销"),
    "replaces": L("替换"),
    "follow_up": L("回访"),
    "followup": L("回访"),
    "service_request": L("点单"),
    "membership": L("成员"),
    "person": L("人员"),
    "equipment": L("辅具"),
    "health_records": L("健康记录"),
    "records": L("记录"),
    "profiles": L("档案"),
    "residents": L("居民"),
    "teams": L("队伍"),
    "sections": L("栏目"),
    "tag": L("标签"),
    "full_requested": L("申请完整信息"),
    "promoted": L("递补"),
    "retention_days": L("保留天数"),
    "cutoff": L("截止"),
    "response_hours": L("响应时限（小时）"),
    "token": L("令牌"),
    "from": L("来自"),
}

# Values any field may hold, beyond the states of the action's own subject.
VALUES: dict[str, dict[str, Any]] = {
    "role": dict(Role.choices),
    "role_granted": dict(Role.choices),
    "urgency": dict(Urgency.choices),
    "channel": {**dict(Channel.choices), "api": L("接口"), "password": L("密码")},
}


def action_label(code: str) -> str:
    """What the code means, in the reader's language; never the code itself."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    if code in MOVES:
        return str(MOVES[code])
    subject, _dot, verb = code.partition(".")
    states = STATES.get(subject)
    if states is not None and verb in states.values:
        return pair(str(SUBJECTS[subject]), str(states(verb).label))
    if subject in SUBJECTS:
        return _("%(subject)s：其他操作") % {"subject": SUBJECTS[subject]}
    return _("其他操作")


def _value(field: str, value: Any, subject: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(_value(field, item, subject) for item in value) or "—"
    if isinstance(value, dict):
        return "；".join(
            pair(field_label(key), _value(key, item, subject)) for key, item in value.items()
        )
    text = str(value)
    if field == "status" and subject in STATES and text in STATES[subject].values:
        return str(STATES[subject](text).label)
    if field in VALUES and text in VALUES[field]:
        return str(VALUES[field][text])
    if isinstance(value, str) and len(text) >= 19 and text[4] == "-" and "T" in text:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and text.replace(".", "", 1).isdigit() and "." in text:
        try:
            return format(Decimal(text).normalize(), "f")
        except InvalidOperation:
            return text
    return text


def pair(label: str, value: str) -> str:
    return _("%(field)s：%(value)s") % {"field": label, "value": value}


def field_label(field: str) -> str:
    return str(FIELDS.get(field, field))


def changes(code: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """One line per field: "状态：待审核 → 已派单", or "原因：不属于服务范围" for a field that
    only has an after (or only a before) value."""
    subject = code.partition(".")[0]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    lines = []
    for field in [*before, *(key for key in after if key not in before)]:
        label = field_label(field)
        if field in before and field in after:
            old, new = _value(field, before[field], subject), _value(field, after[field], subject)
            lines.append(pair(label, f"{old} → {new}" if old != new else new))
        elif field in after:
            lines.append(pair(label, _value(field, after[field], subject)))
        else:
            lines.append(
                _("%(field)s：%(value)s（已删除）")
                % {"field": label, "value": _value(field, before[field], subject)}
            )
    return lines
