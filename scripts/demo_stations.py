"""Demo content for the stations service (主题驿站), the map of places where the
海盐县总工会's new-employment-form workers (delivery riders, couriers, truck
and ride-hailing drivers) can stop for water, a charge and a rest.

Pure data, no imports: each entry of STATIONS is the body of a
``POST /api/v1/stations``, as union staff would enter it.

- 10 red_themed stations (红色主题驿站), each telling a red story from Zhejiang
  and Jiaxing in ``story`` (Markdown) under its ``theme``. The first three are
  the ones the union's newspaper page names; people in the stories are
  historical, or made up and said to be.
- 42 outdoor_worker stations (户外劳动者服务站点) in community centres, bank
  branches, petrol stations, supermarkets, parks and logistics parks across
  the nine streets and towns, the most in 武原街道, the county seat.
- 3 union_post (工会服务点).

Positions are GCJ-02 as Amap shows them, inside the right street or town and
on land (Hangzhou Bay lies to the south-east). Hours use OpenStreetMap
opening_hours syntax; ``hours`` is None where nobody entered them. Addresses
and phone numbers are made up; photo URLs point at example.org.
"""

STATIONS = (
    # ------------------------------------------------------ 红色主题驿站 (10)
    # The three the union's newspaper page names, then seven more.
    {
        "kind": "red_themed",
        "name": "中石化第三加油站司机之家红色驿站",
        "theme": "真理求索",
        "story": """## 真理的味道非常甜

1920年春，浙江义乌分水塘村的一间柴屋里，青年学者陈望道埋头翻译《共产党宣言》。母亲送来粽子和红糖，他一边译一边吃，竟蘸着墨汁吃了下去，自己还浑然不觉。母亲在屋外问红糖够不够，他连声说：“够甜，够甜的了。”后来人们说：真理的味道非常甜。

同年8月，《共产党宣言》第一个中文全译本在上海出版，一批批追求进步的青年读了它，走上了革命道路。

## 跑长途，也要认准方向

司机师傅常年在路上，最怕走错路。认准方向、坚持学习，路再远也能到。歇脚时翻翻驿站书架上的读物，喝口热水再出发。
""",
        "address": "海盐县西塘桥街道海盐大道1866号",
        "district": "西塘桥街道",
        "position": {"lat": 30.563412, "lng": 121.004875, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "first_aid", "wifi", "books"],
        "hours": {"open_24h": True, "opening_hours": None, "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/sinopec-no3-drivers-home.jpg"],
        "phone": "0573-86012377",
    },
    {
        "kind": "red_themed",
        "name": "海盐智慧城户外劳动者红色驿站",
        "theme": "匠心传承",
        "story": """## 一颗螺丝钉的分量

海盐是全国闻名的紧固件产业基地，小小的螺栓、螺母从这里运往各地。几十年来，一代代海盐产业工人从小作坊干起，琢磨工艺、攻克难题，把“差不多”做成了“零缺陷”。

驿站墙上讲的是这样一群普通人：老师傅几十年守在机床前，手上的老茧记下了数不清的检测；年轻技工在技能比武中崭露头角，又把绝活手把手教给徒弟。（故事里的人物是根据海盐产业工人的经历综合而成的。）

## 匠心就在每一单里

“执着专注、精益求精、一丝不苟、追求卓越”，这是工匠精神。送一份餐、投一个件、开一趟车，同样讲究细致和担当。把平凡的事做好，就是匠心。
""",
        "address": "海盐县望海街道海兴东路88号海盐智慧城1号楼",
        "district": "望海街道",
        "position": {"lat": 30.508264, "lng": 120.921537, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "first_aid", "lockers", "wifi"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 07:00-22:00", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/smart-city-red-station.jpg"],
        "phone": "0573-86128811",
    },
    {
        "kind": "red_themed",
        "name": "海盐武原城市红色驿站",
        "theme": "红色摇篮",
        "story": """## 从嘉兴启航

1921年7月，中国共产党第一次全国代表大会在上海开幕。会场受到法租界巡捕干扰后，代表们转移到嘉兴南湖，在一条游船上完成了最后一天的会议，宣告中国共产党诞生。嘉兴从此被称为“红船起航地”。

如今停泊在南湖湖心岛旁的红船，是后来依照原样仿制的纪念船；南湖革命纪念馆里，陈列着建党前后的珍贵史料。

## 红色热土上的奋斗者

海盐和南湖同属嘉兴，从县城出发一个多小时就能到。在这片红色热土上奔忙的骑手、快递员和司机，也是新时代的奋斗者。累了进驿站坐一坐，听一段红色故事，充好电再出发。
""",
        "address": "海盐县武原街道海滨中路262号",
        "district": "武原街道",
        "position": {"lat": 30.524836, "lng": 120.943217, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "first_aid", "lockers",
                      "wifi", "books", "repair_tools"],
        "hours": {"open_24h": True, "opening_hours": None, "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/wuyuan-city-red-station.jpg",
                   "https://example.org/hongyi/stations/wuyuan-city-red-station-inside.jpg"],
        "phone": "0573-86035120",
    },
    {
        "kind": "red_themed",
        "name": "武原街道书香红色驿站",
        "theme": "书香报国",
        "story": """## 海盐走出的出版家

张元济（1867—1959），浙江海盐人，清末进士。他主持商务印书馆数十年，编印新式教科书，整理出版大批古籍，让更多普通人读得起书。1932年“一·二八”事变中，商务印书馆总厂和东方图书馆被日军炸毁，年过六旬的他四处奔走，让书馆重新办了起来。

1949年9月，他应邀出席中国人民政治协商会议第一届全体会议，见证了新中国的诞生。

## 读书也是加油

海盐县城的张元济图书馆，就以他的名字命名。驿站设了图书角，等单、歇脚的时候，拿起一本书读上几页，也是给自己加油。
""",
        "address": "海盐县武原街道文昌路308号",
        "district": "武原街道",
        "position": {"lat": 30.529573, "lng": 120.938164, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "toilet",
                      "heating_cooling", "wifi", "books"],
        "hours": {"open_24h": False, "opening_hours": "Tu-Su 08:30-20:30; Mo off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86039216",
    },
    {
        "kind": "red_themed",
        "name": "百步镇红船精神红色驿站",
        "theme": "红船精神",
        "story": """## 一篇文章，三种精神

2005年6月21日，时任浙江省委书记习近平在《光明日报》发表署名文章《弘扬“红船精神” 走在时代前列》，首次提出并阐释了“红船精神”：开天辟地、敢为人先的首创精神，坚定理想、百折不挠的奋斗精神，立党为公、忠诚为民的奉献精神。

2017年10月31日，党的十九大闭幕后一周，新一届中央政治局常委专程来到上海和嘉兴，瞻仰中共一大会址和南湖红船。

## 红船精神在路上

新就业形态本身就是新事物：学新系统、跑新路线，是敢为人先；风里雨里一单单跑下来，是百折不挠；顺手帮一把需要帮助的人，是奉献。
""",
        "address": "海盐县百步镇百步大道158号",
        "district": "百步镇",
        "position": {"lat": 30.612487, "lng": 120.758392, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "books"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:00-20:00", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/baibu-red-boat-spirit.jpg"],
        "phone": "0573-86651093",
    },
    {
        "kind": "red_themed",
        "name": "秦山街道核电小镇红色驿站",
        "theme": "自力更生",
        "story": """## 我们自己造的核电站

秦山核电站是我国自行设计、自行建造、自行运营管理的第一座核电站。1985年3月，主体工程浇灌第一罐混凝土；1991年12月15日，30万千瓦压水堆机组并网发电，结束了中国大陆没有核电的历史。

那时的建设者很多是白手起家，设备和技术要一点点摸索、一项项攻关。“自力更生、艰苦奋斗”，在秦山变成了一座座厂房和源源不断的电。如今的秦山，已经发展成机组多、堆型丰富的核电基地。

## 在秦山脚下歇歇脚

进驿站喝口水、充个电，看看墙上的老照片：今天我们手机里的每一格电，背后都有一代代人的奋斗。
""",
        "address": "海盐县秦山街道秦山路566号",
        "district": "秦山街道",
        "position": {"lat": 30.452918, "lng": 120.924736, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "heating_cooling", "first_aid", "wifi", "books"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:00-21:00", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/qinshan-nuclear-town.jpg"],
        "phone": "0573-86583402",
    },
    {
        "kind": "red_themed",
        "name": "澉浦镇古海塘红色驿站",
        "theme": "众志成城",
        "story": """## 五纵五横鱼鳞塘

海盐濒临杭州湾，潮水汹涌，历史上海潮一次次冲毁堤岸、淹没田舍。明代嘉靖年间，海盐知县黄光升总结前人筑塘的经验，创造“五纵五横”的砌法：条石纵横交错、层层叠砌，形如鱼鳞，人称鱼鳞石塘，后来在钱塘江两岸推广开来。

## 千里标准海塘

1997年，强台风袭击浙江沿海，不少海塘受损。此后浙江全省动员，建设高标准的“千里海塘”，干部群众并肩奋战，为沿海百姓筑起了新的屏障。

## 守护就在日常

台风天里坚持送件、送餐的你们，同样在守护这座城市的日常。风大雨急时，请先进驿站避一避，安全第一。
""",
        "address": "海盐县澉浦镇南北湖大道199号",
        "district": "澉浦镇",
        "position": {"lat": 30.389156, "lng": 120.873429, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "first_aid", "books"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:00-18:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86543318",
    },
    {
        "kind": "red_themed",
        "name": "沈荡镇劳模工匠红色驿站",
        "theme": "劳模精神",
        "story": """## 劳动最光荣

1950年秋，新中国成立后的第一次全国工农兵劳动模范代表会议在北京召开，各条战线的劳动模范受到表彰。从那时起，“劳动最光荣”成了几代人的信念。

“爱岗敬业、争创一流，艰苦奋斗、勇于创新，淡泊名利、甘于奉献”，这是劳模精神。

## 身边的先进

驿站展板上讲了几位普通劳动者的故事：一位快递员在暴雨天把药品准时送到独居老人手里；一位货车司机二十年安全行车无事故；一位外卖骑手在路边帮助晕倒的路人，直到救护车赶到。他们是根据海盐新就业形态劳动者的经历综合而成的形象，也许就是你身边的同行。
""",
        "address": "海盐县沈荡镇沈荡大道285号",
        "district": "沈荡镇",
        "position": {"lat": 30.588734, "lng": 120.843518, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "first_aid", "books"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 07:30-20:00", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/shendang-labour-models.jpg"],
        "phone": "0573-86551206",
    },
    {
        "kind": "red_themed",
        "name": "于城镇巾帼红色驿站",
        "theme": "巾帼红心",
        "story": """## 船头望风的嘉兴女子

王会悟（1898—1993），浙江桐乡乌镇人。1921年中共一大在上海召开期间，她承担会务工作。会场受到干扰、需要转移时，她提议到自己熟悉的嘉兴南湖继续开会，并提前租好了游船。会议进行时，她坐在船头望风，一有可疑的船只靠近，就敲舱门示警，代表们便摆出麻将牌作掩护。

## 平凡岗位上的担当

王会悟不是一大代表，却在关键时刻挺身而出，细致周到地办好了每一件小事。今天，越来越多的女性骑手、快递员活跃在城乡的大街小巷，驿站为她们准备了休息区和急救药箱，也欢迎大家来听听这位嘉兴女子的故事。
""",
        "address": "海盐县于城镇于城大道96号",
        "district": "于城镇",
        "position": {"lat": 30.561827, "lng": 120.788354, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "first_aid", "books"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:00-19:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86661185",
    },
    {
        "kind": "red_themed",
        "name": "通元镇美丽乡村红色驿站",
        "theme": "绿水青山",
        "story": """## 从“千万工程”到美丽乡村

2003年6月，浙江启动“千村示范、万村整治”工程，从垃圾收集、污水治理、村道硬化这些农民最关心的事做起，一张蓝图绘到底。2005年8月，习近平同志在安吉余村考察时提出“绿水青山就是金山银山”。

二十年来，浙江乡村的面貌发生了巨大变化。2018年，“千万工程”获得联合国“地球卫士奖”。

## 通元的田野

送件、送餐的路上穿过一个个整洁的村庄：道路通了，河水清了，村口有了文化礼堂。这些变化，就是“千万工程”写在大地上的故事。
""",
        "address": "海盐县通元镇通元大道218号",
        "district": "通元镇",
        "position": {"lat": 30.492164, "lng": 120.803782, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "first_aid", "books"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:00-18:30", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/tongyuan-beautiful-village.jpg"],
        "phone": "0573-86621047",
    },

    # ----------------------------------------------- 户外劳动者服务站点 (42)
    # 武原街道, the county seat, has the most.
    {
        "kind": "outdoor_worker",
        "name": "武原街道海滨社区户外劳动者服务站",
        "address": "海盐县武原街道海滨东路118号海滨社区服务中心",
        "district": "武原街道",
        "position": {"lat": 30.522154, "lng": 120.951372, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:00-20:00", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/wuyuan-haibin.jpg"],
        "phone": "0573-86031458",
    },
    {
        "kind": "outdoor_worker",
        "name": "武原街道枣园社区户外劳动者服务站",
        "address": "海盐县武原街道枣园中路57号枣园社区服务中心",
        "district": "武原街道",
        "position": {"lat": 30.531846, "lng": 120.947925, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "toilet", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86032279",
    },
    {
        "kind": "outdoor_worker",
        "name": "武原街道新桥社区户外劳动者服务站",
        "address": "海盐县武原街道新桥北路36号",
        "district": "武原街道",
        "position": {"lat": 30.536517, "lng": 120.935648, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area"],
        "hours": None,
        "photos": [],
    },
    {
        "kind": "outdoor_worker",
        "name": "海盐农商银行武原支行户外劳动者服务站",
        "address": "海盐县武原街道勤俭南路201号",
        "district": "武原街道",
        "position": {"lat": 30.519738, "lng": 120.940286, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "toilet",
                      "heating_cooling", "first_aid", "wifi"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:30-17:00", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/rcb-wuyuan.jpg"],
        "phone": "0573-86038862",
    },
    {
        "kind": "outdoor_worker",
        "name": "工商银行海盐支行营业部户外劳动者服务站",
        "address": "海盐县武原街道朝阳东路99号",
        "district": "武原街道",
        "position": {"lat": 30.527361, "lng": 120.952814, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling",
                      "first_aid"],
        "hours": {"open_24h": False,
                  "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su 09:00-16:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86037716",
    },
    {
        "kind": "outdoor_worker",
        "name": "中石化海盐城北加油站户外劳动者服务站",
        "address": "海盐县武原街道城北西路388号",
        "district": "武原街道",
        "position": {"lat": 30.541273, "lng": 120.928519, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "repair_tools"],
        "hours": {"open_24h": True, "opening_hours": None, "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/sinopec-chengbei.jpg"],
        "phone": "0573-86040385",
    },
    {
        "kind": "outdoor_worker",
        "name": "武原街道绮园公园户外劳动者服务站",
        "address": "海盐县武原街道绮园路1号绮园公园东门",
        "district": "武原街道",
        "position": {"lat": 30.525693, "lng": 120.937451, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "toilet"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 07:00-21:00", "closed_dates": []},
        "photos": [],
    },
    {
        "kind": "outdoor_worker",
        "name": "武原街道海盐世纪联华超市户外劳动者服务站",
        "address": "海盐县武原街道长安路168号",
        "district": "武原街道",
        "position": {"lat": 30.532518, "lng": 120.942097, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "microwave", "rest_area", "toilet",
                      "heating_cooling", "lockers"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:30-21:30", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/lianhua-wuyuan.jpg"],
        "phone": "0573-86045530",
    },
    {
        "kind": "outdoor_worker",
        "name": "武原街道城北物流园户外劳动者服务站",
        "address": "海盐县武原街道城北物流园区3号楼",
        "district": "武原街道",
        "position": {"lat": 30.545862, "lng": 120.944763, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "lockers", "repair_tools"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 06:00-22:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86047291",
    },
    # 西塘桥街道
    {
        "kind": "outdoor_worker",
        "name": "西塘桥街道社区服务中心户外劳动者服务站",
        "address": "海盐县西塘桥街道海丰路208号",
        "district": "西塘桥街道",
        "position": {"lat": 30.571536, "lng": 121.018247, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "heating_cooling", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Sa 08:00-18:00; Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86016602",
    },
    {
        "kind": "outdoor_worker",
        "name": "中石油西塘桥加油站户外劳动者服务站",
        "address": "海盐县西塘桥街道01省道海盐段12号",
        "district": "西塘桥街道",
        "position": {"lat": 30.578214, "lng": 121.007639, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "repair_tools"],
        # Open past midnight, for the night shift coming off the expressway.
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 06:00-02:00", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/petrochina-xitangqiao.jpg"],
        "phone": "0573-86018843",
    },
    {
        "kind": "outdoor_worker",
        "name": "海盐经济开发区物流园户外劳动者服务站",
        "address": "海盐县西塘桥街道杭州湾大道1558号",
        "district": "西塘桥街道",
        "position": {"lat": 30.561947, "lng": 121.011384, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "lockers", "wifi"],
        "hours": {"open_24h": True, "opening_hours": None, "closed_dates": []},
        "photos": [],
        "phone": "0573-86019927",
    },
    {
        "kind": "outdoor_worker",
        "name": "海盐农商银行西塘桥支行户外劳动者服务站",
        "address": "海盐县西塘桥街道海塘路66号",
        "district": "西塘桥街道",
        "position": {"lat": 30.574382, "lng": 121.023154, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86015538",
    },
    # 望海街道
    {
        "kind": "outdoor_worker",
        "name": "望海街道社区服务中心户外劳动者服务站",
        "address": "海盐县望海街道盐嘉公路318号",
        "district": "望海街道",
        "position": {"lat": 30.503617, "lng": 120.927483, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "heating_cooling", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:00-20:00", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/wanghai-centre.jpg"],
        "phone": "0573-86122046",
    },
    {
        "kind": "outdoor_worker",
        "name": "望海街道滨海公园户外劳动者服务站",
        "address": "海盐县望海街道滨海大道东侧滨海公园北门",
        "district": "望海街道",
        "position": {"lat": 30.498254, "lng": 120.933916, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "toilet"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 06:30-21:00", "closed_dates": []},
        "photos": [],
    },
    {
        "kind": "outdoor_worker",
        "name": "望海街道邮政营业所户外劳动者服务站",
        "address": "海盐县望海街道海兴西路45号",
        "district": "望海街道",
        "position": {"lat": 30.509731, "lng": 120.916852, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Sa 08:30-17:30; Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86125173",
    },
    {
        "kind": "outdoor_worker",
        "name": "望海街道便民超市户外劳动者服务站",
        "address": "海盐县望海街道枫林路128号",
        "district": "望海街道",
        "position": {"lat": 30.514468, "lng": 120.924175, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "microwave", "rest_area"],
        "hours": None,
        "photos": [],
    },
    {
        "kind": "outdoor_worker",
        "name": "望海街道快递物流中心户外劳动者服务站",
        "address": "海盐县望海街道工业大道506号",
        "district": "望海街道",
        "position": {"lat": 30.496183, "lng": 120.919364, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "lockers", "repair_tools"],
        "hours": {"open_24h": True, "opening_hours": None, "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/wanghai-logistics.jpg"],
        "phone": "0573-86127704",
    },
    # 秦山街道
    {
        "kind": "outdoor_worker",
        "name": "秦山街道社区服务中心户外劳动者服务站",
        "address": "海盐县秦山街道秦山路218号",
        "district": "秦山街道",
        "position": {"lat": 30.457342, "lng": 120.931285, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "heating_cooling", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:00-20:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86581129",
    },
    {
        "kind": "outdoor_worker",
        "name": "海盐农商银行秦山支行户外劳动者服务站",
        "address": "海盐县秦山街道核电路15号",
        "district": "秦山街道",
        "position": {"lat": 30.461825, "lng": 120.922648, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86583376",
    },
    {
        "kind": "outdoor_worker",
        "name": "中石化秦山加油站户外劳动者服务站",
        "address": "海盐县秦山街道盐平公路2号",
        "district": "秦山街道",
        "position": {"lat": 30.448517, "lng": 120.916394, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 06:00-23:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86585508",
    },
    {
        "kind": "outdoor_worker",
        "name": "秦山街道新联村综合服务站户外劳动者服务站",
        "address": "海盐县秦山街道新联村村委会",
        "district": "秦山街道",
        "position": {"lat": 30.466193, "lng": 120.938527, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "toilet"],
        "hours": None,
        "photos": [],
    },
    # 沈荡镇
    {
        "kind": "outdoor_worker",
        "name": "沈荡镇便民服务中心户外劳动者服务站",
        "address": "海盐县沈荡镇中兴路58号",
        "district": "沈荡镇",
        "position": {"lat": 30.591482, "lng": 120.837165, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "heating_cooling", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86553147",
    },
    {
        "kind": "outdoor_worker",
        "name": "海盐农商银行沈荡支行户外劳动者服务站",
        "address": "海盐县沈荡镇沈荡大道106号",
        "district": "沈荡镇",
        "position": {"lat": 30.586925, "lng": 120.846382, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:30-17:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86552238",
    },
    {
        "kind": "outdoor_worker",
        "name": "中石化沈荡加油站户外劳动者服务站",
        "address": "海盐县沈荡镇盐湖公路沈荡段88号",
        "district": "沈荡镇",
        "position": {"lat": 30.597314, "lng": 120.828756, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "repair_tools"],
        # Open past midnight for the trucks on the 盐湖公路.
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 05:30-01:00", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/sinopec-shendang.jpg"],
        "phone": "0573-86556614",
    },
    {
        "kind": "outdoor_worker",
        "name": "沈荡镇工业园区户外劳动者服务站",
        "address": "海盐县沈荡镇工业园区兴业路12号",
        "district": "沈荡镇",
        "position": {"lat": 30.582167, "lng": 120.852493, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "lockers"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Sa 07:00-19:00; Su 08:00-17:00",
                  "closed_dates": []},
        "photos": [],
    },
    # 百步镇
    {
        "kind": "outdoor_worker",
        "name": "百步镇便民服务中心户外劳动者服务站",
        "address": "海盐县百步镇人民路38号",
        "district": "百步镇",
        "position": {"lat": 30.617452, "lng": 120.752836, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "heating_cooling", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86652219",
    },
    {
        "kind": "outdoor_worker",
        "name": "海盐农商银行百步支行户外劳动者服务站",
        "address": "海盐县百步镇百步大道66号",
        "district": "百步镇",
        "position": {"lat": 30.613928, "lng": 120.761573, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:30-17:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86653341",
    },
    {
        "kind": "outdoor_worker",
        "name": "百步经济开发区物流园户外劳动者服务站",
        "address": "海盐县百步镇百乐路288号",
        "district": "百步镇",
        "position": {"lat": 30.622619, "lng": 120.768147, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "lockers", "repair_tools"],
        "hours": {"open_24h": True, "opening_hours": None, "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/baibu-logistics.jpg"],
        "phone": "0573-86655076",
    },
    {
        "kind": "outdoor_worker",
        "name": "百步镇农贸市场户外劳动者服务站",
        "address": "海盐县百步镇农贸市场管理用房二楼",
        "district": "百步镇",
        "position": {"lat": 30.609374, "lng": 120.749218, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 05:30-18:00", "closed_dates": []},
        "photos": [],
    },
    # 于城镇
    {
        "kind": "outdoor_worker",
        "name": "于城镇便民服务中心户外劳动者服务站",
        "address": "海盐县于城镇新城路26号",
        "district": "于城镇",
        "position": {"lat": 30.558246, "lng": 120.781539, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "heating_cooling", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86662073",
    },
    {
        "kind": "outdoor_worker",
        "name": "海盐农商银行于城支行户外劳动者服务站",
        "address": "海盐县于城镇于城大道32号",
        "district": "于城镇",
        "position": {"lat": 30.563581, "lng": 120.792864, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:30-17:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86663358",
    },
    {
        "kind": "outdoor_worker",
        "name": "中石化于城加油站户外劳动者服务站",
        "address": "海盐县于城镇盐嘉公路于城段158号",
        "district": "于城镇",
        "position": {"lat": 30.568937, "lng": 120.779125, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet"],
        "hours": {"open_24h": True, "opening_hours": None, "closed_dates": []},
        "photos": [],
        "phone": "0573-86665512",
    },
    {
        "kind": "outdoor_worker",
        "name": "于城镇联华超市户外劳动者服务站",
        "address": "海盐县于城镇商贸街18号",
        "district": "于城镇",
        "position": {"lat": 30.553862, "lng": 120.790417, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "microwave"],
        "hours": None,
        "photos": [],
    },
    # 澉浦镇 (keep north of the coast: the bay is south-east of the town)
    {
        "kind": "outdoor_worker",
        "name": "澉浦镇便民服务中心户外劳动者服务站",
        "address": "海盐县澉浦镇澉浦大道120号",
        "district": "澉浦镇",
        "position": {"lat": 30.386514, "lng": 120.877342, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "heating_cooling", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86541168",
    },
    {
        "kind": "outdoor_worker",
        "name": "澉浦镇南北湖景区游客中心户外劳动者服务站",
        "address": "海盐县澉浦镇南北湖风景区游客中心",
        "district": "澉浦镇",
        "position": {"lat": 30.397826, "lng": 120.862573, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "toilet", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:00-17:30", "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/nanbeihu-visitor-centre.jpg"],
        "phone": "0573-86546630",
    },
    {
        "kind": "outdoor_worker",
        "name": "海盐农商银行澉浦支行户外劳动者服务站",
        "address": "海盐县澉浦镇东门路41号",
        "district": "澉浦镇",
        "position": {"lat": 30.391437, "lng": 120.883158, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:30-17:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86542295",
    },
    {
        "kind": "outdoor_worker",
        "name": "中石化澉浦加油站户外劳动者服务站",
        "address": "海盐县澉浦镇海澉公路澉浦段6号",
        "district": "澉浦镇",
        "position": {"lat": 30.401295, "lng": 120.886714, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 06:00-22:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86548817",
    },
    # 通元镇
    {
        "kind": "outdoor_worker",
        "name": "通元镇便民服务中心户外劳动者服务站",
        "address": "海盐县通元镇通元大道108号",
        "district": "通元镇",
        "position": {"lat": 30.487635, "lng": 120.797418, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "rest_area",
                      "toilet", "heating_cooling", "first_aid"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86622158",
    },
    {
        "kind": "outdoor_worker",
        "name": "海盐农商银行通元支行户外劳动者服务站",
        "address": "海盐县通元镇镇中路22号",
        "district": "通元镇",
        "position": {"lat": 30.494718, "lng": 120.808263, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 08:30-17:00", "closed_dates": []},
        "photos": [],
        "phone": "0573-86623374",
    },
    {
        "kind": "outdoor_worker",
        "name": "通元镇工业园区户外劳动者服务站",
        "address": "海盐县通元镇工业园区雪水港路16号",
        "district": "通元镇",
        "position": {"lat": 30.481926, "lng": 120.812547, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "ebike_charging", "microwave",
                      "rest_area", "toilet", "lockers"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Sa 07:00-19:00; Su off",
                  "closed_dates": []},
        "photos": [],
    },
    {
        "kind": "outdoor_worker",
        "name": "通元镇农贸市场户外劳动者服务站",
        "address": "海盐县通元镇农贸市场东侧",
        "district": "通元镇",
        "position": {"lat": 30.497351, "lng": 120.794682, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Su 05:30-18:00", "closed_dates": []},
        "photos": [],
    },
    # ----------------------------------------------------- 工会服务点 (3)
    {
        "kind": "union_post",
        "name": "海盐县总工会职工服务中心工会服务点",
        "address": "海盐县武原街道向阳路168号",
        "district": "武原街道",
        "position": {"lat": 30.528472, "lng": 120.935918, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "toilet",
                      "heating_cooling", "first_aid", "wifi", "books"],
        "hours": {"open_24h": False,
                  "opening_hours": "Mo-Fr 08:30-11:30,13:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": ["https://example.org/hongyi/stations/county-union-service-centre.jpg"],
        "phone": "0573-86030001",
    },
    {
        "kind": "union_post",
        "name": "海盐经济开发区（西塘桥街道）总工会工会服务点",
        "address": "海盐县西塘桥街道海丰路210号",
        "district": "西塘桥街道",
        "position": {"lat": 30.572183, "lng": 121.015726, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area", "heating_cooling"],
        "hours": {"open_24h": False, "opening_hours": "Mo-Fr 08:30-17:00; Sa,Su off",
                  "closed_dates": []},
        "photos": [],
        "phone": "0573-86016688",
    },
    {
        "kind": "union_post",
        "name": "澉浦镇总工会工会服务点",
        "address": "海盐县澉浦镇澉浦大道118号",
        "district": "澉浦镇",
        "position": {"lat": 30.386873, "lng": 120.876985, "system": "gcj02"},
        "amenities": ["drinking_water", "phone_charging", "rest_area"],
        "hours": None,
        "photos": [],
    },
)
