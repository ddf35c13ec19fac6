"""驿路共富 demo data: five employers in Haiyan, verified by union staff, and
thirty postings across the county's streets and towns, pay said the way it
is paid (per order, parcel, piece, hour, day or month; fen) and when.

Pure data, no imports. EMPLOYERS are bodies of an employer registration;
each posting names its employer by name (ids exist only once loaded), its
workplace in ``place``, and ``closes_in_days`` for a closing time the loader
sets from today. The employer's pledge that workers pay nothing is the
loader's to add: it is a form's checkbox, not content.

Exactly one posting asks for a deposit (the e-bike 押金 at the 沈荡 station)
and so waits for staff review; every other one passes the fee-word check.

Made up, to be recognised as such by whoever checks:
- Company and people names are invented; any likeness to a real one is
  chance. Credit codes are registered in Haiyan (330424) and their body is
  "YLGF" (驿路共富) and a sequence number, with both check characters
  computed (GB 11714's for the body, GB 32100's for the code): well formed,
  and not the form of the codes actually issued (those start "MA" or are
  digits), so they are no real company's.
- Contact phones are in the 138-0000-01xx range the demo workers' come from.
- Positions are GCJ-02, placed by eye among the demo stations of the same
  street or town (scripts/demo_stations.py), so a job shows up on the map
  among that town's stations.
"""

LOGISTICS = "海盐驿通物流有限公司"
DELIVERY = "海盐鲜驿外卖配送服务有限公司"
SUPERMARKET = "海盐邻里惠超市连锁有限公司"
DOMESTIC = "海盐暖心家政服务有限公司"
FACTORY = "海盐恒固紧固件有限公司"


def _at(lat, lng):
    return {"lat": lat, "lng": lng, "system": "gcj02"}


EMPLOYERS = (
    {"name": LOGISTICS, "credit_code": "91330424YLGF00015R",
     "contact": {"name": "沈建明", "phone": "13800000101"},
     "address": "海盐县西塘桥街道杭州湾大道1288号驿通物流园", "district": "西塘桥街道",
     "position": _at(30.569513, 121.015238)},
    {"name": DELIVERY, "credit_code": "91330424YLGF00023L",
     "contact": {"name": "朱晓峰", "phone": "13800000102"},
     "address": "海盐县武原街道新桥北路150号", "district": "武原街道",
     "position": _at(30.527614, 120.944127)},
    {"name": SUPERMARKET, "credit_code": "91330424YLGF00031F",
     "contact": {"name": "顾海燕", "phone": "13800000103"},
     "address": "海盐县武原街道朝阳西路208号", "district": "武原街道",
     "position": _at(30.524938, 120.939615)},
    {"name": DOMESTIC, "credit_code": "91330424YLGF0004X7",
     "contact": {"name": "徐丽娟", "phone": "13800000104"},
     "address": "海盐县望海街道海兴东路166号", "district": "望海街道",
     "position": _at(30.507142, 120.926218)},
    {"name": FACTORY, "credit_code": "91330424YLGF000587",
     "contact": {"name": "陆国强", "phone": "13800000105"},
     "address": "海盐县通元镇工业园区通园路58号", "district": "通元镇",
     "position": _at(30.487416, 120.807935)},
)


def _place(address, district, lat, lng):
    return {"address": address, "district": district, "position": _at(lat, lng)}


def _pay(unit, min_fen, max_fen, settlement):
    return {"unit": unit, "min_fen": min_fen, "max_fen": max_fen, "settlement": settlement}


POSTINGS = (
    # ---------------------------------------------- 外卖配送站 (7)
    {"employer": DELIVERY, "title": "外卖骑手(武原站·全职)",
     "description": "负责武原城区外卖配送,站点按单计酬:每单6.5至8.5元,距离远、"
                    "雨雪天气另有补贴,月底结算、次月10日前发到银行卡。每天在线不少于8小时,"
                    "每月休息4天。站点为骑手参加新就业形态职业伤害保障,提供头盔和雨衣。",
     "skills": ["ebike", "smartphone"], "occupations": ["food_delivery"],
     "place": _place("海盐县武原街道新桥北路150号", "武原街道", 30.526318, 120.941826),
     "shift": "full_time", "headcount": 10, "pay": _pay("order", 650, 850, "monthly"),
     "closes_in_days": 30},
    {"employer": DELIVERY, "title": "外卖骑手(秦山站·兼职)",
     "description": "午高峰11:00至13:30、晚高峰17:00至19:30任选,时间自由。每单6至8元,"
                    "按周结算,每周二发上周收入。需自备电动车,熟悉秦山街道道路者优先。",
     "skills": ["ebike", "smartphone"], "occupations": ["food_delivery", "courier"],
     "place": _place("海盐县秦山街道秦山路398号", "秦山街道", 30.455316, 120.926847),
     "shift": "part_time", "headcount": 6, "pay": _pay("order", 600, 800, "weekly"),
     "closes_in_days": 21},
    {"employer": DELIVERY, "title": "高峰时段骑手(望海站)",
     "description": "只跑饭点高峰,适合快递、网约车师傅错峰增收。每单6至8元,当天收入"
                    "次日到账。站点可给电动车免费充电、换电。",
     "skills": ["ebike"], "occupations": ["food_delivery", "courier", "ride_hailing"],
     "place": _place("海盐县望海街道海兴东路120号", "望海街道", 30.505824, 120.923617),
     "shift": "gig", "headcount": 8, "pay": _pay("order", 600, 800, "daily"),
     "closes_in_days": 14},
    {"employer": DELIVERY, "title": "外卖骑手(澉浦站)",
     "description": "澉浦镇及南北湖景区周边配送,单量不如城区多但距离补贴高:每单7至9元,"
                    "月结。节假日景区单多,另有节日补贴每天50元。",
     "skills": ["ebike", "smartphone"], "occupations": ["food_delivery"],
     "place": _place("海盐县澉浦镇澉浦大道88号", "澉浦镇", 30.391237, 120.875146),
     "shift": "full_time", "headcount": 4, "pay": _pay("order", 700, 900, "monthly"),
     "closes_in_days": 45},
    {"employer": DELIVERY, "title": "外卖站点调度员",
     "description": "在武原站负责派单调度、处理顾客投诉和骑手排班。月薪5500至7000元,"
                    "每月15日发上月工资,缴纳五险。要求会用电脑和手机后台,做过骑手者优先。",
     "skills": ["smartphone", "customer_service"], "occupations": ["food_delivery", "other"],
     "place": _place("海盐县武原街道新桥北路150号", "武原街道", 30.527614, 120.944127),
     "shift": "full_time", "headcount": 1, "pay": _pay("month", 550000, 700000, "monthly"),
     "closes_in_days": 30},
    {"employer": DELIVERY, "title": "外卖骑手(西塘桥站)",
     "description": "配送西塘桥街道及经济开发区企业午餐,工作日单量稳定。每单6.5至8.5元,"
                    "按周结算。站点有休息室和微波炉。",
     "skills": ["ebike", "smartphone"], "occupations": ["food_delivery"],
     "place": _place("海盐县西塘桥街道海丰路188号", "西塘桥街道", 30.570216, 121.018473),
     "shift": "full_time", "headcount": 5, "pay": _pay("order", 650, 850, "weekly"),
     "closes_in_days": 28},
    # The one that asks for money: it waits for staff review.
    {"employer": DELIVERY, "title": "外卖骑手(沈荡站·可配车)",
     "description": "沈荡镇区配送,每单6至8元,月结。没有电动车的可使用站点统一配备的"
                    "换电车,需交电动车押金500元,离职交还车辆后退还。",
     "skills": ["smartphone"], "occupations": ["food_delivery"],
     "place": _place("海盐县沈荡镇沈荡大道210号", "沈荡镇", 30.589327, 120.841746),
     "shift": "full_time", "headcount": 4, "pay": _pay("order", 600, 800, "monthly"),
     "closes_in_days": 30},
    # ---------------------------------------------- 物流 (7)
    {"employer": LOGISTICS, "title": "快递派件员(百步镇)",
     "description": "负责百步镇区及周边村的快递派送,每件1至1.5元(按件数和区域算),"
                    "每月20日前发上月收入。公司提供三轮电动车,免费充电。",
     "skills": ["ebike", "smartphone"], "occupations": ["courier"],
     "place": _place("海盐县百步镇百步大道120号", "百步镇", 30.614836, 120.756917),
     "shift": "full_time", "headcount": 3, "pay": _pay("piece", 100, 150, "monthly"),
     "closes_in_days": 30},
    {"employer": LOGISTICS, "title": "快递派件员(于城镇)",
     "description": "于城镇区域派件和揽收,每件1.1至1.6元,揽收另计提成,月结。"
                    "工作时间8:00至18:00,中午可在驿站休息。",
     "skills": ["ebike", "smartphone"], "occupations": ["courier"],
     "place": _place("海盐县于城镇于城大道60号", "于城镇", 30.560724, 120.785139),
     "shift": "full_time", "headcount": 2, "pay": _pay("piece", 110, 160, "monthly"),
     "closes_in_days": 30},
    {"employer": LOGISTICS, "title": "分拣员(夜班)",
     "description": "转运中心夜班分拣,20:00至次日6:00,中间休息1小时。每小时25至30元,"
                    "夜班补贴已含在内,月结。提供夜宵,缴纳工伤保险。",
     "skills": ["sorting"], "occupations": ["courier", "other"],
     "place": _place("海盐县西塘桥街道杭州湾大道1288号驿通物流园", "西塘桥街道",
                     30.569513, 121.015238),
     "shift": "full_time", "headcount": 12, "pay": _pay("hour", 2500, 3000, "monthly"),
     "closes_in_days": 21},
    {"employer": LOGISTICS, "title": "叉车司机",
     "description": "仓库内装卸货,持有效叉车证(N1)。月薪6500至8000元,做六休一,"
                    "每月10日发工资,缴纳五险一金。",
     "skills": ["forklift", "loading"], "occupations": ["truck_driver", "other"],
     "place": _place("海盐县西塘桥街道杭州湾大道1288号驿通物流园", "西塘桥街道",
                     30.567245, 121.012871),
     "shift": "full_time", "headcount": 2, "pay": _pay("month", 650000, 800000, "monthly"),
     "closes_in_days": 40},
    {"employer": LOGISTICS, "title": "厢式货车司机(县内配送)",
     "description": "驾驶4.2米厢式货车,县内超市、门店配送,每天跑固定线路,不跑长途。"
                    "月薪7000至8500元,油费、过路费由公司承担,月结。",
     "skills": ["driving_c1", "loading"], "occupations": ["truck_driver", "ride_hailing"],
     "place": _place("海盐县武原街道城北西路88号驿通城区配送站", "武原街道",
                     30.535741, 120.936482),
     "shift": "full_time", "headcount": 3, "pay": _pay("month", 700000, 850000, "monthly"),
     "closes_in_days": 30},
    {"employer": LOGISTICS, "title": "牵引车司机(海盐—上海短驳)",
     "description": "海盐至上海港集装箱短驳,每天往返1至2趟,当天回家。需A2驾照、"
                    "两年以上牵引车驾龄。月薪8000至9000元,每月10日发放。",
     "skills": ["driving_a2"], "occupations": ["truck_driver"],
     "place": _place("海盐县西塘桥街道杭州湾大道1288号驿通物流园", "西塘桥街道",
                     30.571064, 121.016532),
     "shift": "full_time", "headcount": 2, "pay": _pay("month", 800000, 900000, "monthly"),
     "closes_in_days": 45},
    {"employer": LOGISTICS, "title": "装卸工(日结)",
     "description": "通元分拨点装卸货,每天8小时,一天180至220元,当天干完当天结。"
                    "活重,需身体好;提供午饭。",
     "skills": ["loading"], "occupations": ["other", "courier"],
     "place": _place("海盐县通元镇通元大道260号驿通分拨点", "通元镇", 30.489713, 120.804628),
     "shift": "gig", "headcount": 6, "pay": _pay("day", 18000, 22000, "daily"),
     "closes_in_days": 10},
    # ---------------------------------------------- 超市 (6)
    {"employer": SUPERMARKET, "title": "理货员(武原店)",
     "description": "负责货架补货、整理和临期商品检查。早晚两班轮换,月薪5000至5600元,"
                    "每月15日发工资,缴纳五险,员工餐每天补贴15元。",
     "skills": [], "occupations": ["other"],
     "place": _place("海盐县武原街道朝阳西路208号", "武原街道", 30.524938, 120.939615),
     "shift": "full_time", "headcount": 3, "pay": _pay("month", 500000, 560000, "monthly"),
     "closes_in_days": 30},
    {"employer": SUPERMARKET, "title": "周末兼职收银员",
     "description": "周六、周日9:00至17:00,每小时24至26元,按周结算。会用收银机者优先,"
                    "不会的店长带教两天。",
     "skills": ["cashier"], "occupations": ["other"],
     "place": _place("海盐县武原街道海滨中路198号邻里惠海滨店", "武原街道",
                     30.522846, 120.945712),
     "shift": "part_time", "headcount": 2, "pay": _pay("hour", 2400, 2600, "weekly"),
     "closes_in_days": 20},
    {"employer": SUPERMARKET, "title": "到家配送员(望海店)",
     "description": "线上订单3公里内送货上门,每单5至7元,按周结算。"
                    "外卖骑手、快递员可利用空闲时段接单。",
     "skills": ["ebike", "smartphone"], "occupations": ["food_delivery", "courier"],
     "place": _place("海盐县望海街道海兴西路60号邻里惠望海店", "望海街道",
                     30.509347, 120.918762),
     "shift": "part_time", "headcount": 4, "pay": _pay("order", 500, 700, "weekly"),
     "closes_in_days": 25},
    {"employer": SUPERMARKET, "title": "生鲜加工员(沈荡店)",
     "description": "负责蔬果分装、鱼肉分割和熟食柜台。须持健康证,会处理鱼肉者优先。"
                    "月薪5500至6500元,月结,缴纳五险。",
     "skills": ["health_certificate", "cooking"], "occupations": ["other"],
     "place": _place("海盐县沈荡镇中兴路70号邻里惠沈荡店", "沈荡镇", 30.592136, 120.836284),
     "shift": "full_time", "headcount": 2, "pay": _pay("month", 550000, 650000, "monthly"),
     "closes_in_days": 30},
    {"employer": SUPERMARKET, "title": "配送中心仓管员",
     "description": "负责配送中心收货、盘点和出库单据,会用电脑。月薪5500至6500元,"
                    "有叉车证另加每月300元,月结。",
     "skills": ["warehouse", "forklift"], "occupations": ["other"],
     "place": _place("海盐县于城镇于城大道200号邻里惠配送中心", "于城镇",
                     30.564813, 120.789326),
     "shift": "full_time", "headcount": 1, "pay": _pay("month", 550000, 650000, "monthly"),
     "closes_in_days": 35},
    {"employer": SUPERMARKET, "title": "社区团购配送司机(百步线)",
     "description": "开公司面包车把团购商品送到百步镇各提货点,每天上午跑一趟,"
                    "一天200至250元,当天结。有C1驾照,网约车司机可兼做。",
     "skills": ["driving_c1"], "occupations": ["ride_hailing", "truck_driver"],
     "place": _place("海盐县百步镇人民路50号邻里惠百步店", "百步镇", 30.618263, 120.762418),
     "shift": "gig", "headcount": 2, "pay": _pay("day", 20000, 25000, "daily"),
     "closes_in_days": 15},
    # ---------------------------------------------- 家政 (5)
    {"employer": DOMESTIC, "title": "钟点工保洁",
     "description": "上门做日常保洁,武原城区为主,每小时26至30元,按天结算。"
                    "工具、清洁剂由公司提供,新人有老阿姨带两次。",
     "skills": ["cleaning"], "occupations": ["domestic"],
     "place": _place("海盐县武原街道枣园中路40号", "武原街道", 30.531245, 120.946618),
     "shift": "part_time", "headcount": 6, "pay": _pay("hour", 2600, 3000, "daily"),
     "closes_in_days": 30},
    {"employer": DOMESTIC, "title": "居家养老护理员",
     "description": "为秦山街道的居家老人上门助浴、助餐、陪护。须持健康证,有养老护理"
                    "证书者优先。月薪5500至7000元,月结,公司买意外险。",
     "skills": ["elder_care", "health_certificate"], "occupations": ["domestic"],
     "place": _place("海盐县秦山街道秦山路218号", "秦山街道", 30.460137, 120.921426),
     "shift": "full_time", "headcount": 3, "pay": _pay("month", 550000, 700000, "monthly"),
     "closes_in_days": 40},
    {"employer": DOMESTIC, "title": "月嫂",
     "description": "照顾产妇和新生儿26天一单,住家。每月8000至9000元,按单结算,"
                    "下户后3天内结清。须持母婴护理证书和健康证。",
     "skills": ["infant_care", "health_certificate", "cooking"], "occupations": ["domestic"],
     "place": _place("海盐县武原街道文昌路260号", "武原街道", 30.528934, 120.933157),
     "shift": "full_time", "headcount": 2, "pay": _pay("month", 800000, 900000, "monthly"),
     "closes_in_days": 60},
    {"employer": DOMESTIC, "title": "住家保姆",
     "description": "望海街道家庭,照顾一位老人并做饭、打扫,住家,每月休4天。"
                    "月薪6000至7500元,月结。",
     "skills": ["cooking", "cleaning", "elder_care"], "occupations": ["domestic"],
     "place": _place("海盐县望海街道盐嘉公路260号", "望海街道", 30.501216, 120.930145),
     "shift": "full_time", "headcount": 1, "pay": _pay("month", 600000, 750000, "monthly"),
     "closes_in_days": 20},
    {"employer": DOMESTIC, "title": "家电清洗师傅",
     "description": "上门清洗空调、油烟机、洗衣机,澉浦、秦山片区。每台40至60元,"
                    "按周结算。会拆装空调者优先,有电工证更好。",
     "skills": ["cleaning", "electrician"], "occupations": ["domestic", "other"],
     "place": _place("海盐县澉浦镇东门路30号", "澉浦镇", 30.394618, 120.881327),
     "shift": "part_time", "headcount": 2, "pay": _pay("piece", 4000, 6000, "weekly"),
     "closes_in_days": 30},
    # ---------------------------------------------- 工厂 (5)
    {"employer": FACTORY, "title": "冷镦车间普工",
     "description": "操作冷镦机生产螺栓,两班倒,师傅带教一个月。月薪6000至7500元,"
                    "每月15日发工资,缴纳五险,提供宿舍和工作餐。",
     "skills": ["machine_operation"], "occupations": ["other"],
     "place": _place("海盐县通元镇工业园区通园路58号", "通元镇", 30.487416, 120.807935),
     "shift": "full_time", "headcount": 10, "pay": _pay("month", 600000, 750000, "monthly"),
     "closes_in_days": 45},
    {"employer": FACTORY, "title": "质检员",
     "description": "用卡尺、螺纹规抽检产品并记录,长白班。月薪5500至6500元,月结,"
                    "缴纳五险。",
     "skills": ["quality_inspection"], "occupations": ["other"],
     "place": _place("海盐县通元镇工业园区通园路58号", "通元镇", 30.486214, 120.810736),
     "shift": "full_time", "headcount": 2, "pay": _pay("month", 550000, 650000, "monthly"),
     "closes_in_days": 30},
    {"employer": FACTORY, "title": "包装工(计件)",
     "description": "螺丝成品称重装箱,计件工资每箱0.3至0.4元,熟练后一天约包600箱。"
                    "月结,每月15日发放。",
     "skills": [], "occupations": ["other"],
     "place": _place("海盐县通元镇工业园区通园路58号", "通元镇", 30.488126, 120.806513),
     "shift": "full_time", "headcount": 6, "pay": _pay("piece", 30, 40, "monthly"),
     "closes_in_days": 30},
    {"employer": FACTORY, "title": "设备电工",
     "description": "负责车间设备电路检修和日常巡检,须持低压电工证。月薪7000至8500元,"
                    "月结,缴纳五险一金。",
     "skills": ["electrician"], "occupations": ["other"],
     "place": _place("海盐县通元镇工业园区通园路58号", "通元镇", 30.487416, 120.807935),
     "shift": "full_time", "headcount": 1, "pay": _pay("month", 700000, 850000, "monthly"),
     "closes_in_days": 40},
    {"employer": FACTORY, "title": "临时装车工(日结)",
     "description": "发货高峰期帮忙装车,每天8小时,一天160至200元,当天结清,"
                    "管午饭。货车司机等车时也可来做。",
     "skills": ["loading"], "occupations": ["other", "truck_driver"],
     "place": _place("海盐县通元镇工业园区通园路58号", "通元镇", 30.486935, 120.809214),
     "shift": "gig", "headcount": 4, "pay": _pay("day", 16000, 20000, "daily"),
     "closes_in_days": 7},
)
