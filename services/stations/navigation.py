"""One-tap navigation links to a station for the three map apps riders use,
each in the coordinate system its URI API expects: Amap and Tencent take
GCJ-02, Baidu BD-09. Each app link has a web twin; "web" is a marker page any
browser opens. Riders ride e-bikes: riding mode wherever the API has one.

Documented APIs: Amap lbs.amap.com/api/uri-api/guide/travel/route (web) and
amapuri://route/plan (app, t=3 riding); Baidu lbsyun.baidu.com URI API
direction (app mode=riding; the web page lists only transit, driving and
walking); Tencent lbs.qq.com uriV1 routeplan (app type=bike; the web page
has bus, drive and walk). No origin is given: each app starts from where
the rider is."""
from urllib.parse import quote, urlencode

SOURCE = "hongyi"  # src / referer / sourceApplication: who sent the rider


def links(name, gcj02, bd09):
    """The links to the station `name` at `gcj02` and `bd09`, (lat, lng) pairs."""
    return {
        "amap": {"app": _amap_app(name, gcj02), "web": _amap_web(name, gcj02)},
        "baidu": {"app": _baidu("baidumap://map/direction", name, bd09, "riding"),
                  "web": _baidu("https://api.map.baidu.com/direction", name, bd09,
                                "walking", output="html")},
        "tencent": {"app": _tencent("qqmap://map/routeplan", name, gcj02, "bike",
                                    fromcoord="CurrentLocation"),
                    "web": _tencent("https://apis.map.qq.com/uri/v1/routeplan", name,
                                    gcj02, "walk")},
        "web": _amap_marker(name, gcj02),
    }


def _amap_app(name, point):
    lat, lng = _fixed(point)
    # dev=0: already GCJ-02, do not shift again; t=3: riding.
    return _url("amapuri://route/plan/", sourceApplication=SOURCE, dlat=lat, dlon=lng,
                dname=name, dev=0, t=3)


def _amap_web(name, point):
    lat, lng = _fixed(point)
    # "to" is "lng,lat,name": a comma in the name would end it early.
    return _url("https://uri.amap.com/navigation", to="%s,%s,%s" % (lng, lat, _amap_name(name)),
                mode="ride", coordinate="gaode", callnative=1, src=SOURCE)


def _amap_marker(name, point):
    lat, lng = _fixed(point)
    return _url("https://uri.amap.com/marker", position="%s,%s" % (lng, lat),
                name=_amap_name(name), coordinate="gaode", callnative=0, src=SOURCE)


def _baidu(base, name, point, mode, **extra):
    lat, lng = _fixed(point)
    # "|" separates the destination's fields and ":" a field's name from its value.
    destination = "latlng:%s,%s|name:%s" % (lat, lng, name.replace("|", "｜"))
    return _url(base, destination=destination, coord_type="bd09ll", mode=mode,
                src=SOURCE, **extra)


def _tencent(base, name, point, mode, **extra):
    lat, lng = _fixed(point)
    return _url(base, type=mode, to=name, tocoord="%s,%s" % (lat, lng), referer=SOURCE,
                **extra)


def _amap_name(name):
    return name.replace(",", "，")


def _fixed(point):
    return tuple("%.6f" % value for value in point)


def _url(base, **params):
    # Percent-encode everything a name may hold (&, spaces, Chinese) as UTF-8;
    # keep the separators the APIs read inside a value legible.
    return base + "?" + urlencode(params, quote_via=quote, safe=",:|")
