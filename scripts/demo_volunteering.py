"""志愿先锋 demo data: the union's volunteer activities at its red-themed stations
(the seed: 72 activities this year, 2,900 people reached), a dozen to come over
the next weeks and three past ones whose hours the demo workers served, so a
new user sees hours, points and a certificate at once.

Each activity: (title, description, station name or None, venue if no station,
skills, shifts as (days from today, China hour, minutes, hours long, places),
and for a past one, who served, by demo phone). Times are China time.
"""
WUYUAN_RED = "海盐武原城市红色驿站"
SMART_CITY = "海盐智慧城户外劳动者红色驿站"
DRIVERS_HOME = "中石化第三加油站司机之家红色驿站"
BOOKS = "武原街道书香红色驿站"
HAIBIN = "武原街道海滨社区户外劳动者服务站"
QINSHAN = "秦山街道核电小镇红色驿站"
RIDER, COURIER, MEMBER_COURIER = "13800000002", "13800000004", "13800000003"

COMING = (
    ("暖冬驿站送姜茶", "寒潮来袭,在驿站为早班骑手、快递小哥送上热姜茶和暖宝宝。",
     WUYUAN_RED, None, ["logistics"], [(3, 6, 30, 2.5, 8)]),
    ("电动车安全检查", "免费检查电瓶、刹车、灯光,讲解充电安全,远离“飞线充电”。",
     SMART_CITY, None, ["ebike_repair"], [(5, 9, 0, 2, 6), (5, 14, 0, 2, 6)]),
    ("防诈骗宣讲进驿站", "联合县公安局反诈中心,讲解刷单返利、冒充客服等常见骗局。",
     BOOKS, None, ["publicity", "legal"], [(7, 19, 0, 1.5, 10)]),
    ("助老服务:走进敬老院", "陪老人聊天、理发、打扫房间,送去新就业群体的一份温暖。",
     None, {"name": "武原街道敬老院", "address": "海盐县武原街道海滨东路88号",
            "district": "武原街道"},
     ["elder_care"], [(9, 9, 0, 3, 12)]),
    ("文明交通劝导", "早晚高峰在路口劝导非机动车礼让斑马线、不闯红灯。",
     HAIBIN, None, [], [(10, 7, 0, 1.5, 6), (10, 17, 0, 1.5, 6)]),
    ("红色故事讲解员", "在“真理求索”主题驿站为来往司机讲述红色故事,需提前熟悉讲稿。",
     DRIVERS_HOME, None, ["publicity"], [(12, 14, 0, 2, 4)]),
    ("驿站环境清洁日", "整理驿站书架、清洁微波炉和饮水机,让驿站更像家。",
     WUYUAN_RED, None, ["logistics"], [(14, 9, 0, 2, 8)]),
    ("急救知识进驿站", "红十字会老师教授心肺复苏和AED使用,学完可参与后续急救志愿服务。",
     QINSHAN, None, ["first_aid"], [(16, 19, 0, 2, 20)]),
    ("爱心献血", "新就业形态劳动者爱心献血活动,献血前请吃早饭、带身份证。",
     None, {"name": "海盐县中心血站献血屋", "address": "海盐县武原街道朝阳东路",
            "district": "武原街道"},
     [], [(18, 9, 0, 3, 30)]),
    ("新春写春联送万家", "请书法志愿者为职工写春联、送福字,也欢迎会写字的骑手一起来。",
     BOOKS, None, ["publicity"], [(21, 14, 0, 3, 10)]),
    ("骑手安全骑行宣传", "在外卖站点发放安全头盔、宣传安全骑行。",
     SMART_CITY, None, ["publicity"], [(24, 10, 0, 2, 8)]),
    ("驿站“小候鸟”托管帮手", "寒假期间帮助照看职工子女,陪写作业、做手工。",
     WUYUAN_RED, None, ["elder_care"], [(28, 9, 0, 4, 6)]),
)

# Past: (title, description, station, venue, skills, shift, who served (phone, hours)).
DONE = (
    ("清凉驿站送水", "高温天在驿站为户外劳动者送清凉:绿豆汤、藿香正气水和冰毛巾。",
     WUYUAN_RED, None, ["logistics"], (-130, 14, 0, 2.5, 10),
     ((RIDER, 2.5), (MEMBER_COURIER, 2.5))),
    ("电动车安全检查", "免费检查电瓶、刹车、灯光,讲解充电安全。",
     SMART_CITY, None, ["ebike_repair"], (-75, 9, 0, 3, 6), ((RIDER, 3),)),
    ("防诈骗宣讲进驿站", "联合县公安局反诈中心,讲解刷单返利、冒充客服等常见骗局。",
     BOOKS, None, ["publicity"], (-20, 19, 0, 2, 10), ((RIDER, 2), (COURIER, 2))),
)
RECORD_REASON = "活动现场纸质签到表补录"
