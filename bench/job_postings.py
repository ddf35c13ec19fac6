"""The jobs benchmark's catalog: a few made-up companies in Haiyan, each an
employer account of its own, and postings for the jobs its workers do, in a
realistic mix (titles, skills, pay counted per order, piece, hour, day or
month, shifts), placed at random over the county.

Credit codes are registered in Haiyan (330424), their body "YLBM" and a
sequence number, with GB 32100's check character computed: well formed, and
not the form of the codes actually issued, so they are no real company's.
No text asks a worker for money (services.jobs.rules.fee_words_in): a
posting held for staff review would not be searched.
"""
from datetime import datetime, timedelta, timezone

from bench.county import random_point
from services.jobs.rules import fee_words_in
from shared.credit_codes import credit_check_character
from shared.domain import DISTRICTS

PHONE = "1370000{:04d}"  # the employers' accounts: no test or demo uses 137
CLOSES_IN_DAYS = (30, 170)


def job(title, occupations, skills, shifts, pay, text):
    """One kind of job: pay is (unit, typical min fen, typical max fen, settlements)."""
    return {"title": title, "occupations": occupations, "skills": skills, "shifts": shifts,
            "pay": pay, "text": text}


COMPANIES = (
    ("海盐驿路物流压测有限公司", "沈建明", (
        job("快递员", ["courier"], ["ebike", "smartphone"], ["full_time"],
            ("piece", 100, 150, ["monthly"]), "负责片区快递派送和揽收,公司提供三轮电动车,免费充电。"),
        job("快递派件员", ["courier"], ["ebike", "smartphone"], ["full_time", "part_time"],
            ("piece", 110, 160, ["monthly", "weekly"]), "镇区及周边村派件,中午可在驿站休息。"),
        job("分拣员", ["courier", "other"], ["sorting"], ["full_time", "gig"],
            ("hour", 2200, 3000, ["monthly", "daily"]), "转运中心包裹分拣,夜班另有补贴,提供夜宵。"),
        job("仓库管理员", ["other"], ["warehouse", "smartphone"], ["full_time"],
            ("month", 500000, 650000, ["monthly"]), "负责收货、盘点和出库单据,会用电脑和扫码枪。"),
        job("叉车工", ["truck_driver", "other"], ["forklift", "loading"], ["full_time"],
            ("month", 600000, 800000, ["monthly"]), "仓库内装卸货,持有效叉车证,做六休一。"),
        job("货车司机", ["truck_driver"], ["driving_b2", "loading"], ["full_time"],
            ("month", 700000, 900000, ["monthly"]), "县内门店配送,固定线路,不跑长途,油费由公司承担。"),
        job("装卸工", ["other", "courier"], ["loading"], ["gig"],
            ("day", 16000, 22000, ["daily"]), "分拨点装卸货,每天8小时,提供午饭,当天结清。"),
        job("打包工", ["other"], [], ["full_time", "part_time"],
            ("piece", 20, 40, ["weekly", "monthly"]), "电商仓库商品打包贴单,熟练后一天约五百件。"),
    )),
    ("海盐驿路配送压测服务有限公司", "朱晓峰", (
        job("外卖骑手", ["food_delivery"], ["ebike", "smartphone"], ["full_time", "part_time"],
            ("order", 600, 900, ["monthly", "weekly"]), "城区外卖配送,雨雪天气另有补贴,提供头盔和雨衣。"),
        job("送餐员", ["food_delivery"], ["ebike"], ["part_time", "gig"],
            ("order", 550, 800, ["weekly", "daily"]), "午晚高峰送餐,时间自由,适合错峰增收。"),
        job("跑腿配送员", ["food_delivery", "courier"], ["ebike", "smartphone"], ["gig"],
            ("order", 700, 1200, ["daily"]), "同城帮买帮送,距离远的单另加补贴。"),
        job("网约车司机", ["ride_hailing"], ["driving_c1", "smartphone"],
            ["full_time", "part_time"], ("hour", 3000, 4500, ["weekly"]),
            "驾驶公司新能源车接单,车辆保险由公司承担,每周结算。"),
        job("代驾司机", ["ride_hailing"], ["driving_c1", "smartphone"], ["part_time", "gig"],
            ("order", 3000, 6000, ["daily"]), "晚间代驾,三年以上驾龄,平台派单。"),
        job("闪送员", ["courier", "food_delivery"], ["ebike", "smartphone"], ["gig"],
            ("order", 1000, 1800, ["daily"]), "一对一急送文件和物品,全程不中转。"),
        job("站点调度员", ["food_delivery", "other"], ["smartphone", "customer_service"],
            ["full_time"], ("month", 550000, 700000, ["monthly"]),
            "负责派单调度、处理顾客投诉和骑手排班,做过骑手者优先。"),
        job("同城货运司机", ["truck_driver", "ride_hailing"], ["driving_c1", "loading"],
            ["full_time", "gig"], ("day", 20000, 30000, ["daily", "weekly"]),
            "驾驶面包车或小货车县内拉货,多拉多得。"),
    )),
    ("海盐驿路家政压测服务有限公司", "徐丽娟", (
        job("保洁员", ["domestic"], ["cleaning"], ["full_time", "part_time"],
            ("month", 400000, 500000, ["monthly"]), "写字楼和小区日常保洁,工具由公司提供。"),
        job("钟点工", ["domestic"], ["cleaning"], ["part_time", "gig"],
            ("hour", 2500, 3200, ["daily", "weekly"]), "上门做日常保洁,新人有老阿姨带两次。"),
        job("养老护理员", ["domestic"], ["elder_care", "health_certificate"], ["full_time"],
            ("month", 550000, 700000, ["monthly"]), "为居家老人上门助浴、助餐、陪护,公司买意外险。"),
        job("月嫂", ["domestic"], ["infant_care", "health_certificate", "cooking"],
            ["full_time"], ("month", 800000, 1000000, ["monthly"]),
            "照顾产妇和新生儿,住家,下户后三天内结清。"),
        job("育儿嫂", ["domestic"], ["infant_care", "cooking"], ["full_time"],
            ("month", 650000, 800000, ["monthly"]), "白天照看一岁左右的宝宝,做辅食,不住家。"),
        job("家电清洗师傅", ["domestic", "other"], ["cleaning", "electrician"], ["part_time"],
            ("piece", 4000, 6000, ["weekly"]), "上门清洗空调、油烟机、洗衣机,会拆装空调者优先。"),
        job("收银员", ["other"], ["cashier"], ["part_time", "full_time"],
            ("hour", 2200, 2600, ["weekly", "monthly"]), "超市收银,不会的店长带教两天。"),
        job("理货员", ["other"], [], ["full_time"],
            ("month", 480000, 560000, ["monthly"]), "货架补货、整理和临期商品检查,早晚两班轮换。"),
    )),
    ("海盐驿路制造压测有限公司", "陆国强", (
        job("普工", ["other"], ["machine_operation"], ["full_time"],
            ("month", 550000, 750000, ["monthly"]), "操作冷镦机生产螺栓,两班倒,师傅带教一个月。"),
        job("质检员", ["other"], ["quality_inspection"], ["full_time"],
            ("month", 550000, 650000, ["monthly"]), "用卡尺、螺纹规抽检产品并记录,长白班。"),
        job("设备电工", ["other"], ["electrician"], ["full_time"],
            ("month", 700000, 850000, ["monthly"]), "车间设备电路检修和日常巡检,须持低压电工证。"),
        job("机床操作工", ["other"], ["machine_operation"], ["full_time"],
            ("month", 600000, 800000, ["monthly"]), "数控机床上下料和简单调试,有经验者优先。"),
        job("包装工", ["other"], [], ["full_time", "gig"],
            ("piece", 30, 40, ["monthly", "daily"]), "成品称重装箱,计件工资,多劳多得。"),
        job("食堂帮厨", ["other"], ["cooking", "health_certificate"], ["full_time"],
            ("month", 400000, 480000, ["monthly"]), "厂区食堂择菜、切配和打扫,须持健康证。"),
        job("保安员", ["other"], [], ["full_time"],
            ("month", 450000, 550000, ["monthly"]), "厂区门岗和夜间巡逻,三班倒。"),
    )),
)

EXTRAS = ("缴纳五险一金。", "缴纳工伤保险。", "提供宿舍和工作餐。", "提供午饭。",
          "站点可免费给电动车充电。", "新人有师傅带教。", "节假日另有补贴。", "按时发放,从不拖欠。",
          "离家近的优先。", "")
SETTLED = {"daily": "当天结清", "weekly": "每周结算", "monthly": "每月15日发上月收入"}
UNIT_TEXT = {"order": "每单{}至{}元", "piece": "每件{}至{}元", "hour": "每小时{}至{}元",
             "day": "一天{}至{}元", "month": "月薪{}至{}元"}


def employer(index):
    """The registration of company ``index`` (0-based)."""
    name, contact, _ = COMPANIES[index]
    first17 = "91330424YLBM{:05d}".format(index + 1)
    district = DISTRICTS[index % len(DISTRICTS)]
    lat, lng = 30.5 + index / 100, 120.9 + index / 100
    return {"name": name, "credit_code": first17 + credit_check_character(first17),
            "contact": {"name": contact, "phone": PHONE.format(index + 1)},
            "address": "海盐县{}驿路大道{}号".format(district, 100 + index),
            "district": district, "position": {"lat": lat, "lng": lng, "system": "wgs84"}}


def posting(index, n, rng, now=None):
    """Posting ``n`` of company ``index``: one of its jobs, anywhere in the county."""
    kind = rng.choice(COMPANIES[index][2])
    district = rng.choice(DISTRICTS)
    lat, lng = random_point(rng)
    pay = _pay(kind["pay"], rng)
    description = "{}{},{}。{}".format(
        kind["text"], UNIT_TEXT[pay["unit"]].format(_yuan(pay["min_fen"]),
                                                    _yuan(pay["max_fen"])),
        SETTLED[pay["settlement"]], rng.choice(EXTRAS))
    title = "{}({})".format(kind["title"], district)
    _no_fee_words(title, description)
    closes_at = (now or datetime.now(timezone.utc)) + timedelta(
        days=rng.uniform(*CLOSES_IN_DAYS))
    return {"title": title, "description": description, "skills": kind["skills"],
            "occupations": kind["occupations"],
            "place": {"address": "海盐县{}驿路{}号".format(district, n + 1),
                      "district": district,
                      "position": {"lat": lat, "lng": lng, "system": "wgs84"}},
            "shift": rng.choice(kind["shifts"]), "headcount": rng.randint(1, 12),
            "closes_at": closes_at.isoformat(), "pay": pay, "no_fee_pledge": True}


def _pay(typical, rng):
    """Around the typical range: min within ±10%, the range itself ±20%."""
    unit, low, high, settlements = typical
    step = 100 if unit in ("month", "day") else 10  # whole yuan, or ten fen
    min_fen = max(step, round(low * rng.uniform(0.9, 1.1) / step) * step)
    max_fen = min_fen + round((high - low) * rng.uniform(0.8, 1.2) / step) * step
    return {"unit": unit, "min_fen": min_fen, "max_fen": max_fen,
            "settlement": rng.choice(settlements)}


def _yuan(fen):
    return "{:g}".format(fen / 100)


def _no_fee_words(*texts):
    # A fee word holds the posting for review: it would be posted, not searched.
    found = fee_words_in(*texts)
    if found:
        raise ValueError("a benchmark posting asks for money: {}".format(", ".join(found)))
